package io.canopy.ops.matrix;

/** A row-major rows×cols float matrix as read from or written to a file. */
public record Matrix(float[] data, int rows, int cols) {
}
