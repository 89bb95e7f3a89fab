package io.canopy.control;

/**
 * Marks a control-plane message: a small record that Pekko hands to {@link ControlSerializer}
 * whenever it crosses a JVM (or when {@code pekko.actor.serialize-messages} is on). Tensors never
 * implement this; they travel as frames on the data plane.
 */
public interface ControlMessage {
}
