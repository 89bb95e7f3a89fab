package io.canopy.node;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.remote.RemoteActorRefProvider;
import org.apache.pekko.remote.transport.ThrottlerTransportAdapter;

/**
 * Test only ({@code fault-partition-file}): once the file appears, this member drops every control-plane message to
 * and from the members it lists ({@code host:port} per line), in both directions, as a network partition would,
 * while both sides stay alive. It uses Artery's own blackhole (its test mode, switched on only with this fault), so
 * heartbeats, gossip and actor messages are all cut; the data plane (Aeron) is not touched.
 */
final class PartitionFault {

    sealed interface Command {
    }

    private enum Tick implements Command { INSTANCE }

    private static final Duration POLL = Duration.ofMillis(200);

    private final ActorContext<Command> context;
    private final Path file;
    private final PrintStream out;

    private PartitionFault(ActorContext<Command> context, Path file, PrintStream out) {
        this.context = context;
        this.file = file;
        this.out = out;
    }

    static Behavior<Command> create(Path file, PrintStream out) {
        return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
            timers.startTimerAtFixedRate(Tick.INSTANCE, POLL);
            return new PartitionFault(context, file, out).polling();
        }));
    }

    private Behavior<Command> polling() {
        return Behaviors.receive(Command.class).onMessageEquals(Tick.INSTANCE, this::onTick).build();
    }

    private Behavior<Command> onTick() {
        if (!Files.isRegularFile(file)) {
            return Behaviors.same();
        }
        List<Address> others = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file)) {
                String l = line.strip();
                int colon = l.lastIndexOf(':');
                if (l.isEmpty() || colon <= 0) {
                    continue;
                }
                others.add(new Address("pekko", NodeSettings.SYSTEM, l.substring(0, colon),
                    Integer.parseInt(l.substring(colon + 1))));
            }
        } catch (IOException | NumberFormatException e) {
            context.getLog().warn("fault: cannot read the partition file {}: {}; asking again", file, e.toString());
            return Behaviors.same();
        }
        RemoteActorRefProvider provider = (RemoteActorRefProvider) Adapter.toClassic(context.getSystem()).provider();
        for (Address other : others) {
            provider.transport().managementCommand(new ThrottlerTransportAdapter.SetThrottle(other,
                ThrottlerTransportAdapter.bothDirection(), ThrottlerTransportAdapter.blackholeThrottleMode()));
            NodeGuardian.say(out, "fault: partitioned from " + other);
        }
        return Behaviors.stopped();
    }
}
