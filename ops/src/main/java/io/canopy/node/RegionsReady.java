package io.canopy.node;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletionStage;

import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.pattern.Patterns;

/**
 * Holds the first round back until every Up member with the {@code cluster} and {@code continental} roles has
 * registered its shard region with the sharding coordinator, then sends {@code start}: shards are allocated when
 * the first round's plan reaches them, and a region that registers a moment later gets none until a rebalance
 * (seen: all six clusters on one of two cluster members). Asks the sharding coordinators' view every 250 ms,
 * never blocking a thread, and gives up waiting after {@code limit}, starting anyway with a warning.
 */
final class RegionsReady<T> {

    sealed interface Command {
    }

    private enum Tick implements Command { INSTANCE }

    /** The regions one entity type's coordinator has registered (null when it did not answer). */
    private record Regions(String role, Set<Address> registered) implements Command {
    }

    private static final String[] ROLES = {"cluster", "continental"};

    private final ActorContext<Command> context;
    private final Duration limit;
    private final ActorRef<T> target;
    private final T start;
    private final long openAt;
    private final long giveUpAt;
    private final Set<String> ready = new HashSet<>();
    private String lastMissing = "no answer yet";

    private RegionsReady(ActorContext<Command> context, Duration after, Duration limit, ActorRef<T> target, T start) {
        this.context = context;
        this.limit = limit;
        this.target = target;
        this.start = start;
        this.openAt = System.nanoTime() + after.toNanos();
        this.giveUpAt = openAt + limit.toNanos();
    }

    static <T> Behavior<Command> create(Duration after, Duration limit, ActorRef<T> target, T start) {
        return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
            RegionsReady<T> waiting = new RegionsReady<>(context, after, limit, target, start);
            timers.startTimerAtFixedRate(Tick.INSTANCE, Duration.ofMillis(250));
            return waiting.behavior();
        }));
    }

    private Behavior<Command> behavior() {
        return Behaviors.receive(Command.class)
            .onMessageEquals(Tick.INSTANCE, this::onTick)
            .onMessage(Regions.class, this::onRegions)
            .build();
    }

    private Behavior<Command> onTick() {
        long now = System.nanoTime();
        if (now < openAt) {
            return Behaviors.same();
        }
        if (now >= giveUpAt) {
            context.getLog().warn("global: starting although {} after {} s", lastMissing, limit.toSeconds());
            target.tell(start);
            return Behaviors.stopped();
        }
        ready.clear();
        for (String role : ROLES) {
            ask(context, role);
        }
        return Behaviors.same();
    }

    private Behavior<Command> onRegions(Regions r) {
        String missing = missing(context, r);
        if (missing != null) {
            lastMissing = missing;
            return Behaviors.same();
        }
        ready.add(r.role());
        if (ready.size() == ROLES.length) {
            target.tell(start);
            return Behaviors.stopped();
        }
        return Behaviors.same();
    }

    private static void ask(ActorContext<Command> context, String role) {
        String type = role.equals("cluster") ? NodeGuardian.CLUSTER.name() : NodeGuardian.CONTINENT.name();
        org.apache.pekko.actor.ActorRef region = org.apache.pekko.cluster.sharding.ClusterSharding
            .get(Adapter.toClassic(context.getSystem())).shardRegion(type);
        CompletionStage<Object> answer = Patterns.ask(region, ShardRegion.getCurrentRegionsInstance(), Duration.ofMillis(200));
        context.pipeToSelf(answer, (ok, error) -> new Regions(role,
            ok instanceof ShardRegion.CurrentRegions current ? current.getRegions() : null));
    }

    /** Which Up members of the role have no registered region, or null when none is missing. */
    private static String missing(ActorContext<Command> context, Regions r) {
        if (r.registered() == null) {
            return "the " + r.role() + " shard coordinator did not answer";
        }
        Cluster cluster = Cluster.get(context.getSystem());
        Address self = cluster.selfMember().address();
        Set<Address> seen = new HashSet<>();
        for (Address a : r.registered()) {
            seen.add(a.hasLocalScope() ? self : a); // the local region is registered under a local address
        }
        Set<Address> members = new HashSet<>();
        for (Member m : cluster.state().getMembers()) {
            if (m.status() == MemberStatus.up() && m.hasRole(r.role()) && !seen.contains(m.address())) {
                members.add(m.address());
            }
        }
        return members.isEmpty() ? null : "the " + r.role() + " members " + members + " have not registered their shard regions";
    }
}
