package io.canopy.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import io.canopy.codec.CodecId;
import io.canopy.codec.UpdateEncoder;
import io.canopy.enroll.LeafSigner;
import io.canopy.frame.GradientFrame;
import io.canopy.round.RoundPlan;
import io.canopy.round.TierSpec;
import io.canopy.straggler.QuorumPolicy;
import io.canopy.topology.FleetLayout;
import io.canopy.transport.CanopyTransport;
import io.canopy.transport.FramePublisher;
import io.canopy.transport.LoopbackTransports;
import io.canopy.transport.PublishResult;
import io.canopy.transport.TransportContext;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;

/**
 * A tier under test on a real embedded Aeron driver over UDP loopback ({@link LoopbackTransports#udp}): its
 * transport, an actor test kit for the probes that stand in for its aggregators, and the one publisher that sends to
 * it as leaves or a lower tier would. The on-the-wire tests of tier1-cluster and tier3-global share it (this module's
 * test jar); {@link #close} stops the test kit, then the transport.
 */
public final class OnTheWire implements AutoCloseable {
    private final CanopyTransport transport;
    private final ActorTestKit testKit = ActorTestKit.create();
    private FramePublisher publisher;

    private OnTheWire(CanopyTransport transport) {
        this.transport = transport;
    }

    /** Starts the transport {@code context} describes (a {@link LoopbackTransports#udp} context with its limits). */
    public static OnTheWire start(TransportContext context) {
        return new OnTheWire(CanopyTransport.start(context));
    }

    /** A transport on UDP loopback named {@code name} for leaf frames of {@code d} values. */
    public static OnTheWire forLeaves(String name, int d) throws java.io.IOException {
        return start(LoopbackTransports.udp(name).maxFrameLength(
            GradientFrame.limits(0, io.canopy.frame.FrameLimits.ANY_GROUP, d).maxFrameLength()));
    }

    /** A started cluster tier on this transport serving {@code layout}'s clusters 0 to 3, unsigned leaves, 8 blocks. */
    public ClusterTier clusterTier(FleetLayout layout, int d) {
        ClusterTier tier = new ClusterTier(transport, layout, new int[] {0, 1, 2, 3}, d, 8, 1, true,
            io.canopy.straggler.NanoClock.SYSTEM, io.canopy.enroll.LeafAuthentication.off());
        tier.start();
        return tier;
    }

    /** Leaf i of a cluster's update: {@link #gaussian} scaled to norm about 0.5 + 0.7·i, so that leaves stand apart. */
    public static float[] spreadUpdate(long leaf, int i, int d) {
        float[] x = gaussian(leaf, d);
        float scale = (float) ((0.5 + 0.7 * i) / Math.sqrt(d));
        for (int j = 0; j < d; j++) {
            x[j] *= scale;
        }
        return x;
    }

    public CanopyTransport transport() {
        return transport;
    }

    /** A probe standing in for an aggregator actor. */
    public <T> TestProbe<T> probe(Class<T> type) {
        return testKit.createTestProbe(type);
    }

    /** An actor of the tier under test, itself (not a probe standing in for it). */
    public <T> org.apache.pekko.actor.typed.ActorRef<T> spawn(org.apache.pekko.actor.typed.Behavior<T> behavior) {
        return testKit.spawn(behavior);
    }

    /**
     * Opens the publisher of {@code stream} once the tier's subscription has connected (10 s at most; fails naming
     * {@code subscriber}), and returns it.
     */
    public FramePublisher connect(int stream, String subscriber) {
        publisher = transport.publisher(stream);
        assertTrue(publisher.awaitConnected(TimeUnit.SECONDS.toNanos(10)), subscriber + "'s subscription never connected");
        return publisher;
    }

    /** The publisher {@link #connect} opened. */
    public FramePublisher publisher() {
        return publisher;
    }

    /**
     * Sends {@code leaf}'s update {@code x} to {@code cluster} in {@code plan}'s round, stamped {@code timestampNs},
     * signed by {@code signer}'s key for {@code leaf} (unsigned if null).
     */
    public void sendLeaf(RoundPlan plan, long leaf, int cluster, LeafSigner signer, long timestampNs, float[] x) {
        publisher.encoder().signer(signer == null ? null : signer.leaf(leaf));
        GradientFrame.header(publisher.encoder(), plan.roundId(), leaf, cluster).timestampNs(timestampNs);
        assertEquals(PublishResult.SENT, publisher.send(UpdateEncoder.fp32(), x, 0, x.length));
    }

    /**
     * Round {@code round} of {@code layout} at dimension {@code d}, fp32, every tier under {@code policy}, trimming
     * 0.2, with norm bound {@code clip}.
     */
    public static RoundPlan plan(long round, FleetLayout layout, int d, QuorumPolicy policy, double clip) {
        TierSpec spec = new TierSpec(policy, 0.2, 0, 0, clip);
        return new RoundPlan(round, 0, d, 1.0, 100f, CodecId.FP32, layout, spec, spec, spec, false, 0L);
    }

    /** {@code d} standard normals from {@code seed}: a sender's update, reproducible by the test that checks it. */
    public static float[] gaussian(long seed, int d) {
        float[] x = new float[d];
        SplittableRandom random = new SplittableRandom(seed);
        for (int j = 0; j < d; j++) {
            x[j] = (float) random.nextGaussian();
        }
        return x;
    }

    /** Spins until {@code condition} holds; fails with {@code what} after {@code timeout}. */
    public static void await(BooleanSupplier condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, what);
            Thread.onSpinWait();
        }
    }

    @Override
    public void close() {
        testKit.shutdownTestKit();
        transport.close();
    }
}
