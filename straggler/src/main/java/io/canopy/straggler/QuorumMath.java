package io.canopy.straggler;

/**
 * The probability that a tier misses its quorum when each of its c invited inputs answers in time
 * independently with probability p: P[X &lt; k] for X ~ Binomial(c, p) and k the quorum count.
 *
 * <p>Exact tails are summed in log space from the term nearest the mode outwards, each term from
 * its neighbour by the ratio C(c, i−1)/C(c, i) = i/(c−i+1), so c up to 10^5 and probabilities far
 * below {@link Double#MIN_NORMAL} stay accurate (the log forms never underflow). The Chernoff bound
 * is the one the seed design quotes: for q &lt; p, P[X ≤ qc] ≤ exp(−(p−q)²c/(2p)) (Mitzenmacher and
 * Upfal, "Probability and Computing", Thm 4.5 with δ = (p−q)/p).
 */
public final class QuorumMath {
    private QuorumMath() {
    }

    /** ln P[X &lt; k], X ~ Binomial(c, p): the log-probability of fewer than k answers. */
    public static double logProbabilityBelow(int c, double p, int k) {
        checkArguments(c, p, k);
        if (k <= 0) {
            return Double.NEGATIVE_INFINITY;
        }
        if (k > c) {
            return 0.0;
        }
        if (p == 0.0) {
            return 0.0;
        }
        if (p == 1.0) {
            return Double.NEGATIVE_INFINITY;
        }
        // Sum the smaller side directly and take the complement of the larger, so neither loses digits.
        double mean = c * p;
        if (k - 1 <= mean) {
            return logSumRange(c, p, 0, k - 1);
        }
        return log1mexp(logSumRange(c, p, k, c));
    }

    /** ln P[X ≥ k]: the log-probability that the quorum is met. */
    public static double logProbabilityAtLeast(int c, double p, int k) {
        checkArguments(c, p, k);
        if (k <= 0) {
            return 0.0;
        }
        if (k > c || p == 0.0) {
            return Double.NEGATIVE_INFINITY;
        }
        if (p == 1.0) {
            return 0.0;
        }
        double mean = c * p;
        if (k >= mean) {
            return logSumRange(c, p, k, c);
        }
        return log1mexp(logSumRange(c, p, 0, k - 1));
    }

    /** P[X &lt; k]: one cluster of c invitations misses a quorum of k. */
    public static double missProbability(int c, double p, int k) {
        return Math.exp(logProbabilityBelow(c, p, k));
    }

    /**
     * P[at least one of K independent clusters misses], 1 − (1 − m)^K, computed as −expm1(K·ln(1 − m))
     * from the log of m so that tiny per-cluster probabilities are not lost against 1.
     */
    public static double fleetMissProbability(double logClusterMiss, long clusters) {
        if (clusters < 1) {
            throw new IllegalArgumentException("clusters must be at least 1, was " + clusters);
        }
        if (logClusterMiss > 0.0 || Double.isNaN(logClusterMiss)) {
            throw new IllegalArgumentException("logClusterMiss must be a log-probability (≤ 0), was " + logClusterMiss);
        }
        double logSurvive = log1mexp(logClusterMiss);
        return -Math.expm1(clusters * logSurvive);
    }

    /**
     * The Chernoff upper bound exp(−(p−q)²c/(2p)) on P[X ≤ qc]; it only bounds anything for q &lt; p,
     * and is reported as 1 (no information) otherwise.
     */
    public static double chernoffMissBound(int c, double p, double quorumFraction) {
        return Math.exp(logChernoffMissBound(c, p, quorumFraction));
    }

    /** ln of {@link #chernoffMissBound}. */
    public static double logChernoffMissBound(int c, double p, double quorumFraction) {
        if (c < 1) {
            throw new IllegalArgumentException("c must be at least 1, was " + c);
        }
        checkProbability("p", p);
        checkProbability("quorumFraction", quorumFraction);
        if (quorumFraction >= p) {
            return 0.0;
        }
        double gap = p - quorumFraction;
        return -gap * gap * c / (2.0 * p);
    }

    /**
     * The fewest invitations n such that P[Binomial(n, p) ≥ k] ≥ target: how far to over-select so a
     * quorum of k is met with the wanted probability. Returns −1 if p = 0 (no number suffices).
     */
    public static int invitationsFor(int k, double p, double target, int maxInvitations) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, was " + k);
        }
        checkProbability("p", p);
        if (!(target > 0.0 && target < 1.0)) {
            throw new IllegalArgumentException("target must be in (0, 1), was " + target);
        }
        if (p == 0.0) {
            return -1;
        }
        double logTarget = Math.log(target);
        if (logProbabilityAtLeast(maxInvitations, p, k) < logTarget) {
            return -1;
        }
        // P[Bin(n, p) ≥ k] grows with n, so bisect for the first n that meets the target.
        int lo = k;
        int hi = maxInvitations;
        while (lo < hi) {
            int mid = lo + (hi - lo) / 2;
            if (logProbabilityAtLeast(mid, p, k) >= logTarget) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    /** ln Σ_{i=from..to} C(c,i) p^i (1−p)^(c−i), starting at the largest term and walking outwards. */
    static double logSumRange(int c, double p, int from, int to) {
        if (from > to) {
            return Double.NEGATIVE_INFINITY;
        }
        int mode = (int) Math.floor((c + 1) * p);
        int peak = Math.max(from, Math.min(to, Math.min(mode, c)));
        double logPeak = logBinomialTerm(c, p, peak);
        double ratioUp = p / (1.0 - p);
        double sum = 1.0; // terms relative to the peak term
        double term = 1.0;
        for (int i = peak + 1; i <= to; i++) {
            term *= ratioUp * (c - i + 1) / i;
            sum += term;
            if (term < sum * 1e-17) {
                break;
            }
        }
        term = 1.0;
        for (int i = peak - 1; i >= from; i--) {
            term *= (i + 1) / (ratioUp * (c - i));
            sum += term;
            if (term < sum * 1e-17) {
                break;
            }
        }
        return logPeak + Math.log(sum);
    }

    /**
     * ln [C(c,i) p^i (1−p)^(c−i)] by Loader's saddle-point form (C. Loader, "Fast and accurate
     * computation of binomial probabilities", 2000): the differences of huge log-factorials, which
     * would cost ten digits at c = 10^5, are replaced by Stirling remainders and deviances.
     */
    static double logBinomialTerm(int c, double p, int i) {
        double q = 1.0 - p;
        if (i == 0) {
            return c * Math.log1p(-p);
        }
        if (i == c) {
            return c * Math.log(p);
        }
        double lc = LogFactorial.stirlingError(c) - LogFactorial.stirlingError(i) - LogFactorial.stirlingError(c - i)
            - deviance(i, c * p) - deviance(c - i, c * q);
        return lc + 0.5 * Math.log(c / (2.0 * Math.PI * i * (double) (c - i)));
    }

    /** x·ln(x/m) + m − x, by its series when x is near m so that nothing cancels (Loader 2000, bd0). */
    static double deviance(double x, double m) {
        if (Math.abs(x - m) < 0.1 * (x + m)) {
            double v = (x - m) / (x + m);
            double s = (x - m) * v;
            double ej = 2 * x * v;
            v *= v;
            for (int j = 1; j < 1000; j++) {
                ej *= v;
                double next = s + ej / (2 * j + 1);
                if (next == s) {
                    return next;
                }
                s = next;
            }
            return s;
        }
        return x * Math.log(x / m) + m - x;
    }

    /** ln(1 − e^x) for x ≤ 0, accurate at both ends (Mächler 2012, "Accurately computing log(1 − exp(−|a|))"). */
    static double log1mexp(double x) {
        if (x == 0.0) {
            return Double.NEGATIVE_INFINITY;
        }
        return x > -0.6931471805599453 ? Math.log(-Math.expm1(x)) : Math.log1p(-Math.exp(x));
    }

    private static void checkArguments(int c, double p, int k) {
        if (c < 0) {
            throw new IllegalArgumentException("c must be zero or positive, was " + c);
        }
        checkProbability("p", p);
    }

    private static void checkProbability(String name, double value) {
        if (!(value >= 0.0 && value <= 1.0)) {
            throw new IllegalArgumentException(name + " must be a probability in [0, 1], was " + value);
        }
    }
}
