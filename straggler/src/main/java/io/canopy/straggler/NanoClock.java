package io.canopy.straggler;

/**
 * The time source deadlines are measured against. Production passes {@link #SYSTEM}; tests pass a
 * {@link ManualNanoClock} so that deadlines are reached by advancing time, never by sleeping.
 */
@FunctionalInterface
public interface NanoClock {
    NanoClock SYSTEM = System::nanoTime;

    long nanoTime();
}
