package io.canopy.leaf.data;

/**
 * A set of labelled images held flat: image i occupies {@code pixels[i·PIXELS .. (i+1)·PIXELS)}, row-major
 * 28×28 floats in [0, 1], with label {@code labels[i]} in [0, {@link #CLASSES}). Immutable by contract (the
 * arrays are shared, never copied, so that every trainer thread reads the same 188 MB training set).
 */
public record LabelledImages(float[] pixels, byte[] labels) {
    /** Image side in pixels. */
    public static final int SIDE = 28;
    /** Pixels per image, the models' input width. */
    public static final int PIXELS = SIDE * SIDE;
    /** Number of classes. */
    public static final int CLASSES = 10;

    public LabelledImages {
        if (pixels.length != (long) labels.length * PIXELS) {
            throw new IllegalArgumentException("pixels.length=" + pixels.length + " must be labels.length="
                + labels.length + " times " + PIXELS);
        }
    }

    /** Number of images. */
    public int count() {
        return labels.length;
    }

    /** The label of image i, in [0, CLASSES). */
    public int label(int i) {
        return labels[i];
    }
}
