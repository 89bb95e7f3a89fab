package io.canopy.fleet;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A {@code ./canopy node} or {@code ./canopy swarm} in its own JVM, on loopback, for multi-JVM tests: the
 * test's class path and JVM flags, a small heap, and its output lines kept for {@link #await}.
 */
public final class MemberProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final List<String> lines = new ArrayList<>();
    /** When each line came, {@link System#nanoTime()}: the transcript shows a test's timeline across its processes. */
    private final List<Long> arrivals = new ArrayList<>();
    private final long startedNs = System.nanoTime();
    /** When the process ended, {@link System#nanoTime()}, or 0 while it runs: the transcript says when each exited. */
    private volatile long exitedNs;
    private final Thread reader;

    private MemberProcess(String name, Process process) {
        this.name = name;
        this.process = process;
        this.reader = Thread.ofPlatform().daemon().name("output-" + name).start(this::readOutput);
        process.onExit().thenRun(() -> exitedNs = System.nanoTime());
    }

    /** Starts {@code ./canopy ARGS} (any command) in a new JVM. */
    public static MemberProcess command(String name, String... args) throws IOException {
        return command(name, List.of(), args);
    }

    /** Starts {@code ./canopy ARGS} in a new JVM with extra JVM options (e.g. {@code -D} properties of Aeron's driver). */
    public static MemberProcess command(String name, List<String> jvmOptions, String... args) throws IOException {
        List<String> command = new ArrayList<>(JVM);
        command.addAll(jvmOptions);
        command.addAll(MemberClassPath.options(JVM));
        command.add("io.canopy.ops.cli.CanopyCli");
        command.addAll(List.of(args));
        return new MemberProcess(name, new ProcessBuilder(command).redirectErrorStream(true).start());
    }

    /**
     * Pekko's periodic cluster tasks at the pace of Pekko's own multi-node tests ({@code MultiNodeClusterSpec}) instead
     * of its 1 s defaults: gossip and the leader's actions (joining to up, down to removed) every 200 ms, the failure
     * detector read every 500 ms, the first tick after 300 ms, and a shard region that has not registered with its
     * coordinator asking again after 500 ms, not 2 s. None of them is a tolerance: how long a member may miss heartbeats
     * ({@code heartbeat-pause}) and how long the resolver waits for a stable view ({@code down-after}) stay each test's
     * own. A member reads them as system properties (its Pekko configuration falls back on {@code ConfigFactory.load()}).
     */
    static final List<String> CLUSTER_PACE = List.of("-Dpekko.cluster.gossip-interval=200ms",
        "-Dpekko.cluster.leader-actions-interval=200ms", "-Dpekko.cluster.unreachable-nodes-reaper-interval=500ms",
        "-Dpekko.cluster.periodic-tasks-initial-delay=300ms", "-Dpekko.cluster.sharding.retry-interval=500ms");

    /** The java binary, the module flags this JVM has, a small heap and a quick JIT: what every member JVM runs with. */
    private static final List<String> JVM = jvm();

    private static List<String> jvm() {
        List<String> jvm = new ArrayList<>();
        jvm.add(ProcessHandle.current().info().command().orElse("java"));
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-") || arg.startsWith("--enable-native-access") || arg.startsWith("--sun-misc")) {
                jvm.add(arg);
            }
        }
        jvm.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        jvm.addAll(CLUSTER_PACE);
        return List.copyOf(jvm);
    }

    /**
     * The arguments every test member needs besides its role: its Pekko port, its client gateway's port, a free UDP
     * endpoint, its own media driver directory and journal under {@code dir}.
     */
    public static List<String> memberArgs(int port, int clientPort, String seeds, java.nio.file.Path dir) throws IOException {
        return List.of("--port", Integer.toString(port), "--client-port", Integer.toString(clientPort), "--seed-nodes", seeds,
            "--aeron-endpoint", "127.0.0.1:" + freePort(), "--aeron-dir", dir.resolve("aeron-" + port).toString(),
            "--journal", dir.resolve("journal").toString());
    }

    /** {@link #memberArgs(int, int, String, java.nio.file.Path)} with the client gateway off (no client asks it). */
    public static List<String> memberArgs(int port, String seeds, java.nio.file.Path dir) throws IOException {
        return memberArgs(port, 0, seeds, dir);
    }

    /**
     * A port free on loopback for TCP and UDP right now, below Linux's ephemeral range (32768 and up): a port
     * from that range can be taken by some process's outgoing connection before the member binds it.
     */
    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public static int freePort() throws IOException {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 1000; attempt++) {
            int port = random.nextInt(20_000, 32_000);
            if (!HANDED_OUT.add(port)) {
                continue; // never the same port twice in one test JVM: two members would race for it
            }
            try (ServerSocket tcp = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress());
                 java.net.DatagramSocket udp = new java.net.DatagramSocket(port, java.net.InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free port in 20000..31999 after 1000 attempts");
    }

    private void readOutput() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                synchronized (lines) {
                    lines.add(line);
                    arrivals.add(System.nanoTime());
                    lines.notifyAll();
                }
            }
        } catch (IOException e) {
            // The process went away; its lines so far stay readable.
        }
    }

    /** Waits for {@code count} output lines that match; fails with the output so far if they do not come. */
    public void await(String what, Predicate<String> matches, int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            while (true) {
                if (lines.stream().filter(matches).count() >= count) {
                    return;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError(name + ": no " + what + " within " + timeout + "; its output:\n"
                        + String.join("\n", lines));
                }
                lines.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    /** The name the test gave this process. */
    public String name() {
        return name;
    }

    /** The output so far. */
    public List<String> output() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** Waits for the process to end by itself; returns its exit code. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " did not finish within " + timeout + "; its output:\n" + String.join("\n", output()));
        }
        reader.join(5_000);
        return process.exitValue();
    }

    /** SIGKILL: the member vanishes without leaving (a crashed host). */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        stopAll(List.of(this));
    }

    /**
     * Stops every process at once (SIGTERM: a member leaves the cluster, then exits), waits for each, at most
     * {@link #LEAVE_GRACE_S} s before SIGKILL, and prints their output with the time each line came. One after another,
     * each member's leaving took 1–3 s of a test's time; together they leave in one gossip round.
     */
    public static void closeAll(List<MemberProcess> processes) throws InterruptedException {
        long stopNs = System.nanoTime();
        stopAll(processes);
        // Every process's output, in the test's report: a multi-process failure is read from all sides, on one clock.
        long origin = processes.stream().mapToLong(m -> m.startedNs).min().orElse(0);
        System.out.println("---- fixture: stop sent to every process at +" + seconds(stopNs - origin) + ", the last ended at +"
            + seconds(processes.stream().mapToLong(m -> m.exitedNs).max().orElse(stopNs) - origin));
        for (MemberProcess m : processes) {
            StringBuilder transcript = new StringBuilder("---- ").append(m.name).append(" (started at +")
                .append(seconds(m.startedNs - origin)).append(")\n");
            synchronized (m.lines) {
                for (int i = 0; i < m.lines.size(); i++) {
                    transcript.append('+').append(seconds(m.arrivals.get(i) - origin)).append(' ').append(m.lines.get(i))
                        .append('\n');
                }
            }
            if (m.exitedNs != 0) {
                transcript.append('+').append(seconds(m.exitedNs - origin)).append(" (exited, code ")
                    .append(m.process.exitValue()).append(")\n");
            }
            System.out.print(transcript);
        }
    }

    private static String seconds(long ns) {
        return String.format(java.util.Locale.ROOT, "%.3fs", ns / 1e9);
    }

    /**
     * How long the members get to leave before SIGKILL. Most exit 1–2.5 s after SIGTERM; when every member leaves at
     * once, one or two of them sat 10 s more in Pekko's coordinated shutdown (waiting, it seems, for a leader that had
     * left too; they print nothing then), in a third of the fleet tests. What a test checks after its fleet is closed
     * is on disk already (a round is recorded once durable), so it need not wait for them.
     */
    static final long LEAVE_GRACE_S = 3;

    private static void stopAll(List<MemberProcess> processes) throws InterruptedException {
        for (MemberProcess m : processes) {
            m.process.destroy();
        }
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(LEAVE_GRACE_S);
        for (MemberProcess m : processes) {
            if (!m.process.waitFor(Math.max(0, deadline - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS)) {
                m.process.destroyForcibly().waitFor();
            }
            m.reader.join(5_000);
        }
    }
}
