package io.canopy.privacy.ledger;

import java.util.Arrays;

/**
 * One round of the privacy ledger: enough to recompute the published model's privacy loss from scratch.
 *
 * @param round       round id, strictly increasing in a ledger
 * @param q           leaf sampling rate of the round
 * @param sampler     which Gaussian sampler ran ("secure" or "fast"; a fast round is a simulation)
 * @param z           noise multiplier per tier (index 0 = tier 1 … 2 = tier 3; 0 where a tier added none)
 * @param sensitivity L2 sensitivity Δ per tier, same indexing
 * @param rdp         the round's RDP of the published (tier-3) release at each order of
 *                    {@link io.canopy.privacy.accounting.RdpAccountant#DEFAULT_ORDERS}
 */
public record LedgerEntry(long round, double q, String sampler, double[] z, double[] sensitivity, double[] rdp) {

    public LedgerEntry {
        z = z.clone();
        sensitivity = sensitivity.clone();
        rdp = rdp.clone();
    }

    @Override
    public double[] z() {
        return z.clone();
    }

    @Override
    public double[] sensitivity() {
        return sensitivity.clone();
    }

    @Override
    public double[] rdp() {
        return rdp.clone();
    }

    /** The published release's noise multiplier, z of tier 3. */
    public double publishedZ() {
        return z[z.length - 1];
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof LedgerEntry e && round == e.round && Double.compare(q, e.q) == 0 && sampler.equals(e.sampler)
            && Arrays.equals(z, e.z) && Arrays.equals(sensitivity, e.sensitivity) && Arrays.equals(rdp, e.rdp);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(round) * 31 + Arrays.hashCode(rdp);
    }

    @Override
    public String toString() {
        return "LedgerEntry[round=" + round + ", q=" + q + ", sampler=" + sampler + ", z=" + Arrays.toString(z)
            + ", sensitivity=" + Arrays.toString(sensitivity) + ", rdp=" + rdp.length + " orders]";
    }
}
