package io.canopy.control.kryo;

import com.esotericsoftware.kryo.io.Input;

/**
 * A Kryo {@link Input} over one whole message that refuses, before allocating, any array or string whose declared
 * length needs more bytes than the message has left. Kryo reads a length and allocates {@code new T[length]} before
 * it reads a single element, so six bytes declaring 800 million floats once made a member allocate 3.2 GB; here
 * every bulk read first checks count × (fewest bytes one element can take) ≤ bytes remaining, so no allocation is
 * larger than about 8× the message (a long per one-byte varint), and the message itself is capped by the caller.
 *
 * <p>Only for inputs backed by the whole message ({@link #BoundedInput(byte[])}); not thread-safe, like Input.
 */
final class BoundedInput extends Input {

    BoundedInput(final byte[] message) {
        super(message);
    }

    /**
     * @throws ControlFormatException when {@code count} elements of at least {@code minBytes} each cannot fit in
     *                                what remains of {@code in}
     */
    static void requireCount(final Input in, final long count, final int minBytes, final String what) {
        final long remaining = in.limit() - in.position();
        if (count < 0 || count * minBytes > remaining) {
            throw new ControlFormatException("a control message declares " + what + " of " + count
                + " elements, which needs at least " + count * minBytes + " bytes, but only " + remaining
                + " bytes remain; refused before allocating");
        }
    }

    @Override
    public byte[] readBytes(final int length) {
        requireCount(this, length, 1, "a byte array");
        return super.readBytes(length);
    }

    @Override
    public int[] readInts(final int length) {
        requireCount(this, length, 4, "an int array");
        return super.readInts(length);
    }

    @Override
    public int[] readInts(final int length, final boolean optimizePositive) {
        requireCount(this, length, varEncoding ? 1 : 4, "an int array");
        return super.readInts(length, optimizePositive);
    }

    @Override
    public long[] readLongs(final int length) {
        requireCount(this, length, 8, "a long array");
        return super.readLongs(length);
    }

    @Override
    public long[] readLongs(final int length, final boolean optimizePositive) {
        requireCount(this, length, varEncoding ? 1 : 8, "a long array");
        return super.readLongs(length, optimizePositive);
    }

    @Override
    public float[] readFloats(final int length) {
        requireCount(this, length, 4, "a float array");
        return super.readFloats(length);
    }

    @Override
    public double[] readDoubles(final int length) {
        requireCount(this, length, 8, "a double array");
        return super.readDoubles(length);
    }

    @Override
    public short[] readShorts(final int length) {
        requireCount(this, length, 2, "a short array");
        return super.readShorts(length);
    }

    @Override
    public char[] readChars(final int length) {
        requireCount(this, length, 2, "a char array");
        return super.readChars(length);
    }

    @Override
    public boolean[] readBooleans(final int length) {
        requireCount(this, length, 1, "a boolean array");
        return super.readBooleans(length);
    }

    @Override
    public String readString() {
        checkUtf8Length();
        return super.readString();
    }

    @Override
    public StringBuilder readStringBuilder() {
        checkUtf8Length();
        return super.readStringBuilder();
    }

    /**
     * Kryo writes a non-ASCII string as a flagged varint (chars + 1) and allocates that many chars before reading;
     * every char takes at least one byte. ASCII strings carry no length and grow with the bytes read, so they need
     * no check.
     */
    private void checkUtf8Length() {
        if (position < limit && (buffer[position] & 0x80) != 0) {
            final int at = position;
            final int charsPlusOne = readVarIntFlag(true);
            try {
                if (charsPlusOne < 0 || charsPlusOne > 1) {
                    requireCount(this, charsPlusOne - 1L, 1, "a string");
                }
            } finally {
                position = at;
            }
        }
    }
}
