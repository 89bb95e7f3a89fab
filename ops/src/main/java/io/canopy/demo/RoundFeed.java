package io.canopy.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.canopy.global.GlobalCoordinator;
import io.canopy.global.RoundResult;
import io.canopy.round.RoundPlan;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The embedded fleet's rounds as a caller on another thread sees them: starts the coordinator on the first
 * plan and hands out, per round, the plan the coordinator opened and the result it published.
 */
public final class RoundFeed {
    private final long firstRound;
    private final List<CompletableFuture<RoundPlan>> opened = new ArrayList<>();
    private final List<CompletableFuture<RoundResult>> results = new ArrayList<>();

    private RoundFeed(long firstRound, int rounds) {
        this.firstRound = firstRound;
        for (int r = 0; r < rounds; r++) {
            opened.add(new CompletableFuture<>());
            results.add(new CompletableFuture<>());
        }
    }

    /** Subscribes to the fleet's rounds, then starts {@code rounds} rounds from {@code first}. */
    public static RoundFeed start(EmbeddedFleet fleet, RoundPlan first, int rounds) {
        RoundFeed feed = new RoundFeed(first.roundId(), rounds);
        CompletableFuture<Void> subscribed = new CompletableFuture<>();
        ActorRef<RoundResult> collector = fleet.system().systemActorOf(Behaviors.receive(RoundResult.class)
            .onMessage(RoundResult.class, result -> {
                feed.at(feed.results, result.roundId()).complete(result);
                return Behaviors.same();
            }).build(), "round-results", Props.empty());
        fleet.system().systemActorOf(Behaviors.<GlobalCoordinator.RoundOpened>setup(context -> {
            context.getSystem().eventStream().tell(new EventStream.Subscribe<>(GlobalCoordinator.RoundOpened.class,
                context.getSelf()));
            subscribed.complete(null);
            return Behaviors.receive(GlobalCoordinator.RoundOpened.class)
                .onMessage(GlobalCoordinator.RoundOpened.class, o -> {
                    feed.at(feed.opened, o.plan().roundId()).complete(o.plan());
                    return Behaviors.same();
                }).build();
        }), "round-openings", Props.empty());
        subscribed.join();
        // The Subscribe sits in the event stream's mailbox before Start is sent, and the coordinator publishes the
        // first RoundOpened only after it handles Start: the stream takes the subscription first (FIFO mailbox).
        fleet.system().tell(new GlobalCoordinator.Start(first, rounds, collector));
        return feed;
    }

    private <T> CompletableFuture<T> at(List<CompletableFuture<T>> list, long roundId) {
        int index = (int) (roundId - firstRound);
        return index >= 0 && index < list.size() ? list.get(index) : new CompletableFuture<>();
    }

    /** The plan of the run's round {@code index} (0-based), once the coordinator has opened it. */
    public RoundPlan opened(int index, long timeout, TimeUnit unit) throws Exception {
        return opened.get(index).get(timeout, unit);
    }

    /** The result of the run's round {@code index} (0-based), once the coordinator has published it. */
    public RoundResult result(int index, long timeout, TimeUnit unit) throws Exception {
        return results.get(index).get(timeout, unit);
    }
}
