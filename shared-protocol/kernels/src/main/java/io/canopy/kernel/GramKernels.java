package io.canopy.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link GramMatrix}'s micro-kernels: an MR×(ns·W) tile of G += P Pᵀ over k in [k0, k1) of one packed panel, MR = 4
 * rows broadcast from their strip, ns column strips loaded as vectors. Each tile element is one float FMA chain
 * over k from +0.0, carried between k-blocks in {@code ft} (row stride nr): every kernel and every blocking gives
 * the same bits.
 */
final class GramKernels {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int W = S.length();

    private GramKernels() {
    }

    /**
     * ft[fo + r*nr + c] += Σ_k P[row i0+r, k]·P[column j0+c, k] for r < MR, c < 4W, k0 ≤ k < k1: pa is row i0's
     * offset in its strip, pb the first column strip's offset, sw the length of one strip, nr the row stride of ft.
     * 16 accumulators, 4 column vectors and a broadcast: 21 of the 32 AVX-512 registers; 16 FMAs per k for 8 loads,
     * where the 4×2 kernel has 8 for 6.
     */
    static void kernel4x4(final float[] p, final int pa, final int pb, final int sw, final int k0, final int k1,
                          final float[] ft, final int fo, final int nr) {
        FloatVector c00 = FloatVector.fromArray(S, ft, fo);
        FloatVector c01 = FloatVector.fromArray(S, ft, fo + W);
        FloatVector c02 = FloatVector.fromArray(S, ft, fo + 2 * W);
        FloatVector c03 = FloatVector.fromArray(S, ft, fo + 3 * W);
        FloatVector c10 = FloatVector.fromArray(S, ft, fo + nr);
        FloatVector c11 = FloatVector.fromArray(S, ft, fo + nr + W);
        FloatVector c12 = FloatVector.fromArray(S, ft, fo + nr + 2 * W);
        FloatVector c13 = FloatVector.fromArray(S, ft, fo + nr + 3 * W);
        FloatVector c20 = FloatVector.fromArray(S, ft, fo + 2 * nr);
        FloatVector c21 = FloatVector.fromArray(S, ft, fo + 2 * nr + W);
        FloatVector c22 = FloatVector.fromArray(S, ft, fo + 2 * nr + 2 * W);
        FloatVector c23 = FloatVector.fromArray(S, ft, fo + 2 * nr + 3 * W);
        FloatVector c30 = FloatVector.fromArray(S, ft, fo + 3 * nr);
        FloatVector c31 = FloatVector.fromArray(S, ft, fo + 3 * nr + W);
        FloatVector c32 = FloatVector.fromArray(S, ft, fo + 3 * nr + 2 * W);
        FloatVector c33 = FloatVector.fromArray(S, ft, fo + 3 * nr + 3 * W);
        for (int k = k0; k < k1; k++) {
            final int kw = k * W;
            final FloatVector b0 = FloatVector.fromArray(S, p, pb + kw);
            final FloatVector b1 = FloatVector.fromArray(S, p, pb + sw + kw);
            final FloatVector b2 = FloatVector.fromArray(S, p, pb + 2 * sw + kw);
            final FloatVector b3 = FloatVector.fromArray(S, p, pb + 3 * sw + kw);
            FloatVector a = FloatVector.broadcast(S, p[pa + kw]);
            c00 = b0.fma(a, c00);
            c01 = b1.fma(a, c01);
            c02 = b2.fma(a, c02);
            c03 = b3.fma(a, c03);
            a = FloatVector.broadcast(S, p[pa + kw + 1]);
            c10 = b0.fma(a, c10);
            c11 = b1.fma(a, c11);
            c12 = b2.fma(a, c12);
            c13 = b3.fma(a, c13);
            a = FloatVector.broadcast(S, p[pa + kw + 2]);
            c20 = b0.fma(a, c20);
            c21 = b1.fma(a, c21);
            c22 = b2.fma(a, c22);
            c23 = b3.fma(a, c23);
            a = FloatVector.broadcast(S, p[pa + kw + 3]);
            c30 = b0.fma(a, c30);
            c31 = b1.fma(a, c31);
            c32 = b2.fma(a, c32);
            c33 = b3.fma(a, c33);
        }
        // Through memory, not as arguments: a vector passed to a call C2 does not inline is boxed on the heap.
        // The float sums carry over from one k-block to the next in ft, so each element's chain is unchanged.
        c00.intoArray(ft, fo);
        c01.intoArray(ft, fo + W);
        c02.intoArray(ft, fo + 2 * W);
        c03.intoArray(ft, fo + 3 * W);
        c10.intoArray(ft, fo + nr);
        c11.intoArray(ft, fo + nr + W);
        c12.intoArray(ft, fo + nr + 2 * W);
        c13.intoArray(ft, fo + nr + 3 * W);
        c20.intoArray(ft, fo + 2 * nr);
        c21.intoArray(ft, fo + 2 * nr + W);
        c22.intoArray(ft, fo + 2 * nr + 2 * W);
        c23.intoArray(ft, fo + 2 * nr + 3 * W);
        c30.intoArray(ft, fo + 3 * nr);
        c31.intoArray(ft, fo + 3 * nr + W);
        c32.intoArray(ft, fo + 3 * nr + 2 * W);
        c33.intoArray(ft, fo + 3 * nr + 3 * W);
    }

    /** {@link #kernel4x4} over two column strips: 8 accumulators, which fit the 16 AVX2 registers (a 6×2 tile spilled). */
    static void kernel4x2(final float[] p, final int pa, final int pb, final int sw, final int k0, final int k1,
                          final float[] ft, final int fo, final int nr) {
        FloatVector c00 = FloatVector.fromArray(S, ft, fo);
        FloatVector c01 = FloatVector.fromArray(S, ft, fo + W);
        FloatVector c10 = FloatVector.fromArray(S, ft, fo + nr);
        FloatVector c11 = FloatVector.fromArray(S, ft, fo + nr + W);
        FloatVector c20 = FloatVector.fromArray(S, ft, fo + 2 * nr);
        FloatVector c21 = FloatVector.fromArray(S, ft, fo + 2 * nr + W);
        FloatVector c30 = FloatVector.fromArray(S, ft, fo + 3 * nr);
        FloatVector c31 = FloatVector.fromArray(S, ft, fo + 3 * nr + W);
        for (int k = k0; k < k1; k++) {
            final int kw = k * W;
            final FloatVector b0 = FloatVector.fromArray(S, p, pb + kw);
            final FloatVector b1 = FloatVector.fromArray(S, p, pb + sw + kw);
            FloatVector a = FloatVector.broadcast(S, p[pa + kw]);
            c00 = b0.fma(a, c00);
            c01 = b1.fma(a, c01);
            a = FloatVector.broadcast(S, p[pa + kw + 1]);
            c10 = b0.fma(a, c10);
            c11 = b1.fma(a, c11);
            a = FloatVector.broadcast(S, p[pa + kw + 2]);
            c20 = b0.fma(a, c20);
            c21 = b1.fma(a, c21);
            a = FloatVector.broadcast(S, p[pa + kw + 3]);
            c30 = b0.fma(a, c30);
            c31 = b1.fma(a, c31);
        }
        c00.intoArray(ft, fo);
        c01.intoArray(ft, fo + W);
        c10.intoArray(ft, fo + nr);
        c11.intoArray(ft, fo + nr + W);
        c20.intoArray(ft, fo + 2 * nr);
        c21.intoArray(ft, fo + 2 * nr + W);
        c30.intoArray(ft, fo + 3 * nr);
        c31.intoArray(ft, fo + 3 * nr + W);
    }

    /** {@link #kernel4x4} over one column strip. */
    static void kernel4x1(final float[] p, final int pa, final int pb, final int k0, final int k1,
                          final float[] ft, final int fo, final int nr) {
        FloatVector c0 = FloatVector.fromArray(S, ft, fo);
        FloatVector c1 = FloatVector.fromArray(S, ft, fo + nr);
        FloatVector c2 = FloatVector.fromArray(S, ft, fo + 2 * nr);
        FloatVector c3 = FloatVector.fromArray(S, ft, fo + 3 * nr);
        for (int k = k0; k < k1; k++) {
            final int kw = k * W;
            final FloatVector b = FloatVector.fromArray(S, p, pb + kw);
            c0 = b.fma(FloatVector.broadcast(S, p[pa + kw]), c0);
            c1 = b.fma(FloatVector.broadcast(S, p[pa + kw + 1]), c1);
            c2 = b.fma(FloatVector.broadcast(S, p[pa + kw + 2]), c2);
            c3 = b.fma(FloatVector.broadcast(S, p[pa + kw + 3]), c3);
        }
        c0.intoArray(ft, fo);
        c1.intoArray(ft, fo + nr);
        c2.intoArray(ft, fo + 2 * nr);
        c3.intoArray(ft, fo + 3 * nr);
    }

}
