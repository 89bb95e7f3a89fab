package io.canopy.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.canopy.codec.CodecId;
import io.canopy.codec.UpdateEncoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** The byte layout in PROTOCOL.md is the one the code writes and reads. */
class FrameFormatTest {

    /** shared-protocol/PROTOCOL.md, read from this module's directory (where surefire runs the tests). */
    static final Path PROTOCOL_MD = Path.of("..", "PROTOCOL.md");

    static byte[] workedExample() throws IOException {
        final String doc = Files.readString(PROTOCOL_MD);
        final int section = doc.indexOf("## Worked example");
        final int open = doc.indexOf("```", section);
        final int close = doc.indexOf("```", open + 3);
        return HexFormat.of().parseHex(doc.substring(open + 3, close).replaceAll("\\s+", ""));
    }

    @Test
    void shouldDecodeTheWorkedExampleInProtocolMd() throws IOException {
        final byte[] bytes = workedExample();
        final FrameValidator validator = new FrameValidator(FrameLimits.of(FrameType.GRADIENT, 7, 3, 4));
        final float[] values = new float[4];

        assertNull(validator.validate(new UnsafeBuffer(bytes), 0, bytes.length, values, 0));

        final FrameDecoder f = validator.frame();
        assertEquals(FrameType.GRADIENT, f.type());
        assertEquals(CodecId.FP32, f.codec());
        assertEquals(SignatureScheme.NONE, f.signatureScheme());
        assertEquals(7, f.roundId());
        assertEquals(42, f.senderId());
        assertEquals(3, f.groupId());
        assertEquals(4, f.dimension());
        assertEquals(16, f.payloadLength());
        assertEquals(1, f.inputCount());
        assertEquals(0, f.signatureLength());
        assertEquals(0xCE55509B, f.checksum());
        assertEquals(3, f.modelVersion());
        assertEquals(250_000_000L, f.timestampNs());
        assertArrayEquals(new float[] {1.0f, -2.0f, 0.5f, 0.0f}, values);
        assertEquals(1, validator.accepted());
    }

    @Test
    void shouldEncodeTheWorkedExampleByteForByte() throws IOException {
        final byte[] expected = workedExample();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[expected.length]);
        final int length = new FrameEncoder().wrap(buffer, 0).type(FrameType.GRADIENT).roundId(7).senderId(42)
            .groupId(3).inputCount(1).timestampNs(250_000_000L).modelVersion(3)
            .encode(UpdateEncoder.fp32(), new float[] {1.0f, -2.0f, 0.5f, 0.0f}, 0, 4);

        assertEquals(expected.length, length);
        assertArrayEquals(expected, buffer.byteArray());
    }

    @Test
    void shouldPlaceTheHeaderFieldsWhereTheLayoutSays() {
        assertEquals(64, FrameLayout.HEADER_LENGTH);
        assertEquals(FrameLayout.MODEL_VERSION_OFFSET + 4, FrameLayout.TIMESTAMP_OFFSET);
        assertEquals(FrameLayout.CHECKSUM_OFFSET + 4, FrameLayout.MODEL_VERSION_OFFSET);
        assertEquals(0x59504E43, FrameLayout.MAGIC);
        assertArrayEquals("CNPY".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
            new byte[] {0x43, 0x4E, 0x50, 0x59});
    }

    @Test
    void shouldAcceptAWatermarkOnAGradientStreamAndCheckItsFields() {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[FrameLayout.HEADER_LENGTH]);
        final int length = new FrameEncoder().wrap(buffer, 0).roundId(7).senderId(42).groupId(3).timestampNs(900_000_000L)
            .encodeWatermark();
        // Python: the same 64 bytes through a bitwise CRC32C (reflected 0x82F63B78) give 0x3A8E2B06.
        assertEquals("434e50590203000007000000000000002a000000000000000300000000000000"
            + "00000000000000000000000000000000062b8e3a0000000000e9a43500000000", HexFormat.of().formatHex(buffer.byteArray()));
        final FrameValidator validator = new FrameValidator(FrameLimits.of(FrameType.GRADIENT, 7, 3, 4));
        assertNull(validator.check(buffer, 0, length));
        assertEquals(FrameType.WATERMARK, validator.frame().type());
        assertEquals(900_000_000L, validator.frame().timestampNs());

        buffer.putInt(FrameLayout.DIMENSION_OFFSET, 4, java.nio.ByteOrder.LITTLE_ENDIAN);
        FrameEncoder.reseal(buffer, 0);
        assertEquals(RejectReason.DIMENSION_MISMATCH, validator.check(buffer, 0, length), "a watermark carries no values");
        buffer.putInt(FrameLayout.DIMENSION_OFFSET, 0, java.nio.ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(FrameLayout.INPUT_COUNT_OFFSET, 1, java.nio.ByteOrder.LITTLE_ENDIAN);
        FrameEncoder.reseal(buffer, 0);
        assertEquals(RejectReason.BAD_INPUT_COUNT, validator.check(buffer, 0, length));
        assertEquals(RejectReason.WRONG_ROUND,
            new FrameValidator(FrameLimits.of(FrameType.AGGREGATE, 8, 3, 4)).check(buffer, 0, length));
    }

    @Test
    void an_aggregate_may_fold_no_input_but_never_a_negative_count() {
        org.agrona.concurrent.UnsafeBuffer buf = new org.agrona.concurrent.UnsafeBuffer(new byte[FrameLayout.HEADER_LENGTH + 16]);
        FrameEncoder encoder = new FrameEncoder();
        int length = AggregateFrame.wrap(encoder, buf, 0, 5, 2, 1, 0).encode(io.canopy.codec.UpdateEncoder.fp32(),
            new float[] {0, 0, 0, 0}, 0, 4);
        FrameValidator validator = new FrameValidator(AggregateFrame.limits(5, 1, 4));
        assertNull(validator.check(buf, 0, length), "a time-closed cluster with no leaf still reports");
        assertEquals(0, validator.frame().inputCount());
        buf.putInt(FrameLayout.INPUT_COUNT_OFFSET, -1, java.nio.ByteOrder.LITTLE_ENDIAN);
        FrameEncoder.reseal(buf, 0);
        assertEquals(RejectReason.BAD_INPUT_COUNT, validator.check(buf, 0, length));
    }
}
