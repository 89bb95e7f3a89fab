package io.canopy.transport;

import io.canopy.frame.FrameLimits;
import io.canopy.frame.FrameType;
import io.canopy.frame.RejectReason;

/**
 * The receiving side of {@link UdpBetweenProcessesTest}, run in a child JVM with its own embedded
 * media driver: subscribes on {@code aeron:udp?endpoint=localhost:PORT}, checks every frame bit for
 * bit, and prints one result line.
 *
 * <p>Arguments: aeron directory, port, dimension, frames expected, timeout in seconds.
 */
public final class UdpReceiverProcess {

    private UdpReceiverProcess() {
    }

    public static void main(final String[] args) {
        final String dir = args[0];
        final int port = Integer.parseInt(args[1]);
        final int d = Integer.parseInt(args[2]);
        final long frames = Long.parseLong(args[3]);
        final long timeoutNs = Long.parseLong(args[4]) * 1_000_000_000L;
        final FrameLimits limits = FrameLimits.of(FrameType.GRADIENT, TransportTest.ROUND, TransportTest.CLUSTER, d);
        try (CanopyTransport transport = CanopyTransport.start(new TransportContext().aeronDirectoryName(dir)
            .channel("aeron:udp?endpoint=localhost:" + port).maxFrameLength(limits.maxFrameLength()))) {
            final TransportTest.CheckingHandler handler = new TransportTest.CheckingHandler(d);
            final FrameSubscriber subscriber = transport.subscriber(limits, handler);
            System.out.println("READY");
            System.out.flush();
            final long deadline = System.nanoTime() + timeoutNs;
            while (handler.received.get() + subscriber.rejectedTotal() < frames && System.nanoTime() < deadline) {
                if (subscriber.doWork() == 0) {
                    Thread.onSpinWait();
                }
            }
            System.out.println("RESULT accepted=" + subscriber.accepted() + " mismatches=" + handler.mismatches.get()
                + " outOfOrder=" + handler.outOfOrder.get() + " badChecksum="
                + subscriber.rejected(RejectReason.BAD_CHECKSUM) + " rejected=" + subscriber.rejectedTotal());
            System.out.flush();
        }
    }
}
