package io.canopy.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.aeron.ChannelUri;
import io.canopy.frame.FrameLimits;
import io.canopy.frame.FrameType;
import org.junit.jupiter.api.Test;

/** Bad settings fail once, at conclude, naming the field and its value. */
class TransportContextTest {

    /** A channel's endpoint, term length and MTU (Aeron's URI keeps its parameters in no fixed order). */
    private static String params(final String channel) {
        final ChannelUri uri = ChannelUri.parse(channel);
        return uri.get("endpoint") + " " + uri.get("term-length") + " " + uri.get("mtu");
    }

    private static String failure(final TransportContext ctx) {
        return assertThrows(IllegalStateException.class, ctx::conclude).getMessage();
    }

    @Test
    void shouldSizeTheTermFromTheLargestFrameThePlanAllows() {
        final FrameLimits limits = FrameLimits.of(FrameType.GRADIENT, 0, 0, 1_000_000);
        final TransportContext ctx = new TransportContext().maxFrameLength(limits.maxFrameLength()).conclude();
        assertEquals(32 * 1024 * 1024, ctx.termLength());
        assertEquals("aeron:ipc?term-length=33554432", ctx.publicationChannel());
        assertEquals("aeron:ipc", ctx.subscriptionChannel());
    }

    @Test
    void shouldAddTermLengthAndMtuToAUdpPublicationChannel() {
        final TransportContext ctx = new TransportContext().channel("aeron:udp?endpoint=localhost:40500")
            .maxFrameLength(40_000).conclude();
        assertEquals(1024 * 1024, ctx.termLength());
        final ChannelUri uri = ChannelUri.parse(ctx.publicationChannel());
        assertEquals("localhost:40500", uri.get("endpoint"));
        assertEquals("1048576", uri.get("term-length"));
        assertEquals("65504", uri.get("mtu"));
        assertEquals(65504, ctx.mtuLength());
    }

    @Test
    void shouldChooseEachUdpChannelsMtuByItsEndpointUnlessTheChannelOrTheContextNamesOne() {
        final TransportContext ctx = new TransportContext().channel("aeron:udp?endpoint=10.0.0.7:40500")
            .maxFrameLength(40_000).conclude();
        assertEquals("8192", ChannelUri.parse(ctx.publicationChannel()).get("mtu"));
        assertEquals("127.0.0.1:40600 1048576 65504", params(ctx.publicationChannelTo("127.0.0.1:40600")));
        assertEquals("[::1]:40600 1048576 65504", params(ctx.publicationChannelTo("[::1]:40600")));
        assertEquals("member-2.fleet:40600 1048576 8192", params(ctx.publicationChannelTo("member-2.fleet:40600")));
        assertEquals("aeron:udp?endpoint=localhost:40500", new TransportContext().maxFrameLength(40_000)
            .channel("aeron:udp?endpoint=localhost:40500|mtu=1408").conclude().subscriptionChannel());

        final TransportContext named = new TransportContext().channel("aeron:udp?endpoint=localhost:40500|mtu=1408")
            .maxFrameLength(40_000).conclude();
        assertEquals(1408, named.mtuLength());
        assertEquals("10.0.0.8:1 1048576 1408", params(named.publicationChannelTo("10.0.0.8:1")));
        final TransportContext set = new TransportContext().channel("aeron:udp?endpoint=localhost:40500").mtuLength(1408)
            .maxFrameLength(40_000).conclude();
        assertEquals("1408", ChannelUri.parse(set.publicationChannel()).get("mtu"));
        assertEquals("1408", ChannelUri.parse(set.publicationChannelTo("127.0.0.1:2")).get("mtu"));
    }

    @Test
    void shouldRefuseAPublicationToAnotherEndpointOnIpc() {
        final TransportContext ipc = new TransportContext().maxFrameLength(40_000).conclude();
        assertEquals("a publication to 10.0.0.7:1 needs a UDP transport; this one is aeron:ipc?term-length=1048576",
            assertThrows(IllegalStateException.class, () -> ipc.publicationChannelTo("10.0.0.7:1")).getMessage());
    }

    @Test
    void shouldTellLoopbackEndpointsByTheirTextAlone() {
        assertEquals(true, TransportContext.isLoopback("localhost:1"));
        assertEquals(true, TransportContext.isLoopback("127.0.0.1:40500"));
        assertEquals(true, TransportContext.isLoopback("127.1.2.3:40500"));
        assertEquals(true, TransportContext.isLoopback("[::1]:40500"));
        assertEquals(false, TransportContext.isLoopback("10.0.0.7:40500"));
        assertEquals(false, TransportContext.isLoopback("128.0.0.1:40500"));
        assertEquals(false, TransportContext.isLoopback("localhost.example.com:40500"));
        assertEquals(false, TransportContext.isLoopback(null));
    }

    @Test
    void shouldHonourATermLengthGivenInTheChannelAndCheckIt() {
        final TransportContext ctx = new TransportContext().channel("aeron:ipc?term-length=67108864")
            .maxFrameLength(40_000).conclude();
        assertEquals(64 * 1024 * 1024, ctx.termLength());
        assertEquals("aeron:ipc", ctx.subscriptionChannel());
        assertEquals("termLength=1048576 cannot carry frames of maxFrameLength=4003365 (Aeron's largest message is"
                + " termLength/8): use at least 33554432",
            failure(new TransportContext().channel("aeron:ipc?term-length=1048576").maxFrameLength(4_003_365)));
    }

    @Test
    void shouldRejectAFrameLargerThanAeronCanCarry() {
        assertEquals("maxFrameLength=20000000 exceeds Aeron's largest message (16777216 bytes): use a compressing"
            + " codec or a smaller dimension", failure(new TransportContext().maxFrameLength(20_000_000)));
    }

    @Test
    void shouldRejectATermTooShortForTheLargestFrame() {
        assertEquals("termLength=1048576 cannot carry frames of maxFrameLength=4003365 (Aeron's largest message is"
                + " termLength/8): use at least 33554432",
            failure(new TransportContext().maxFrameLength(4_003_365).termLength(1 << 20)));
    }

    @Test
    void shouldNameEachBadSetting() {
        assertEquals("maxFrameLength=-1: set it from the round plan (FrameLimits.maxFrameLength())",
            failure(new TransportContext()));
        assertEquals("channel=aeron:udp needs endpoint=HOST:PORT",
            failure(new TransportContext().maxFrameLength(100).channel("aeron:udp")));
        assertEquals("mtuLength=1000 must be a multiple of 32 in 64..65504 (0: by endpoint)",
            failure(new TransportContext().maxFrameLength(100).mtuLength(1000)));
        assertEquals("channel=aeron:udp?endpoint=localhost:1|mtu=70000 has mtu=70000, which must be a multiple of 32 in"
            + " 64..65504", failure(new TransportContext().maxFrameLength(100).channel("aeron:udp?endpoint=localhost:1|mtu=70000")));
        assertEquals("offerTimeoutNs=0 must be > 0",
            failure(new TransportContext().maxFrameLength(100).offerTimeoutNs(0)));
        assertEquals("streamId=0 is reserved: use any other int",
            failure(new TransportContext().maxFrameLength(100).streamId(0)));
    }
}
