package io.canopy.continental;

import io.canopy.control.ControlTypes;

/** Tier 2's control messages for the Kryo serializer (ids 400–499). */
public final class ContinentalControlTypes implements ControlTypes {
    @Override
    public void register(Registrar registrar) {
        registrar.register(400, ContinentalAggregator.Open.class);
        registrar.register(402, ContinentalAggregator.Centre.class);
        registrar.register(401, ContinentalAggregator.Reported.class);
    }
}
