package io.canopy.bench;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Subscription;
import io.canopy.codec.CodecId;
import io.canopy.codec.UpdateEncoder;
import io.canopy.frame.FrameLimits;
import io.canopy.frame.FrameType;
import io.canopy.transport.CanopyTransport;
import io.canopy.transport.FramePublisher;
import io.canopy.transport.FrameSubscriber;
import io.canopy.transport.PublishResult;
import io.canopy.transport.TransportContext;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.agrona.BufferUtil;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * {@code ./canopy bench transport}: raw Aeron against Canopy frames in one run, over IPC and UDP
 * loopback, for d = 1e4, 1e5, 1e6 at fp32 and int8.
 *
 * <p>Raw: a publisher thread offers the very bytes of a Canopy frame, already encoded, and a
 * subscriber thread reassembles them with a {@link FragmentAssembler} and touches one byte — no
 * framing work at all. Canopy: the publisher encodes each frame from a float[] (compression and
 * CRC32C included) and offers it; the subscriber's {@link FrameSubscriber} reassembles, validates
 * every field and the checksum, decodes into a float[] and checks every value is finite. Both use
 * the same channel, term length, idle strategy and frame length, so the ratio of bytes per second
 * is the cost of the framing. Each figure is the median of the measured runs after one warm-up; a
 * run times the first offer to the last frame received.
 *
 * <p>UDP is measured in one JVM, publisher and subscriber sharing one embedded driver over
 * {@code aeron:udp?endpoint=localhost:PORT}, at the MTU given ({@code --mtu}; by default the context's choice for a
 * loopback endpoint, {@value TransportContext#UDP_MTU_LOOPBACK_BYTES}).
 */
public final class TransportBench {

    /** One (medium, d, codec) case: raw and Canopy bytes per second of frames. */
    public record Case(String medium, int d, String codec, int frameBytes, long frames, double rawGBps,
                       double canopyGBps) {
        public double ratio() {
            return canopyGBps / rawGBps;
        }

        public double rawFramesPerSecond() {
            return rawGBps * 1e9 / frameBytes;
        }

        public double canopyFramesPerSecond() {
            return canopyGBps * 1e9 / frameBytes;
        }
    }

    private static final long RUN_TIMEOUT_NS = 120_000_000_000L;
    private static final long ROUND = 1;
    private static final int GROUP = 0;

    private final int runs;
    private final boolean quick;
    private final PrintStream progress;
    private final int mtu;
    private int nextStream = 2001;

    public TransportBench(final int runs, final boolean quick, final PrintStream progress) {
        this(runs, quick, progress, 0);
    }

    /** @param mtu the UDP channel's MTU, bytes; 0 for the transport's default for a loopback endpoint */
    public TransportBench(final int runs, final boolean quick, final PrintStream progress, final int mtu) {
        this.runs = runs;
        this.quick = quick;
        this.progress = progress;
        this.mtu = mtu;
    }

    /** The MTU the UDP cases run at. */
    public int udpMtu() {
        return mtu == 0 ? TransportContext.UDP_MTU_LOOPBACK_BYTES : mtu;
    }

    public List<Case> run() {
        final List<Case> cases = new ArrayList<>();
        final int maxFrame = FrameLimits.of(FrameType.GRADIENT, ROUND, GROUP, 1_000_000).maxFrameLength();
        for (final String medium : List.of("ipc", "udp")) {
            final String channel = medium.equals("ipc") ? TransportContext.IPC_CHANNEL
                : "aeron:udp?endpoint=localhost:" + freeUdpPort() + "|mtu=" + udpMtu();
            final TransportContext ctx = new TransportContext().channel(channel).maxFrameLength(maxFrame)
                .aeronDirectoryName(defaultDirectory() + "-bench");
            try (CanopyTransport transport = CanopyTransport.start(ctx)) {
                for (final int d : new int[] {10_000, 100_000, 1_000_000}) {
                    for (final CodecId codec : List.of(CodecId.FP32, CodecId.INT8)) {
                        progress.printf("bench: transport %s, d=%d, %s ...%n", medium, d, codec.label());
                        cases.add(measure(transport, medium, d, codec));
                    }
                }
            }
        }
        return cases;
    }

    private static String defaultDirectory() {
        final TransportContext probe = new TransportContext().maxFrameLength(1).conclude();
        return probe.aeronDirectoryName();
    }

    private static int freeUdpPort() {
        try (DatagramSocket s = new DatagramSocket(0)) {
            return s.getLocalPort();
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Case measure(final CanopyTransport transport, final String medium, final int d, final CodecId codec) {
        final float[] x = new float[d];
        final SplittableRandom rnd = new SplittableRandom(d);
        for (int i = 0; i < d; i++) {
            x[i] = (float) (1e-3 * rnd.nextGaussian());
        }
        final FrameLimits limits = FrameLimits.of(FrameType.GRADIENT, ROUND, GROUP, d);
        final long budget = (medium.equals("ipc") ? 512L : 128L) << 20 >> (quick ? 3 : 0);

        // The raw side sends the bytes of a real frame, so both sides move exactly the same bytes.
        final FramePublisher canopyPub = transport.publisher(nextStream);
        final FrameSubscriber canopySub = transport.subscriber(nextStream++, limits, (frame, values, offset) -> sink ^=
            Float.floatToRawIntBits(values[offset]));
        final UpdateEncoder enc = UpdateEncoder.of(codec, d, 7);
        canopyPub.encoder().type(FrameType.GRADIENT).roundId(ROUND).senderId(0).groupId(GROUP).inputCount(1);
        final int frameBytes = canopyPub.encoder().encode(enc, x, 0, d);
        final UnsafeBuffer rawFrame = new UnsafeBuffer(BufferUtil.allocateDirectAligned(
            org.agrona.BitUtil.align(frameBytes, 64), 64));
        rawFrame.putBytes(0, canopyPub.encoder().buffer(), 0, frameBytes);
        final int frames = (int) Math.max(20, budget / frameBytes);

        final Aeron aeron = transport.aeron();
        final int rawStream = nextStream++;
        final double[] raw = new double[runs];
        final double[] canopy = new double[runs];
        try (ExclusivePublication rawPub = aeron.addExclusivePublication(transport.context().publicationChannel(),
                rawStream);
             Subscription rawSub = aeron.addSubscription(transport.context().subscriptionChannel(), rawStream)) {
            awaitConnected(rawPub::isConnected);
            awaitConnected(canopySub::isConnected);
            final long[] received = new long[1];
            final FragmentAssembler assembler = new FragmentAssembler((b, o, l, h) -> {
                received[0]++;
                sink ^= b.getByte(o + l - 1);
            }, frameBytes, true);
            final int limit = transport.context().fragmentLimit();
            // Alternate raw and Canopy runs so drift on a shared machine hits both alike; run 0 warms up.
            for (int r = -1; r < runs; r++) {
                final double rawSeconds = timed(frames, () -> {
                    received[0] = 0;
                    return 0;
                }, () -> received[0], () -> rawSub.poll(assembler, limit), () -> {
                    for (int i = 0; i < frames; i++) {
                        offerRaw(rawPub, rawFrame, frameBytes);
                    }
                });
                final long before = canopySub.accepted();
                final double canopySeconds = timed(frames, () -> 0, () -> canopySub.accepted() - before,
                    canopySub::doWork, () -> {
                        for (int i = 0; i < frames; i++) {
                            canopyPub.encoder().senderId(i);
                            final PublishResult result = canopyPub.send(enc, x, 0, d);
                            if (result != PublishResult.SENT) {
                                throw new IllegalStateException("publish failed: " + result);
                            }
                        }
                    });
                if (r >= 0) {
                    raw[r] = (double) frames * frameBytes / rawSeconds / 1e9;
                    canopy[r] = (double) frames * frameBytes / canopySeconds / 1e9;
                }
            }
            if (canopySub.rejectedTotal() != 0) {
                throw new IllegalStateException("the benchmark's own frames were rejected: "
                    + Arrays.toString(canopySub.rejectedByReason()));
            }
        } finally {
            canopyPub.close();
            canopySub.close();
        }
        return new Case(medium, d, codec.label(), frameBytes, frames, median(raw), median(canopy));
    }

    private static volatile long sink;

    private interface Poll {
        int poll();
    }

    private interface Count {
        long count();
    }

    private interface Reset {
        int reset();
    }

    /** Seconds from the first send to the last of {@code frames} received on a polling thread. */
    private static double timed(final int frames, final Reset reset, final Count count, final Poll poll,
                                final Runnable send) {
        reset.reset();
        final long[] end = new long[1];
        final Thread receiver = new Thread(() -> {
            final IdleStrategy idle = new BackoffIdleStrategy();
            final long deadline = System.nanoTime() + RUN_TIMEOUT_NS;
            while (count.count() < frames) {
                idle.idle(poll.poll());
                if (System.nanoTime() > deadline) {
                    break;
                }
            }
            end[0] = System.nanoTime();
        }, "bench-receiver");
        final long start = System.nanoTime();
        receiver.start();
        send.run();
        try {
            receiver.join();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (count.count() < frames) {
            throw new IllegalStateException("only " + count.count() + " of " + frames + " frames arrived in time");
        }
        return (end[0] - start) / 1e9;
    }

    private static void offerRaw(final ExclusivePublication pub, final UnsafeBuffer buffer, final int length) {
        final IdleStrategy idle = IDLE.get();
        idle.reset();
        final long deadline = System.nanoTime() + RUN_TIMEOUT_NS;
        while (pub.offer(buffer, 0, length) < 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("raw offer timed out");
            }
            idle.idle();
        }
    }

    private static final ThreadLocal<IdleStrategy> IDLE = ThreadLocal.withInitial(BackoffIdleStrategy::new);

    private static void awaitConnected(final java.util.function.BooleanSupplier connected) {
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (!connected.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("publication never connected");
            }
            Thread.onSpinWait();
        }
    }

    private static double median(final double[] v) {
        final double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
