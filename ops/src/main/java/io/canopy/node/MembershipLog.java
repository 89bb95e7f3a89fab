package io.canopy.node;

import java.io.PrintStream;

import org.apache.pekko.actor.typed.Behavior;
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

    private MembershipLog() {
    }

    static Behavior<ClusterEvent.ClusterDomainEvent> create(PrintStream out) {
        return Behaviors.setup(context -> {
            Cluster.get(context.getSystem()).subscriptions().tell(
                Subscribe.create(context.getSelf(), ClusterEvent.ClusterDomainEvent.class));
            return Behaviors.receive(ClusterEvent.ClusterDomainEvent.class)
                .onMessage(ClusterEvent.MemberUp.class, e -> say(context, out, "member up: " + describe(e.member())))
                .onMessage(ClusterEvent.UnreachableMember.class, e -> say(context, out, "member unreachable: "
                    + describe(e.member())))
                .onMessage(ClusterEvent.ReachableMember.class, e -> say(context, out, "member reachable again: "
                    + describe(e.member())))
                .onMessage(ClusterEvent.MemberDowned.class, e -> say(context, out, "member downed: " + describe(e.member())))
                .onMessage(ClusterEvent.MemberRemoved.class, e -> say(context, out, "member removed: "
                    + describe(e.member()) + " (was " + e.previousStatus() + ")"))
                .onMessage(ClusterEvent.ClusterDomainEvent.class, e -> Behaviors.same())
                .build();
        });
    }

    private static String describe(Member m) {
        return m.address() + " roles " + m.getRoles().stream().filter(r -> !r.startsWith("dc-")).sorted().toList();
    }

    private static Behavior<ClusterEvent.ClusterDomainEvent> say(
        org.apache.pekko.actor.typed.javadsl.ActorContext<ClusterEvent.ClusterDomainEvent> context, PrintStream out,
        String line) {
        context.getLog().info(line);
        out.println(line);
        out.flush();
        return Behaviors.same();
    }
}
