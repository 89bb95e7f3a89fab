package io.canopy.node;

import java.io.PrintStream;

import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/** The root of a fleet member: what it runs is decided by its roles. */
final class NodeGuardian {

    private NodeGuardian() {
    }

    static Behavior<Void> create(NodeSettings settings, PrintStream out) {
        return Behaviors.setup(context -> {
            context.spawn(MembershipLog.create(out), "membership");
            return Behaviors.empty();
        });
    }
}
