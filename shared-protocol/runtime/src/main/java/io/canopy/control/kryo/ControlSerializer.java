package io.canopy.control.kryo;

import io.canopy.control.ControlMessage;
import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.Pool;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.JSerializer;

/**
 * Pekko's serializer for {@link ControlMessage}s: Kryo with registration required, so only the
 * classes in the {@link ControlTypeRegistry} can be written, each under its fixed id. Records use
 * Kryo's record serializer (canonical constructor, so their validation runs on the receiver too).
 * Typed actor references travel as their serialization format and are resolved on arrival.
 *
 * <p>Bounded reads: a message longer than {@link #maxMessageBytes()} (Pekko's own
 * {@value #FRAME_SIZE_PATH}, which no remote message can exceed) is refused unread, and every array or string it
 * declares must fit in the bytes it has left ({@link BoundedInput}) before anything is allocated for it. Whatever is
 * wrong with a message surfaces as one {@link ControlFormatException} saying what; Pekko logs it and drops the
 * message.
 *
 * <p>Kryo instances are not thread-safe; a bounded pool lends one per call.
 */
public final class ControlSerializer extends JSerializer {
    /** Pekko reserves 0–40; this id must be stable across releases. */
    public static final int IDENTIFIER = 4711;

    /** Where Pekko's largest remote frame is configured. */
    public static final String FRAME_SIZE_PATH = "pekko.remote.artery.advanced.maximum-frame-size";
    /** Pekko's default of {@value #FRAME_SIZE_PATH}, used when a system has no remoting configured. */
    public static final int MAX_MESSAGE_BYTES_DEFAULT = 256 * 1024;

    private final Pool<Kryo> pool;
    private final int maxMessageBytes;

    public ControlSerializer(ExtendedActorSystem system) {
        com.typesafe.config.Config config = system.settings().config();
        this.maxMessageBytes = config.hasPath(FRAME_SIZE_PATH)
            ? (int) Math.min(Integer.MAX_VALUE, config.getBytes(FRAME_SIZE_PATH)) : MAX_MESSAGE_BYTES_DEFAULT;
        ControlTypeRegistry registry = ControlTypeRegistry.load(system.dynamicAccess().classLoader());
        ActorRefResolver resolver = ActorRefResolver.get(Adapter.toTyped(system));
        this.pool = new Pool<>(true, false, 16) {
            @Override
            protected Kryo create() {
                return newKryo(registry, resolver);
            }
        };
    }

    static Kryo newKryo(ControlTypeRegistry registry, ActorRefResolver resolver) {
        Kryo kryo = new Kryo();
        kryo.setRegistrationRequired(true);
        kryo.setReferences(false);
        kryo.addDefaultSerializer(ActorRef.class, new ActorRefSerializer(resolver));
        for (ControlTypeRegistry.Entry entry : registry.entries()) {
            Class<?> type = entry.type();
            if (type.isArray() && !type.getComponentType().isPrimitive()) {
                kryo.register(type, new BoundedObjectArraySerializer(kryo, type), entry.id());
            } else {
                kryo.register(type, entry.id());
            }
        }
        return kryo;
    }

    /**
     * Reads one message of {@code bytes} with {@code kryo}, refusing it whole when it is longer than {@code max}.
     *
     * @throws ControlFormatException saying what is wrong with the message, whatever failed inside
     */
    static Object read(Kryo kryo, byte[] bytes, int max) {
        if (bytes.length > max) {
            throw new ControlFormatException("a control message of " + bytes.length + " bytes is longer than the "
                + max + " allowed; refused unread");
        }
        try (Input input = new BoundedInput(bytes)) {
            return kryo.readClassAndObject(input);
        } catch (ControlFormatException e) {
            throw e;
        } catch (RuntimeException e) {
            // Kryo, a record's own validation, Duration's range checks...: one documented exception for all.
            throw new ControlFormatException("cannot read a control message of " + bytes.length + " bytes: " + e, e);
        }
    }

    /** The longest message {@link #fromBinaryJava} reads. */
    public int maxMessageBytes() {
        return maxMessageBytes;
    }

    @Override
    public int identifier() {
        return IDENTIFIER;
    }

    @Override
    public boolean includeManifest() {
        return false;
    }

    @Override
    public byte[] toBinary(Object message) {
        Kryo kryo = pool.obtain();
        try (Output output = new Output(256, -1)) {
            kryo.writeClassAndObject(output, message);
            return output.toBytes();
        } catch (KryoException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot serialize " + message.getClass().getName()
                + " on the control plane: " + e.getMessage()
                + " (register every class it contains in a ControlTypes provider)", e);
        } finally {
            pool.free(kryo);
        }
    }

    @Override
    public Object fromBinaryJava(byte[] bytes, Class<?> manifest) {
        Kryo kryo = pool.obtain();
        try {
            return read(kryo, bytes, maxMessageBytes);
        } finally {
            pool.free(kryo);
        }
    }
}
