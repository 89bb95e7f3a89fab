package io.canopy.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import io.canopy.round.IngestRejection;
import io.canopy.straggler.QuorumPolicy;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/**
 * A block sized by plan holds exactly what a plain array of every accepted input, in arrival order, holds: under
 * random plans, margins (some well below 1, so rows grow mid-round), arrival counts, refusals and reuse across rounds.
 */
class BlockRowsProperties {

    /** Fixed, so every run tries the same cases; change it to explore others. */
    static final String SEED = "20261203";
    private static final long MS = 1_000_000L;

    @Property(seed = SEED, tries = 300)
    void acceptedRowsEqualAPlainArrayOfTheAcceptedInputs(@ForAll @IntRange(min = 1, max = 80) int maxRows,
                                                         @ForAll @IntRange(min = 1, max = 33) int dimension,
                                                         @ForAll @DoubleRange(min = 0.05, max = 2.0) double margin,
                                                         @ForAll @IntRange(min = 1, max = 3) int rounds,
                                                         @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        QuorumPolicy base = QuorumPolicy.of(1, Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(10));
        IngestBlock block = new IngestBlock(maxRows, dimension, base.withExpectedCount(1 + random.nextInt(maxRows)), margin);
        for (int round = 0; round < rounds; round++) {
            int planned = 1 + random.nextInt(maxRows);
            int arrivals = random.nextInt(planned + 1);
            block.open(round, 0, base.withExpectedCount(planned), 1.0, false, 0);
            List<float[]> reference = new ArrayList<>();
            List<Long> senders = new ArrayList<>();
            for (int a = 0; a < arrivals; a++) {
                long sender = 1000L * round + a;
                float[] x = new float[dimension];
                for (int j = 0; j < dimension; j++) {
                    x[j] = (float) (random.nextDouble() - 0.5) / dimension;
                }
                boolean poisoned = random.nextInt(5) == 0;
                if (poisoned) {
                    x[random.nextInt(dimension)] = Float.NaN; // refused: its row goes to the next input
                }
                int offset = block.reserve(round, sender, MS);
                assertTrue(offset >= 0, "row for arrival " + a + " of " + arrivals);
                System.arraycopy(x, 0, block.rows(), offset, dimension);
                int verdict = block.commit(MS);
                assertEquals(poisoned ? IngestRejection.NON_FINITE.ordinal() : IngestBlock.ACCEPTED, verdict);
                if (!poisoned) {
                    reference.add(x);
                    senders.add(sender);
                }
            }
            assertEquals(reference.size(), block.acceptedCount());
            assertTrue(block.allocatedRows() <= maxRows, "allocated " + block.allocatedRows() + " > hard maximum " + maxRows);
            assertTrue(block.allocatedRows() >= reference.size());
            var accepted = block.accepted();
            if (reference.isEmpty()) {
                assertNull(accepted);
                continue;
            }
            for (int i = 0; i < reference.size(); i++) {
                assertArrayEquals(reference.get(i), accepted.row(i), "round " + round + ", row " + i);
                assertEquals((long) senders.get(i), block.sender(i));
            }
            // completed() copies the same rows by sender, and fills the absent ones.
            long[] expected = {senders.get(0), -1};
            float[] fill = new float[dimension];
            Arrays.fill(fill, 0.25f);
            var completed = block.completed(expected, fill, new float[2 * dimension]);
            assertArrayEquals(reference.get(0), completed.row(0));
            assertArrayEquals(fill, completed.row(1));
        }
    }
}
