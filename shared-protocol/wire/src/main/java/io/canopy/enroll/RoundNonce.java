package io.canopy.enroll;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import io.canopy.round.RoundPlan;
import io.canopy.topology.FleetLayout;

/**
 * The per-round value every leaf signature binds, so that a frame signed for one round (or one fleet
 * configuration) does not verify in another even when its round id is rewritten and its CRC recomputed.
 *
 * <p>SHA-256 of a 22-byte domain tag and, little-endian, the round id, model version, layout seed, leaves, cluster
 * size, clusters per continent, dimension, codec code, clip norm bits and sampling rate bits, then the plan's run id
 * when it has one, then its coordinator epoch when that is not 0 (PROTOCOL.md, "Signatures"). The run id is random
 * per coordinator journal, so a frame signed in one run does not verify in another even where the two plans agree on
 * everything else; a plan without one (run id 0: tests and tools) hashes exactly as before run ids existed. The epoch
 * keeps a frame signed for a round a failed coordinator opened from verifying in the copy its successor re-issues.
 */
public final class RoundNonce {

    /** Nonce length in bytes. */
    public static final int LENGTH = 32;

    /** The hashed domain tag, so the digest means nothing outside Canopy's frame signatures. */
    private static final byte[] TAG = "canopy-round-nonce-v1\0".getBytes(StandardCharsets.US_ASCII);

    private RoundNonce() {
    }

    /** The 32-byte nonce of {@code plan}'s round. */
    public static byte[] of(RoundPlan plan) {
        FleetLayout layout = plan.layout();
        ByteBuffer fields = ByteBuffer.allocate(8 * 6 + 4 * 5).order(ByteOrder.LITTLE_ENDIAN)
            .putLong(plan.roundId())
            .putLong(plan.modelVersion())
            .putLong(layout.seed())
            .putLong(layout.leaves())
            .putInt(layout.clusterSize())
            .putInt(layout.clustersPerContinent())
            .putInt(plan.dimension())
            .putInt(plan.codec().code())
            .putInt(Float.floatToRawIntBits(plan.clipNorm()))
            .putLong(Double.doubleToRawLongBits(plan.samplingRate()));
        if (plan.runId() != 0) {
            fields.putLong(plan.runId());
        }
        MessageDigest sha256 = sha256();
        sha256.update(TAG);
        sha256.update(fields.array(), 0, fields.position());
        if (plan.epoch() != 0) {
            // A round re-issued by a coordinator that took over: a frame signed for the old copy must not verify here.
            sha256.update(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(plan.epoch()).array());
        }
        return sha256.digest();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256, which every Java SE platform must have", e);
        }
    }
}
