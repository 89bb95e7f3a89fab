package io.canopy.node;

import java.io.PrintStream;

import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * Prints the fleet's membership as it changes, one line per event on {@code out} (what an operator watching a
 * node sees) and the same through SLF4J: members up, unreachable, reachable again, and removed.
 */
final class MembershipLog {

    private final ActorContext<ClusterEvent.ClusterDomainEvent> context;
    private final PrintStream out;

    private MembershipLog(ActorContext<ClusterEvent.ClusterDomainEvent> context, PrintStream out) {
        this.context = context;
        this.out = out;
    }

    static Behavior<ClusterEvent.ClusterDomainEvent> create(PrintStream out) {
        return Behaviors.setup(context -> {
            Cluster.get(context.getSystem()).subscriptions().tell(
                Subscribe.create(context.getSelf(), ClusterEvent.ClusterDomainEvent.class));
            return new MembershipLog(context, out).behavior();
        });
    }

    private Behavior<ClusterEvent.ClusterDomainEvent> behavior() {
        return Behaviors.receive(ClusterEvent.ClusterDomainEvent.class)
            .onMessage(ClusterEvent.MemberUp.class, this::onMemberUp)
            .onMessage(ClusterEvent.UnreachableMember.class, this::onUnreachable)
            .onMessage(ClusterEvent.ReachableMember.class, this::onReachable)
            .onMessage(ClusterEvent.MemberDowned.class, this::onDowned)
            .onMessage(ClusterEvent.MemberRemoved.class, this::onRemoved)
            .onMessage(ClusterEvent.ClusterDomainEvent.class, e -> Behaviors.same())
            .build();
    }

    private Behavior<ClusterEvent.ClusterDomainEvent> onMemberUp(ClusterEvent.MemberUp e) {
        return say("member up: " + describe(e.member()));
    }

    private Behavior<ClusterEvent.ClusterDomainEvent> onUnreachable(ClusterEvent.UnreachableMember e) {
        return say("member unreachable: " + describe(e.member()));
    }

    private Behavior<ClusterEvent.ClusterDomainEvent> onReachable(ClusterEvent.ReachableMember e) {
        return say("member reachable again: " + describe(e.member()));
    }

    private Behavior<ClusterEvent.ClusterDomainEvent> onDowned(ClusterEvent.MemberDowned e) {
        return say("member downed: " + describe(e.member()));
    }

    private Behavior<ClusterEvent.ClusterDomainEvent> onRemoved(ClusterEvent.MemberRemoved e) {
        return say("member removed: " + describe(e.member()) + " (was " + e.previousStatus() + ")");
    }

    private static String describe(Member m) {
        return m.address() + " roles " + m.getRoles().stream().filter(r -> !r.startsWith("dc-")).sorted().toList();
    }

    private Behavior<ClusterEvent.ClusterDomainEvent> say(String line) {
        context.getLog().info(line);
        out.println(line);
        out.flush();
        return Behaviors.same();
    }
}
