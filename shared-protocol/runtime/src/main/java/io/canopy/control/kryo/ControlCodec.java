package io.canopy.control.kryo;

import java.util.ArrayList;
import java.util.List;

import io.canopy.control.ControlTypes;
import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;

/**
 * The control plane's Kryo encoding outside Pekko: what a member's client gateway answers (round plans, cluster
 * reports) and what a client (a swarm, {@code ./canopy status}) reads, with the same registered types and ids as
 * {@link ControlSerializer}. Messages that carry actor references cannot be encoded here: clients hold none.
 * Reads are bounded as {@link ControlSerializer}'s are: a body longer than the codec's limit is refused unread, and
 * no declared count or length may exceed the bytes left; every refusal is a {@link ControlFormatException}.
 * Not thread-safe: one codec per thread (they are cheap).
 */
public final class ControlCodec {
    /** The HTTP media type of a body this codec wrote. */
    public static final String MEDIA_TYPE = "application/x-canopy-control";

    /**
     * Default longest body, 16 MiB: a round's cluster reports are ~200 bytes each, so this holds some 80 000 of
     * them, and a client never allocates more than a small multiple of it for one answer.
     */
    public static final int MAX_BODY_BYTES_DEFAULT = 16 << 20;

    private final Kryo kryo;
    private final int maxBodyBytes;

    private ControlCodec(Kryo kryo, int maxBodyBytes) {
        this.kryo = kryo;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** A codec with every {@link ControlTypes} provider {@code loader} finds, reading bodies up to the default. */
    public static ControlCodec load(ClassLoader loader) {
        return load(loader, MAX_BODY_BYTES_DEFAULT);
    }

    /** A codec that refuses bodies longer than {@code maxBodyBytes}. */
    public static ControlCodec load(ClassLoader loader, int maxBodyBytes) {
        if (maxBodyBytes < 1) {
            throw new IllegalArgumentException("maxBodyBytes=" + maxBodyBytes + " must be >= 1");
        }
        return new ControlCodec(ControlSerializer.newKryo(ControlTypeRegistry.load(loader), null), maxBodyBytes);
    }

    /** Encodes {@code messages} in order, each with its registered id. */
    public byte[] encodeAll(List<?> messages) {
        try (Output output = new Output(256, -1)) {
            output.writeVarInt(messages.size(), true);
            for (Object m : messages) {
                kryo.writeClassAndObject(output, m);
            }
            return output.toBytes();
        } catch (KryoException | IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("cannot encode for a client: " + e.getMessage(), e);
        }
    }

    /**
     * Reads what {@link #encodeAll} wrote.
     *
     * @throws ControlFormatException for a body that is not that, saying what was wrong
     */
    public List<Object> decodeAll(byte[] bytes) {
        if (bytes.length > maxBodyBytes) {
            throw new ControlFormatException("a control body of " + bytes.length + " bytes is longer than the "
                + maxBodyBytes + " allowed; refused unread");
        }
        try (Input input = new BoundedInput(bytes)) {
            int n = input.readVarInt(true);
            // Each message takes at least its class id's byte.
            if (n < 0 || n > bytes.length - input.position()) {
                throw new ControlFormatException("a control body claims " + n + " messages in " + bytes.length + " bytes");
            }
            List<Object> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                out.add(kryo.readClassAndObject(input));
            }
            return out;
        } catch (ControlFormatException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ControlFormatException("not a control body: " + e, e);
        }
    }
}
