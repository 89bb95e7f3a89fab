package io.canopy.frame;

import io.canopy.codec.CodecId;

/**
 * What a receiver expects of the frames of one round — a stand-in for the round plan until a
 * {@code RoundPlan} supplies it.
 *
 * @param type             the frame type this receiver takes
 * @param roundId          the round being collected
 * @param groupId          the receiver's cluster (gradients) or continent (aggregates) id, or {@link #ANY_GROUP}
 * @param dimension        values per update
 * @param maxPayloadLength longest payload accepted, bytes; {@link #of} allows fp32's 4·d
 * @param codecMask        OR of {@link CodecId#bit()} for each codec the plan allows
 * @param modelVersion     the model version updates must be computed on, or {@link #ANY_MODEL}
 * @param authenticator    who may send, checked on every frame but watermarks after all other checks; null
 *                         when frames are not authenticated (signatures off: a signature is then ignored)
 */
public record FrameLimits(FrameType type, long roundId, int groupId, int dimension, int maxPayloadLength,
                          int codecMask, long modelVersion, FrameAuthenticator authenticator) {

    public static final int ANY_GROUP = -1;
    /** No check of the frames' model version (aggregates, and receivers that predate a plan). */
    public static final long ANY_MODEL = -1;
    /** Every codec allowed. */
    public static final int ALL_CODECS = (1 << CodecId.values().length) - 1;

    /** Limits without authentication (signatures off). */
    public FrameLimits(final FrameType type, final long roundId, final int groupId, final int dimension,
                       final int maxPayloadLength, final int codecMask, final long modelVersion) {
        this(type, roundId, groupId, dimension, maxPayloadLength, codecMask, modelVersion, null);
    }

    public FrameLimits {
        if (type == null) {
            throw new IllegalArgumentException("type=null: give GRADIENT or AGGREGATE");
        }
        if (roundId < 0) {
            throw new IllegalArgumentException("roundId=" + roundId + " must be >= 0");
        }
        if (groupId < ANY_GROUP) {
            throw new IllegalArgumentException("groupId=" + groupId + " must be >= 0, or ANY_GROUP (-1)");
        }
        if (dimension <= 0) {
            throw new IllegalArgumentException("dimension=" + dimension + " must be > 0");
        }
        if (maxPayloadLength <= 0) {
            throw new IllegalArgumentException("maxPayloadLength=" + maxPayloadLength + " must be > 0");
        }
        if (modelVersion < ANY_MODEL || modelVersion > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("modelVersion=" + modelVersion + " must be in [0, 2^32), or ANY_MODEL (-1)");
        }
        if ((codecMask & ALL_CODECS) == 0 || (codecMask & ~ALL_CODECS) != 0) {
            throw new IllegalArgumentException("codecMask=" + Integer.toBinaryString(codecMask)
                + " must name at least one codec and only known ones");
        }
    }

    /** Every codec, payloads up to fp32's 4·d bytes. */
    public static FrameLimits of(final FrameType type, final long roundId, final int groupId, final int dimension) {
        if (dimension <= 0 || dimension > Integer.MAX_VALUE / 4) {
            throw new IllegalArgumentException("dimension=" + dimension + " must be in 1.." + Integer.MAX_VALUE / 4);
        }
        return new FrameLimits(type, roundId, groupId, dimension, 4 * dimension, ALL_CODECS, ANY_MODEL);
    }

    /**
     * These limits for another round. An authenticator is kept as it is, bound to the round it was made for (a
     * signature check fails closed on the next round's frames): give the next round's with {@link #withAuthenticator}.
     */
    public FrameLimits withRound(final long round) {
        return new FrameLimits(type, round, groupId, dimension, maxPayloadLength, codecMask, modelVersion, authenticator);
    }

    public FrameLimits withCodecs(final CodecId... codecs) {
        int mask = 0;
        for (final CodecId c : codecs) {
            mask |= c.bit();
        }
        return new FrameLimits(type, roundId, groupId, dimension, maxPayloadLength, mask, modelVersion, authenticator);
    }

    /** These limits, accepting only updates computed on model {@code version}. */
    public FrameLimits withModelVersion(final long version) {
        return new FrameLimits(type, roundId, groupId, dimension, maxPayloadLength, codecMask, version, authenticator);
    }

    /** These limits, with every frame but a watermark authenticated by {@code check} (null: none). */
    public FrameLimits withAuthenticator(final FrameAuthenticator check) {
        return new FrameLimits(type, roundId, groupId, dimension, maxPayloadLength, codecMask, modelVersion, check);
    }

    public boolean allows(final CodecId codec) {
        return (codecMask & codec.bit()) != 0;
    }

    /** The longest frame these limits accept: header, largest payload and the longest signature. */
    public int maxFrameLength() {
        return Math.toIntExact(FrameLayout.frameLength(maxPayloadLength, SignatureScheme.MAX_LENGTH));
    }
}
