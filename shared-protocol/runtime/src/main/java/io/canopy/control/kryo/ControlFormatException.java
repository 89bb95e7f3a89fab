package io.canopy.control.kryo;

/**
 * A control message (or a client body of them) that cannot be read: the one exception a receiver gets from
 * {@link ControlSerializer#fromBinaryJava} and {@link ControlCodec#decodeAll}, whatever went wrong inside Kryo or a
 * record's validation. Pekko logs it and drops the message; the message says what was wrong. An
 * {@link IllegalArgumentException}, as Pekko's serializers throw for a body they cannot read.
 */
public final class ControlFormatException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public ControlFormatException(final String message) {
        super(message);
    }

    public ControlFormatException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
