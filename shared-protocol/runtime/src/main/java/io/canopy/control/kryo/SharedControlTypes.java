package io.canopy.control.kryo;

import java.time.Duration;

import io.canopy.codec.CodecId;
import io.canopy.control.ControlTypes;
import io.canopy.round.ClusterReport;
import io.canopy.round.ContinentReport;
import io.canopy.round.LeafTally;
import io.canopy.round.RoundPlan;
import io.canopy.round.TierSpec;
import io.canopy.straggler.CloseReason;
import io.canopy.straggler.QuorumOutcome;
import io.canopy.topology.FleetLayout;
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
        registrar.register(108, CloseReason.class);
        registrar.register(109, CodecId.class);
        registrar.register(110, FleetLayout.class);
        registrar.register(111, TierSpec.class);
        registrar.register(112, RoundPlan.class);
        registrar.register(113, ClusterReport.class);
        registrar.register(114, ContinentReport.class);
        registrar.register(115, LeafTally.class);
        registrar.register(116, io.canopy.round.ReleaseSpec.class);
        registrar.register(117, io.canopy.round.ReleaseSpec.Rule.class);
        registrar.register(118, float[].class);
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
