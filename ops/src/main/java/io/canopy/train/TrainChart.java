package io.canopy.train;

import java.util.List;
import java.util.Locale;

/**
 * Test accuracy and ε against rounds as a self-contained SVG (no script, no external font), one accuracy
 * line per run on the left axis and the ε of the first run with DP noise on the right axis (dashed).
 */
public final class TrainChart {
    private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2",
        "#7f7f7f", "#bcbd22", "#17becf"};
    private static final int WIDTH = 760;
    private static final int HEIGHT = 420;
    private static final int LEFT = 64;
    private static final int RIGHT = 72;
    private static final int TOP = 48;
    private static final int BOTTOM = 56;

    /** One run's line: its label and rows. */
    public record Series(String label, List<TrainRun.Row> rows) {
    }

    private TrainChart() {
    }

    public static String svg(String title, List<Series> runs) {
        if (runs.isEmpty() || runs.get(0).rows().isEmpty()) {
            throw new IllegalArgumentException("a chart needs at least one run with one round");
        }
        long maxRound = 1;
        for (Series s : runs) {
            maxRound = Math.max(maxRound, s.rows().get(s.rows().size() - 1).round());
        }
        Series privateRun = runs.stream().filter(s -> Double.isFinite(s.rows().get(s.rows().size() - 1).epsilon()))
            .findFirst().orElse(runs.get(0));
        double maxEpsilon = 0;
        for (TrainRun.Row r : privateRun.rows()) {
            if (Double.isFinite(r.epsilon())) {
                maxEpsilon = Math.max(maxEpsilon, r.epsilon());
            }
        }
        double plotW = WIDTH - LEFT - RIGHT;
        double plotH = HEIGHT - TOP - BOTTOM;
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
            + " font-family=\"DejaVu Sans, Arial, sans-serif\" font-size=\"12\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT));
        b.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, HEIGHT));
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"24\" font-size=\"15\" font-weight=\"bold\">%s</text>%n", LEFT,
            escape(title)));
        for (int pct = 0; pct <= 100; pct += 10) {
            double y = TOP + plotH * (1 - pct / 100.0);
            b.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#e5e5e5\"/>%n",
                LEFT, LEFT + plotW, y, y));
            b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%d%%</text>%n", LEFT - 6, y + 4,
                pct));
        }
        long step = Math.max(1, niceStep(maxRound));
        for (long r = 0; r <= maxRound; r += step) {
            double x = LEFT + plotW * r / maxRound;
            b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%d</text>%n", x,
                TOP + plotH + 18, r));
        }
        b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">round</text>%n",
            LEFT + plotW / 2, HEIGHT - 14));
        b.append(String.format(Locale.ROOT, "<text transform=\"translate(16,%.1f) rotate(-90)\" text-anchor=\"middle\">test"
            + " accuracy</text>%n", TOP + plotH / 2));
        b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%.1f\" fill=\"none\""
            + " stroke=\"#555\"/>%n", LEFT, TOP, plotW, plotH));
        for (int i = 0; i < runs.size(); i++) {
            Series s = runs.get(i);
            String colour = COLOURS[i % COLOURS.length];
            b.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").append(colour).append("\" points=\"");
            for (TrainRun.Row r : s.rows()) {
                b.append(String.format(Locale.ROOT, "%.1f,%.1f ", LEFT + plotW * r.round() / maxRound,
                    TOP + plotH * (1 - r.accuracy())));
            }
            b.append("\"/>\n");
            // The legend sits in the band between 15% and 60% accuracy, which a learning curve crosses only early.
            double legendY = TOP + plotH * 0.42 + 15 * i;
            b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\""
                + " stroke-width=\"2\"/>%n", LEFT + plotW - 280, LEFT + plotW - 260, legendY, legendY, colour));
            TrainRun.Row last = s.rows().get(s.rows().size() - 1);
            b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\">%s: %s</text>%n", LEFT + plotW - 254,
                legendY + 4, escape(s.label()), TrainReport.accuracy(last.accuracy())));
        }
        if (maxEpsilon > 0) {
            b.append("<polyline fill=\"none\" stroke-width=\"1.5\" stroke-dasharray=\"5,4\" stroke=\"#333\" points=\"");
            for (TrainRun.Row r : privateRun.rows()) {
                if (Double.isFinite(r.epsilon())) {
                    b.append(String.format(Locale.ROOT, "%.1f,%.1f ", LEFT + plotW * r.round() / maxRound,
                        TOP + plotH * (1 - r.epsilon() / maxEpsilon)));
                }
            }
            b.append("\"/>\n");
            for (int k = 0; k <= 4; k++) {
                double y = TOP + plotH * (1 - k / 4.0);
                b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\">%.2f</text>%n", LEFT + plotW + 6, y + 4,
                    maxEpsilon * k / 4));
            }
            b.append(String.format(Locale.ROOT, "<text transform=\"translate(%d,%.1f) rotate(90)\" text-anchor=\"middle\">"
                + "epsilon spent (dashed, %s)</text>%n", WIDTH - 14, TOP + plotH / 2, escape(privateRun.label())));
        }
        return b.append("</svg>\n").toString();
    }

    private static long niceStep(long max) {
        for (long s : new long[] {1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000}) {
            if (max / s <= 10) {
                return s;
            }
        }
        return max / 10;
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
