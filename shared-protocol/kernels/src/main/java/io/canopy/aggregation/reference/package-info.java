/**
 * Plain, obviously correct versions of the aggregation rules (sort each column, sum in double), for
 * tests to compare against and benchmarks to measure against. They live in {@code src/main} because
 * the benchmarks in {@code load-tests} use them. Never used on a hot path.
 */
package io.canopy.aggregation.reference;
