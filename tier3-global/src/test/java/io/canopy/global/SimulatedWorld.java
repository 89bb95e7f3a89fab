package io.canopy.global;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

import io.canopy.enroll.LinkAuthentication;
import io.canopy.frame.FrameLimits;
import io.canopy.ingest.IngestAgent;
import io.canopy.ingest.TierRuntime;
import io.canopy.straggler.ManualNanoClock;
import io.canopy.transport.FrameHandler;
import io.canopy.transport.FrameSubscriber;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.pekko.actor.testkit.typed.Effect;
import org.apache.pekko.actor.testkit.typed.internal.ActorSystemStub;
import org.apache.pekko.actor.testkit.typed.internal.ControlledExecutor;
import org.apache.pekko.actor.testkit.typed.javadsl.BehaviorTestKit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.internal.AdaptMessage;

/**
 * The world of {@link ProtocolSimulationTest}, all on one thread and one virtual clock: a queue of timed events, a
 * network that drops, duplicates, delays (and so reorders) what it carries, the data-plane nodes whose ingest agents
 * it steps, and the actors, each a Pekko {@link BehaviorTestKit} whose messages it runs and whose timers it fires.
 * Nothing here reads a wall clock or starts a thread, so a seed replays the same run.
 */
final class SimulatedWorld {

    /** One timed event; {@code seq} orders events due at the same instant in the order they were made. */
    private record Event(long atNs, long seq, Runnable action) {
    }

    /** What the network does to each message: drop and duplicate probabilities, and the most it delays one. */
    record Faults(double drop, double duplicate, long maxDelayNs) {
    }

    final SplittableRandom random;
    final ManualNanoClock clock = new ManualNanoClock(0);
    private final PriorityQueue<Event> events = new PriorityQueue<>((a, b) -> a.atNs() != b.atNs()
        ? Long.compare(a.atNs(), b.atNs()) : Long.compare(a.seq(), b.seq()));
    private long seq;
    private final List<Node> nodes = new ArrayList<>();
    private final List<Actor> actors = new ArrayList<>();
    /** The blocking dispatchers of the actor systems stubbed under the actors: where the journal writes run. */
    private final List<ControlledExecutor> executors = new ArrayList<>();

    SimulatedWorld(long seed) {
        this.random = new SplittableRandom(seed);
    }

    long nowNs() {
        return clock.nanoTime();
    }

    /** Runs {@code action} at {@code atNs} (not before now). */
    void at(long atNs, Runnable action) {
        events.add(new Event(Math.max(atNs, nowNs()), seq++, action));
    }

    /** Sends {@code delivery} through a network with {@code faults}: maybe never, maybe twice, each copy delayed. */
    void send(Faults faults, Runnable delivery) {
        int copies = random.nextDouble() < faults.duplicate() ? 2 : 1;
        for (int c = 0; c < copies; c++) {
            if (random.nextDouble() >= faults.drop()) {
                at(nowNs() + (long) (random.nextDouble() * faults.maxDelayNs()), delivery);
            }
        }
    }

    /**
     * Takes the next event, moves the clock to it, runs it and then everything it set off until the world is quiet.
     *
     * @return false when no event is left
     */
    boolean step() {
        Event next = events.poll();
        if (next == null) {
            return false;
        }
        long now = nowNs();
        if (next.atNs() > now) {
            clock.advance(Duration.ofNanos(next.atNs() - now));
        }
        next.action().run();
        settle();
        return true;
    }

    /** Steps every agent, runs every actor's messages and every queued blocking task until nothing moves. */
    void settle() {
        int work;
        do {
            work = 0;
            for (Node node : nodes) {
                work += node.doWork();
            }
            for (Actor actor : new ArrayList<>(actors)) {
                work += actor.runAll();
            }
            for (ControlledExecutor executor : executors) {
                if (executor.queueSize() > 0) {
                    executor.runAll();
                    work++;
                }
            }
        } while (work > 0);
    }

    /** A new data-plane node (a process), up until {@link Node#crash}. */
    Node node() {
        Node node = new Node();
        nodes.add(node);
        return node;
    }

    /** Runs {@code kit}'s messages in {@link #settle}, with its children and timers, until it crashes. */
    <T> Actor actor(BehaviorTestKit<T> kit) {
        Actor actor = new Actor(kit);
        actors.add(actor);
        actor.collectEffects(kit);
        return actor;
    }

    /** The blocking dispatcher of the stubbed system an actor's context belongs to, run by {@link #settle} from now on. */
    void runBlockingTasksOf(ActorSystem<?> system) {
        ControlledExecutor executor = ((ActorSystemStub) system).controlledExecutor();
        if (!executors.contains(executor)) {
            executors.add(executor);
        }
    }

    /**
     * What a crashed process had queued on its blocking dispatcher: with {@code finish} it ran before the crash (the
     * journal write reached the disk, its answer never arrived); without, it never ran.
     */
    void abandonBlockingTasksOf(ActorSystem<?> system, boolean finish) {
        ControlledExecutor executor = ((ActorSystemStub) system).controlledExecutor();
        if (finish) {
            executor.runAll();
        }
        executors.remove(executor);
    }

    /** One process's data plane: its frames' inbox, and the ingest agent that polls it. */
    final class Node {
        private final ArrayDeque<byte[]> inbox = new ArrayDeque<>();
        private final UnsafeBuffer view = new UnsafeBuffer(new byte[0]);
        private IngestAgent agent;
        private boolean up = true;

        /** How the node's tier is wired: no link tags, frames from the inbox, an agent this world steps. */
        TierRuntime.Wiring wiring() {
            return new TierRuntime.Wiring() {
                @Override
                public LinkAuthentication links() {
                    return LinkAuthentication.off();
                }

                @Override
                public FrameSubscriber subscriber(int stream, FrameLimits limits, FrameHandler handler) {
                    return new FrameSubscriber((frames, limit) -> {
                        int n = 0;
                        while (n < limit && !inbox.isEmpty()) {
                            byte[] frame = inbox.poll();
                            view.wrap(frame);
                            frames.onFragment(view, 0, frame.length, null);
                            n++;
                        }
                        return n;
                    }, limits, handler, 64);
                }

                @Override
                public void start(Agent started) {
                    agent = (IngestAgent) started;
                }
            };
        }

        /** A frame arrives (a crashed node's are lost). */
        void deliver(byte[] frame) {
            if (up) {
                inbox.add(frame);
            }
        }

        boolean isUp() {
            return up;
        }

        /** The process dies: its inbox and its agent's state are gone. */
        void crash() {
            up = false;
            inbox.clear();
            nodes.remove(this);
        }

        private int doWork() {
            return agent == null ? 0 : agent.doWork();
        }
    }

    /** An actor under test, with the children it spawned (report collectors) and the timers they set. */
    final class Actor {
        private final BehaviorTestKit<?> kit;
        private final Map<String, BehaviorTestKit<?>> children = new LinkedHashMap<>();
        private boolean alive = true;

        private Actor(BehaviorTestKit<?> kit) {
            this.kit = kit;
        }

        /** The actor dies with its process: its mailbox, children and timers are gone, and no signal is sent. */
        void crash() {
            alive = false;
            actors.remove(this);
        }

        private int runAll() {
            int work = 0;
            work += drain(kit);
            for (BehaviorTestKit<?> child : new ArrayList<>(children.values())) {
                work += drain(child);
            }
            return work;
        }

        @SuppressWarnings("unchecked")
        private int drain(BehaviorTestKit<?> k) {
            BehaviorTestKit<Object> any = (BehaviorTestKit<Object>) k;
            int work = 0;
            while (alive && k.selfInbox().hasMessages()) {
                Object message = any.selfInbox().receiveMessage();
                // pipeToSelf's answer (the coordinator's journal write): the test kit adapts only registered adapters.
                any.run(message instanceof AdaptMessage<?, ?> adapted ? adapted.adapt() : message);
                collectEffects(k);
                work++;
            }
            return work;
        }

        /** Follows what an actor did besides sending: children spawned and stopped, timers set. */
        private void collectEffects(BehaviorTestKit<?> k) {
            for (Effect effect : k.getAllEffects()) {
                if (effect instanceof Effect.SpawnedAnonymous<?> spawned) {
                    BehaviorTestKit<?> child = k.childTestKit(spawned.ref());
                    children.put(spawned.ref().path().name(), child);
                    collectEffects(child);
                } else if (effect instanceof Effect.Stopped stopped) {
                    children.remove(stopped.childName());
                } else if (effect instanceof Effect.TimerScheduled<?> timer) {
                    String owner = k == kit ? null : k.getRef().path().name();
                    at(nowNs() + timer.duration().toNanos(), () -> {
                        if (alive && (owner == null || children.containsKey(owner))) {
                            timer.send().apply();
                        }
                    });
                }
            }
        }
    }
}
