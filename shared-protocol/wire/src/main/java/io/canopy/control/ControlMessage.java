package io.canopy.control;

/**
 * Marks a control-plane message: a small record that Pekko hands to {@code io.canopy.control.kryo.ControlSerializer}
 * (the runtime module) whenever it crosses a JVM (or when {@code pekko.actor.serialize-messages} is on). Tensors
 * never implement this; they travel as frames on the data plane. It lives here, with no Pekko or Kryo in sight, so
 * that the round's value types can be control messages without the wire module depending on an actor system.
 */
public interface ControlMessage {
}
