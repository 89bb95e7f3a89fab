package io.canopy.control;

import java.time.Duration;

import io.canopy.straggler.QuorumOutcome;
import io.canopy.straggler.QuorumPolicy;

/** The control types shared-protocol itself defines, and the JDK and Pekko types they contain. */
public final class SharedControlTypes implements ControlTypes {
    /** Typed references are all of this one internal class, written by {@link ActorRefSerializer}. */
    private static final String TYPED_ACTOR_REF = "org.apache.pekko.actor.typed.internal.adapter.ActorRefAdapter";

    @Override
    public void register(Registrar registrar) {
        registrar.register(100, int[].class);
        registrar.register(101, long[].class);
        registrar.register(102, double[].class);
        registrar.register(103, String[].class);
        registrar.register(104, Duration.class);
        registrar.register(105, QuorumPolicy.class);
        registrar.register(106, QuorumOutcome.class);
        registrar.register(107, typedActorRefClass());
    }

    private static Class<?> typedActorRefClass() {
        try {
            return Class.forName(TYPED_ACTOR_REF);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("this Pekko version has no " + TYPED_ACTOR_REF
                + "; update SharedControlTypes to its typed ActorRef implementation", e);
        }
    }
}
