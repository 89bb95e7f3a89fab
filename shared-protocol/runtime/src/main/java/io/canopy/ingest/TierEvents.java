package io.canopy.ingest;

import java.util.function.Consumer;

import io.canopy.round.RoundPlan;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.slf4j.Logger;

/** What every tier's actor does the same way: where it publishes its events, and which round plans it takes. */
public final class TierEvents {
    private TierEvents() {
    }

    /**
     * {@code events} if given, else the actor system's event stream: where a tier actor publishes its reports for
     * observers (a simulation whose stubbed system has no event stream passes its own collector).
     */
    public static Consumer<Object> orEventStream(Consumer<Object> events, ActorContext<?> context) {
        if (events != null) {
            return events;
        }
        return event -> context.getSystem().eventStream().tell(new EventStream.Publish<>(event));
    }

    /**
     * Whether an actor at {@code current} takes {@code incoming}: only a plan that supersedes it (a later round, or
     * the same round re-issued under a later coordinator epoch). A stale or duplicated plan is logged and ignored.
     *
     * @param who the actor, as its log lines name it ("cluster 7")
     */
    public static boolean takes(Logger log, String who, RoundPlan incoming, RoundPlan current) {
        if (incoming.supersedes(current)) {
            return true;
        }
        log.warn("{}: ignoring a plan for round {} epoch {}, already at round {} epoch {}", who, incoming.roundId(),
            incoming.epoch(), current.roundId(), current.epoch());
        return false;
    }
}
