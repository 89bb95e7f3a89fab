package io.canopy.control;

import java.util.ArrayList;
import java.util.List;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;

/**
 * The control plane's Kryo encoding outside Pekko: what a member's client gateway answers (round plans, cluster
 * reports) and what a client (a swarm, {@code ./canopy status}) reads, with the same registered types and ids as
 * {@link ControlSerializer}. Messages that carry actor references cannot be encoded here: clients hold none.
 * Not thread-safe: one codec per thread (they are cheap).
 */
public final class ControlCodec {
    /** The HTTP media type of a body this codec wrote. */
    public static final String MEDIA_TYPE = "application/x-canopy-control";

    private final Kryo kryo;

    private ControlCodec(Kryo kryo) {
        this.kryo = kryo;
    }

    /** A codec with every {@link ControlTypes} provider {@code loader} finds. */
    public static ControlCodec load(ClassLoader loader) {
        return new ControlCodec(ControlSerializer.newKryo(ControlTypeRegistry.load(loader), null));
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

    /** Reads what {@link #encodeAll} wrote; a body that is not that fails with what was wrong. */
    public List<Object> decodeAll(byte[] bytes) {
        try (Input input = new Input(bytes)) {
            int n = input.readVarInt(true);
            if (n < 0 || n > bytes.length) {
                throw new IllegalArgumentException("a control body claims " + n + " messages in " + bytes.length + " bytes");
            }
            List<Object> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                out.add(kryo.readClassAndObject(input));
            }
            return out;
        } catch (KryoException e) {
            throw new IllegalArgumentException("not a control body: " + e.getMessage(), e);
        }
    }
}
