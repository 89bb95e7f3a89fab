package io.canopy.privacy.accounting;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Composes the Rényi DP of Poisson-subsampled Gaussian steps (possibly with different (q, z) per
 * round) and converts the total to (ε, δ).
 *
 * <p>Adjacency: add or remove one leaf, the relation under which {@link SubsampledGaussianRdp} is
 * derived (Mironov, Talwar, Zhang 2019) and which Opacus and TF Privacy use. RDP composes additively
 * at each order (Mironov 2017, Prop. 1), so the state is one double per order.
 *
 * <p>The default order grid is {@link #DEFAULT_ORDERS}: 1.25 … 4.5 in quarter and half steps, every
 * integer 5 … 63, then 128 and 256. Small q with large z pushes the optimum to high orders (at q = 0.01,
 * z = 5, one step, dropping 128 and 256 more than doubles ε), so the grid keeps them; when the optimum is
 * the first or last order, {@link PrivacySpent#warnings()} says so.
 *
 * <p>Not thread-safe: one accountant per ledger or per caller.
 */
public final class RdpAccountant {

    /** 1.25, 1.5, 1.75, 2, 2.25, 2.5, 3, 3.5, 4, 4.5, 5 … 63, 128, 256. */
    public static final List<Double> DEFAULT_ORDERS = defaultOrders();

    private final double[] orders;
    private final double[] rdp;
    private long steps;
    // Cache of the last single-step vector: ledgers replay many rounds with the same (q, z).
    private double cachedQ = Double.NaN;
    private double cachedZ = Double.NaN;
    private final double[] cachedStep;

    /** An accountant over {@link #DEFAULT_ORDERS}. */
    public RdpAccountant() {
        this(DEFAULT_ORDERS.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** An accountant over the given orders (each finite and &gt; 1), e.g. to reproduce another library's grid. */
    public RdpAccountant(final double[] orders) {
        if (orders.length == 0) {
            throw new IllegalArgumentException("orders must not be empty");
        }
        for (final double a : orders) {
            if (!(a > 1) || Double.isInfinite(a)) {
                throw new IllegalArgumentException("every order must be finite and > 1, got " + a);
            }
        }
        this.orders = orders.clone();
        this.rdp = new double[orders.length];
        this.cachedStep = new double[orders.length];
    }

    /** Adds {@code steps} rounds of the subsampled Gaussian mechanism with sampling rate q and multiplier z. */
    public RdpAccountant compose(final double q, final double z, final long steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be >= 1, got " + steps);
        }
        final double[] one = stepRdp(q, z);
        for (int k = 0; k < orders.length; k++) {
            rdp[k] += steps * one[k];
        }
        this.steps += steps;
        return this;
    }

    /** Adds an RDP curve computed elsewhere (e.g. a ledger record), one value per order of this grid. */
    public RdpAccountant composeCurve(final double[] curve, final long steps) {
        if (curve.length != orders.length) {
            throw new IllegalArgumentException("curve has " + curve.length + " orders, the accountant " + orders.length);
        }
        for (int k = 0; k < orders.length; k++) {
            if (!(curve[k] >= 0)) {
                throw new IllegalArgumentException("RDP at order " + orders[k] + " must be >= 0, got " + curve[k]);
            }
            rdp[k] += steps * curve[k];
        }
        this.steps += steps;
        return this;
    }

    /** The RDP of one step at every order of this accountant's grid (a fresh array). */
    public double[] stepRdp(final double q, final double z) {
        SubsampledGaussianRdp.validate(q, z);
        if (q != cachedQ || z != cachedZ) {
            for (int k = 0; k < orders.length; k++) {
                cachedStep[k] = SubsampledGaussianRdp.rdp(q, z, orders[k]);
            }
            cachedQ = q;
            cachedZ = z;
        }
        return cachedStep.clone();
    }

    /** The (ε, δ) guarantee of everything composed so far. */
    public PrivacySpent spent(final double delta) {
        return convert(orders, rdp, delta);
    }

    /** Converts an RDP curve to (ε, δ) by both conversions; see {@link PrivacySpent}. */
    public static PrivacySpent convert(final double[] orders, final double[] rdp, final double delta) {
        if (!(delta > 0 && delta < 1)) {
            throw new IllegalArgumentException("delta must be in (0, 1), got " + delta);
        }
        final double logDelta = Math.log(delta);
        int bestClassic = 0;
        int bestBalle = 0;
        double epsClassic = Double.POSITIVE_INFINITY;
        double epsBalle = Double.POSITIVE_INFINITY;
        for (int k = 0; k < orders.length; k++) {
            final double a = orders[k];
            // Mironov 2017, Prop. 3.
            final double classic = rdp[k] - logDelta / (a - 1);
            // Balle, Barthe, Gaboardi, Hsu, Sato 2020, Thm. 21.
            final double balle = rdp[k] + Math.log1p(-1 / a) - (logDelta + Math.log(a)) / (a - 1);
            if (classic < epsClassic) {
                epsClassic = classic;
                bestClassic = k;
            }
            if (balle < epsBalle) {
                epsBalle = balle;
                bestBalle = k;
            }
        }
        final List<String> warnings = new ArrayList<>();
        edgeWarning(orders, bestClassic, "classic", warnings);
        edgeWarning(orders, bestBalle, "Balle et al. 2020", warnings);
        // ε ≥ 0 always holds, so flooring a negative bound at 0 is still a valid guarantee.
        return new PrivacySpent(delta, Math.max(0, epsClassic), orders[bestClassic], Math.max(0, epsBalle),
            orders[bestBalle], warnings);
    }

    private static void edgeWarning(final double[] orders, final int best, final String which, final List<String> out) {
        if (orders.length > 1 && (best == 0 || best == orders.length - 1)) {
            out.add("the " + which + " conversion's optimal order " + fmt(orders[best]) + " is the "
                + (best == 0 ? "smallest" : "largest") + " of the grid: the true optimum may lie outside it");
        }
    }

    private static String fmt(final double a) {
        return a == Math.rint(a) ? Long.toString((long) a) : Double.toString(a);
    }

    /** A copy of this accountant's order grid. */
    public double[] orders() {
        return orders.clone();
    }

    /** A copy of the composed RDP curve. */
    public double[] rdp() {
        return rdp.clone();
    }

    /** Number of steps composed so far. */
    public long steps() {
        return steps;
    }

    private static List<Double> defaultOrders() {
        final List<Double> list = new ArrayList<>(Arrays.asList(1.25, 1.5, 1.75, 2.0, 2.25, 2.5, 3.0, 3.5, 4.0, 4.5));
        for (int a = 5; a <= 63; a++) {
            list.add((double) a);
        }
        list.add(128.0);
        list.add(256.0);
        return List.copyOf(list);
    }
}
