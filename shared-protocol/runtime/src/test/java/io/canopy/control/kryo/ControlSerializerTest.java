package io.canopy.control.kryo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import com.typesafe.config.ConfigFactory;
import io.canopy.control.ControlMessage;
import io.canopy.control.ControlTypes;
import io.canopy.straggler.QuorumOutcome;
import io.canopy.straggler.QuorumPolicy;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class ControlSerializerTest {

    /** A message using every shared registration, with a reply address. */
    record Probe(long round, QuorumPolicy policy, QuorumOutcome outcome, int[] ids, long[] counts, double[] sigmas,
                 String[] names, ActorRef<Probe> replyTo) implements ControlMessage {
    }

    /** Not registered anywhere: the serializer must refuse it by name. */
    record Unregistered(int value) implements ControlMessage {
    }

    public static final class TestTypes implements ControlTypes {
        @Override
        public void register(Registrar registrar) {
            registrar.register(900, Probe.class);
        }
    }

    private static final ActorTestKit KIT = ActorTestKit.create(ConfigFactory.parseString("""
        pekko.actor.serialize-messages = on
        pekko.actor.allow-java-serialization = off
        pekko.loglevel = WARNING
        """).withFallback(ConfigFactory.load()));

    @AfterAll
    static void shutdown() {
        KIT.shutdownTestKit();
    }

    private static Probe sample(ActorRef<Probe> replyTo) {
        QuorumPolicy policy = new QuorumPolicy(1000, 0.6, Duration.ofSeconds(5), Duration.ofSeconds(9),
            Duration.ofMillis(250), 1.3);
        return new Probe(42L, policy, QuorumOutcome.QUORUM_AT_DEADLINE, new int[] {3, 1, 4}, new long[] {-1L, Long.MAX_VALUE},
            new double[] {0.5, Double.MIN_VALUE}, new String[] {"krum", "trimmed-mean"}, replyTo);
    }

    @Test
    void control_messages_cross_the_serializer_with_every_field_and_a_live_reply_address() {
        TestProbe<Probe> probe = KIT.createTestProbe();
        Probe sent = sample(probe.ref());
        Serialization serialization = SerializationExtension.get(Adapter.toClassic(KIT.system()));
        Serializer serializer = serialization.findSerializerFor(sent);
        assertInstanceOf(ControlSerializer.class, serializer);

        Probe back = (Probe) serialization.deserialize(serialization.serialize(sent).get(), serializer.identifier(), "").get();
        assertEquals(sent.round(), back.round());
        assertEquals(sent.policy(), back.policy());
        assertEquals(sent.outcome(), back.outcome());
        assertArrayEquals(sent.ids(), back.ids());
        assertArrayEquals(sent.counts(), back.counts());
        assertArrayEquals(sent.sigmas(), back.sigmas());
        assertArrayEquals(sent.names(), back.names());
        assertEquals(probe.ref(), back.replyTo());

        // With serialize-messages on, a tell goes through the same bytes; the reply address still works.
        back.replyTo().tell(sent);
        assertEquals(42L, probe.receiveMessage().round());
    }

    @Test
    void an_unregistered_message_is_refused_by_name_rather_than_falling_back_to_java_serialization() {
        Serialization serialization = SerializationExtension.get(Adapter.toClassic(KIT.system()));
        var failure = serialization.serialize(new Unregistered(1)).failed().get();
        assertInstanceOf(IllegalArgumentException.class, failure);
        assertTrue(failure.getMessage().startsWith("cannot serialize io.canopy.control.kryo.ControlSerializerTest$Unregistered"),
            failure.getMessage());
    }

    @Test
    void two_modules_claiming_one_id_fail_at_start_up_naming_both() {
        ControlTypes first = r -> r.register(950, Probe.class);
        ControlTypes second = r -> r.register(950, Unregistered.class);
        var e = assertThrows(IllegalStateException.class, () -> ControlTypeRegistry.of(List.of(first, second)));
        assertTrue(e.getMessage().startsWith("control type id 950 is claimed by both io.canopy.control.kryo.ControlSerializerTest$Probe"),
            e.getMessage());
        ControlTypes low = r -> r.register(12, Probe.class);
        assertThrows(IllegalStateException.class, () -> ControlTypeRegistry.of(List.of(low)));
    }
}
