package io.canopy.aggregation;

import org.junit.jupiter.api.Nested;

/** The trimmed mean and the median honour the rule contract, bit-identically under row permutation. */
class SelectionRulesContractTest {

    @Nested
    class TrimmedMeanContract extends AggregationRuleContract {
        @Override
        AggregationRule rule() {
            return TrimmedMean.ofBeta(0.2);
        }

        @Override
        boolean bitIdenticalUnderPermutation() {
            return true;
        }
    }

    @Nested
    class MedianContract extends AggregationRuleContract {
        @Override
        AggregationRule rule() {
            return new CoordinateMedian();
        }

        @Override
        int rows() {
            return 12;
        }

        @Override
        boolean bitIdenticalUnderPermutation() {
            return true;
        }
    }
}
