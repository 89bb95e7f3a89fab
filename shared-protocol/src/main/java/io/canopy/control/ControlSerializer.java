package io.canopy.control;

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
 * <p>Kryo instances are not thread-safe; a bounded pool lends one per call.
 */
public final class ControlSerializer extends JSerializer {
    /** Pekko reserves 0–40; this id must be stable across releases. */
    public static final int IDENTIFIER = 4711;

    private final Pool<Kryo> pool;

    public ControlSerializer(ExtendedActorSystem system) {
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
            kryo.register(entry.type(), entry.id());
        }
        return kryo;
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
        try (Input input = new Input(bytes)) {
            return kryo.readClassAndObject(input);
        } catch (KryoException | IllegalArgumentException e) {
            throw new IllegalArgumentException(
                "cannot read a control message of " + bytes.length + " bytes: " + e.getMessage(), e);
        } finally {
            pool.free(kryo);
        }
    }
}
