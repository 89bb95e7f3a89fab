package io.canopy.aggregation;

/** Krum (m = 1) honours the same contract as every rule. */
class KrumTest extends AggregationRuleContract {

    @Override
    AggregationRule rule() {
        return MultiKrum.krum(2);
    }
}
