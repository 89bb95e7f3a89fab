package io.canopy.aggregation;

/** Krum (m = 1) honours the same contract as every rule. */
class KrumTest extends AggregationRuleContract {

    @Override
    double extremeScale() {
        // Distances are float products: 1e15² · d stays far inside float32's range.
        return 1e15;
    }

    @Override
    AggregationRule rule() {
        return MultiKrum.krum(2);
    }
}
