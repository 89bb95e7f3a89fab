package io.canopy.fleet;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The processes of one multi-JVM test on loopback: members that join through one seed (whose client gateway, if
 * any, the swarm and status connect to), and the clients. Each member gets {@link MemberProcess#memberArgs} under
 * the test's directory; {@link #close} stops them all at once and prints every transcript.
 */
public final class FleetFixture implements AutoCloseable {
    private final Path dir;
    private final int seedPort;
    private final int gatewayPort;
    private final List<MemberProcess> started = new ArrayList<>();

    /**
     * A fleet under {@code dir} whose seed member listens on {@code seedPort} and runs a client gateway on
     * {@code gatewayPort} (0: none).
     */
    public FleetFixture(Path dir, int seedPort, int gatewayPort) {
        this.dir = dir;
        this.seedPort = seedPort;
        this.gatewayPort = gatewayPort;
    }

    /** {@code count} distinct free ports, ascending: the first, the lowest address, is the seed's. */
    public static int[] distinctPorts(int count) throws IOException {
        TreeSet<Integer> distinct = new TreeSet<>();
        while (distinct.size() < count) {
            distinct.add(MemberProcess.freePort());
        }
        return distinct.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The Pekko address of the member on {@code port}, as membership events name it. */
    public static String address(int port) {
        return "pekko://canopy@127.0.0.1:" + port;
    }

    /** Starts {@code ./canopy node ARGS} on {@code port} (the seed's port gets the gateway too). */
    public MemberProcess node(String name, int port, String... args) throws IOException {
        return node(name, port, List.of(), args);
    }

    /** {@link #node(String, int, String...)} in a JVM with extra options (e.g. Aeron's driver's {@code -D}s). */
    public MemberProcess node(String name, int port, List<String> jvmOptions, String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of("node"));
        all.addAll(List.of(args));
        all.addAll(MemberProcess.memberArgs(port, port == seedPort ? gatewayPort : 0, "127.0.0.1:" + seedPort, dir));
        return track(MemberProcess.command(name, jvmOptions, all.toArray(String[]::new)));
    }

    /**
     * Starts {@code ./canopy swarm} against the seed's gateway for {@code rounds} rounds from seed 7, with its own
     * media driver in {@code dir/aeron-NAME}, plus {@code extra}.
     */
    public MemberProcess swarm(String name, int rounds, String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("swarm", "--connect", gateway(), "--aeron-endpoint", "127.0.0.1:"
            + MemberProcess.freePort(), "--aeron-dir", dir.resolve("aeron-" + name).toString(), "--rounds", "" + rounds,
            "--seed", "7"));
        args.addAll(List.of(extra));
        return track(MemberProcess.command(name, args.toArray(String[]::new)));
    }

    /** Starts {@code ./canopy ARGS} (a client such as status), stopped with the fleet. */
    public MemberProcess command(String name, String... args) throws IOException {
        return track(MemberProcess.command(name, args));
    }

    /** The seed's client gateway, {@code host:port}. */
    public String gateway() {
        return "127.0.0.1:" + gatewayPort;
    }

    /** Every process started so far, in order. */
    public List<MemberProcess> started() {
        return started;
    }

    private MemberProcess track(MemberProcess process) {
        started.add(process);
        return process;
    }

    @Override
    public void close() throws InterruptedException {
        MemberProcess.closeAll(started);
    }
}
