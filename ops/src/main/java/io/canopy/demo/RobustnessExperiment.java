package io.canopy.demo;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.canopy.codec.CodecId;
import io.canopy.global.plan.RoundDesign;
import io.canopy.leaf.synthetic.Attack;

/**
 * The attack table of the DP-scalable release: every attack of the synthetic catalogue × Byzantine share ×
 * release rule through the embedded tiers, each cell the published update's relative L2 error against the
 * honest leaves' mean in the last round (after the DP noise, and before it), with ε = 2 over the rounds.
 */
public final class RobustnessExperiment {

    /** One cell: the errors of the last round, NaN when it published nothing. */
    public record Cell(Attack attack, double share, String release, double published, double beforeNoise,
                       int clustersOverF, double seconds) {
    }

    /** The fleet every cell runs on. */
    public record Design(long leaves, int clusterSize, int dimension, int rounds, double[] shares, List<String> releases) {
    }

    private RobustnessExperiment() {
    }

    /** The table's fleet: 20 clusters of 1,000 in 2 continents, d = 100, 2 rounds, ε = 2. */
    public static Design design(boolean quick) {
        return new Design(20_000, 1000, 100, 2, quick ? new double[] {0.2} : new double[] {0.1, 0.2, 0.3},
            List.of("gated", "multikrum"));
    }

    /** Runs every cell; a line per finished cell goes to {@code log}. */
    public static List<Cell> run(Design d, PrintStream log) throws Exception {
        List<Cell> cells = new ArrayList<>();
        int threads = Runtime.getRuntime().availableProcessors();
        List<Attack> attacks = new ArrayList<>(List.of(Attack.values()));
        attacks.remove(Attack.NONE);
        int total = attacks.size() * d.shares().length * d.releases().size();
        for (Attack attack : attacks) {
            for (double share : d.shares()) {
                for (String release : d.releases()) {
                    DemoSettings s = new DemoSettings(d.leaves(), d.clusterSize(), 10, d.dimension(), d.rounds(), 1.0, share,
                        attack, 0.1, CodecId.FP32, 2.0, 1e-5, 42, 0.25, 0.1, false, 4, threads, "fedavg", 1f, null, 0,
                        release, RoundDesign.GATE_FACTOR);
                    long t0 = System.nanoTime();
                    DemoRun.Outcome o = DemoRun.run(s, new PrintStream(OutputStream.nullOutputStream()));
                    DemoRun.RoundFigures last = o.rounds().get(o.rounds().size() - 1);
                    Cell c = new Cell(attack, share, release, last.relativeError(), last.robustError(),
                        last.stats().clustersOverKrumF, (System.nanoTime() - t0) / 1e9);
                    cells.add(c);
                    log.printf(Locale.ROOT, "experiment: %d/%d %s %d%% %s: published error %s (before noise %s)%n",
                        cells.size(), total, attack.cliName(), Math.round(share * 100), release, error(c.published()),
                        error(c.beforeNoise()));
                }
            }
        }
        return cells;
    }

    /** The table in Markdown: a row per attack and share, a column pair per release. */
    public static String markdown(Design d, List<Cell> cells, double seconds) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%,d leaves in clusters of %,d (10 per continent),"
                + " d = %d, q = 1, 10%% dropout, ε = 2 and δ = 1e-5 over %d rounds; relative L2 error of the published"
                + " update against the honest leaves' mean in round %d (rounded up; before the tier-3 noise in"
                + " brackets; \"not published\" when the round released nothing). Runtime %.0f s.%n%n", d.leaves(),
            d.clusterSize(), d.dimension(), d.rounds(), d.rounds(), seconds));
        b.append("| attack | Byzantine |");
        for (String r : d.releases()) {
            b.append(' ').append(r).append(" |");
        }
        b.append(" clusters over Multi-Krum's f |\n|---|---:|");
        b.append("---:|".repeat(d.releases().size())).append("---:|\n");
        for (int i = 0; i < cells.size(); i += d.releases().size()) {
            Cell first = cells.get(i);
            b.append(String.format(Locale.ROOT, "| %s | %d%% |", first.attack().cliName(), Math.round(first.share() * 100)));
            for (int k = 0; k < d.releases().size(); k++) {
                Cell c = cells.get(i + k);
                b.append(' ').append(error(c.published())).append(" (").append(error(c.beforeNoise())).append(") |");
            }
            b.append(' ').append(first.clustersOverF()).append(" |\n");
        }
        return b.toString();
    }

    private static String error(double e) {
        return Double.isNaN(e) ? "not published" : String.format(Locale.ROOT, "%.4f", Math.ceil(e * 10_000) / 10_000);
    }
}
