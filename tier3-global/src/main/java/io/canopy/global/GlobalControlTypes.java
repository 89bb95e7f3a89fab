package io.canopy.global;

import io.canopy.control.ControlTypes;

/** Tier 3's control messages for the Kryo serializer (ids 500–599). */
public final class GlobalControlTypes implements ControlTypes {
    @Override
    public void register(Registrar registrar) {
        registrar.register(500, GlobalCoordinator.Reported.class);
        registrar.register(501, GlobalCoordinator.RoundOpened.class);
        registrar.register(502, GlobalCoordinator.CurrentRound.class);
        registrar.register(503, GlobalCoordinator.GetStatus.class);
        registrar.register(504, GlobalCoordinator.Status.class);
    }
}
