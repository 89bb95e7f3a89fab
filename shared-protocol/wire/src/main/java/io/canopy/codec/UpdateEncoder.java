package io.canopy.codec;

import java.lang.foreign.MemorySegment;

/**
 * One sender's configured codec: which {@link CodecId}, its parameter, and the state a codec keeps
 * between frames (the int8 rounding seed sequence, the top-k residual). Create one per sender
 * stream and reuse it; {@link #encode} allocates nothing. Not thread-safe.
 */
public final class UpdateEncoder {

    private final CodecId codec;
    private final int parameter;
    private final TopKEncoder topK;
    private long seedState;

    private UpdateEncoder(final CodecId codec, final int parameter, final TopKEncoder topK, final long seed) {
        this.codec = codec;
        this.parameter = parameter;
        this.topK = topK;
        this.seedState = seed;
    }

    public static UpdateEncoder fp32() {
        return new UpdateEncoder(CodecId.FP32, 0, null, 0);
    }

    public static UpdateEncoder fp16() {
        return new UpdateEncoder(CodecId.FP16, 0, null, 0);
    }

    public static UpdateEncoder bf16() {
        return new UpdateEncoder(CodecId.BF16, 0, null, 0);
    }

    /** int8 with blocks of {@code blockSize} values; {@code seed} starts the per-frame rounding seeds. */
    public static UpdateEncoder int8(final int blockSize, final long seed) {
        if (blockSize < 1 || blockSize > Codecs.INT8_MAX_BLOCK) {
            throw new IllegalArgumentException("blockSize=" + blockSize + " must be in 1.." + Codecs.INT8_MAX_BLOCK);
        }
        return new UpdateEncoder(CodecId.INT8, blockSize, null, seed);
    }

    /** top-k of {@code dimension} values, with error feedback across calls. */
    public static UpdateEncoder topK(final int dimension, final int k) {
        return new UpdateEncoder(CodecId.TOPK, k, new TopKEncoder(dimension, k), 0);
    }

    /** The codec named by {@code label} with default parameters (int8: block 256; topk: k = d/100). */
    public static UpdateEncoder of(final CodecId codec, final int dimension, final long seed) {
        return switch (codec) {
            case FP32 -> fp32();
            case FP16 -> fp16();
            case BF16 -> bf16();
            case INT8 -> int8(Codecs.INT8_DEFAULT_BLOCK, seed);
            case TOPK -> topK(dimension, Math.max(1, dimension / 100));
        };
    }

    public CodecId codec() {
        return codec;
    }

    public int parameter() {
        return parameter;
    }

    /** The top-k state, or null for other codecs. */
    public TopKEncoder topK() {
        return topK;
    }

    public long payloadLength(final int d) {
        return Codecs.payloadLength(codec, d, parameter);
    }

    /** Encodes {@code src[srcOffset..+d)} into {@code dst} at {@code dstOffset} ({@link #payloadLength} bytes). */
    public void encode(final float[] src, final int srcOffset, final int d, final MemorySegment dst, final long dstOffset) {
        switch (codec) {
            case FP32 -> Fp32Codec.encode(src, srcOffset, d, dst, dstOffset);
            case FP16 -> Fp16Codec.encode(src, srcOffset, d, dst, dstOffset);
            case BF16 -> Bf16Codec.encode(src, srcOffset, d, dst, dstOffset);
            case INT8 -> Int8Codec.encode(src, srcOffset, d, parameter, nextSeed(), dst, dstOffset);
            case TOPK -> {
                if (d != topK.dimension()) {
                    throw new IllegalArgumentException("d=" + d + " but this top-k encoder was built for d="
                        + topK.dimension());
                }
                topK.encode(src, srcOffset, dst, dstOffset);
            }
        }
    }

    // SplitMix64 (Steele, Lea and Flood 2014): a fresh, well-mixed rounding seed for every frame.
    private int nextSeed() {
        seedState += 0x9E3779B97F4A7C15L;
        long z = seedState;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return (int) (z ^ (z >>> 31));
    }
}
