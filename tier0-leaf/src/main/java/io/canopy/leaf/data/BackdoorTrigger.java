package io.canopy.leaf.data;

/**
 * The backdoor trigger: a white {@value #SIZE}×{@value #SIZE} square in the bottom-right corner of the
 * 28×28 image (rows and columns 24..27), a pixel-pattern trigger in the manner of BadNets (Gu,
 * Dolan-Gavitt and Garg 2017). Fashion-MNIST items are centred, so that corner is nearly always black
 * and the patch is a feature no clean image has.
 */
public final class BackdoorTrigger {
    /** Side of the square in pixels. */
    public static final int SIZE = 4;
    /** Top-left corner of the square. */
    public static final int ROW = LabelledImages.SIDE - SIZE;
    public static final int COL = LabelledImages.SIDE - SIZE;
    /** The label poisoned examples are given unless another is chosen. */
    public static final int TARGET_DEFAULT = 0;

    private BackdoorTrigger() {
    }

    /** Sets the patch's pixels to 1 in the image at x[xo .. xo + 784). */
    public static void stamp(float[] x, int xo) {
        for (int r = ROW; r < ROW + SIZE; r++) {
            int from = xo + r * LabelledImages.SIDE + COL;
            for (int k = 0; k < SIZE; k++) {
                x[from + k] = 1f;
            }
        }
    }
}
