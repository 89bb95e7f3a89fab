package io.canopy.enroll;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;

import io.canopy.frame.FrameAuthenticator;
import io.canopy.frame.SignatureWriter;
import io.canopy.io.FileFormatException;

/**
 * Who may send aggregates on the links between tiers (cluster → continent, continent → global): a run's choice of
 * <ul>
 *   <li>{@link #off()}: any process that reaches a tier's endpoint can send an aggregate as any cluster or continent;</li>
 *   <li>{@link #required}: every aggregate carries an HMAC-SHA256 tag under one fleet-wide link key that every member
 *       holds ({@code FleetLinkKey}): no outsider can send one, but any member can send as any aggregator;</li>
 *   <li>{@link MemberLinkSignatures}: every aggregate is signed with the sending member's own Ed25519 key, and the
 *       receiver checks it under the key of the member the routing table names as the host of the sending cluster or
 *       continent, so a member can speak only for the aggregators it hosts.</li>
 * </ul>
 * Whatever the scheme, what is authenticated is the same: the hop (the Aeron stream), the run (the round plan's run
 * id) and every byte the CRC covers ({@link #prefix}).
 */
public interface LinkAuthentication {
    /** Fleet link key length in bytes. */
    int KEY_LENGTH = 32;

    /** Aggregates are not authenticated: a tag, if a frame carries one, is not read. */
    static LinkAuthentication off() {
        return FleetLinkKey.OFF;
    }

    /** Every aggregate is tagged by its sender and checked by its receiver under the fleet key {@code key} (32 bytes). */
    static LinkAuthentication required(byte[] key, String source) {
        return FleetLinkKey.required(key, source);
    }

    /** A key drawn now, for the tiers of one process (the embedded demo): no other process can speak on its links. */
    static LinkAuthentication fresh() {
        return FleetLinkKey.fresh();
    }

    /**
     * The fleet key in {@code file}: 64 hexadecimal digits, optionally followed by a newline (what {@link #newKeyText}
     * makes).
     *
     * @throws FileFormatException naming the file and what is wrong with it
     */
    static LinkAuthentication load(Path file) throws IOException {
        return FleetLinkKey.load(file);
    }

    /** A new random fleet key as {@link #load} reads it: 64 hexadecimal digits (write it where only members can read it). */
    static String newKeyText() {
        return FleetLinkKey.newKeyText();
    }

    /** Whether aggregates are authenticated at all. */
    boolean isRequired();

    /** The signer of run {@code runId}'s aggregates sent on {@code stream}; null when links are not authenticated. */
    SignatureWriter signer(int stream, long runId);

    /**
     * The check of run {@code runId}'s aggregates received on {@code stream}; null when links are not authenticated.
     * Refusals are {@code UNSIGNED} (no tag or signature), {@code BAD_SIGNATURE} (one that does not verify: another
     * key, hop or run, edited bytes, another scheme) and, for member signatures, {@code UNKNOWN_OWNER}.
     */
    FrameAuthenticator verifier(int stream, long runId);

    /** One line for the log: on or off, and whose keys. */
    String describe();

    /** The signer of aggregates sent on {@code stream} outside any run (run id 0). */
    default SignatureWriter signer(int stream) {
        return signer(stream, 0L);
    }

    /** The check of aggregates received on {@code stream} outside any run (run id 0). */
    default FrameAuthenticator verifier(int stream) {
        return verifier(stream, 0L);
    }

    /** What is authenticated ahead of the frame's bytes: a domain tag, the hop and the run (16 + 32 bytes). */
    static byte[] prefix(int stream, long runId) {
        byte[] prefix = Arrays.copyOf(FleetLinkKey.TAG, FrameSignatures.PREFIX_LENGTH);
        ByteBuffer.wrap(prefix, FleetLinkKey.TAG.length, 12).order(ByteOrder.LITTLE_ENDIAN).putInt(stream).putLong(runId);
        return prefix;
    }
}
