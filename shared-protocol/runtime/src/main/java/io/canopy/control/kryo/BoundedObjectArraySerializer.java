package io.canopy.control.kryo;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.serializers.DefaultArraySerializers.ObjectArraySerializer;

/**
 * Kryo's object-array serializer (same wire format) that refuses a declared length the message cannot hold before
 * it allocates the array: each element takes at least one byte (its null-or-class marker). See {@link BoundedInput}.
 */
final class BoundedObjectArraySerializer extends ObjectArraySerializer {

    BoundedObjectArraySerializer(final Kryo kryo, final Class<?> type) {
        super(kryo, type);
    }

    @Override
    public Object[] read(final Kryo kryo, final Input input, final Class type) {
        final int at = input.position();
        final int lengthPlusOne = input.readVarInt(true);
        if (lengthPlusOne < 0 || lengthPlusOne > 1) {
            BoundedInput.requireCount(input, lengthPlusOne - 1L, 1,
                "an array of " + type.getComponentType().getSimpleName());
        }
        input.setPosition(at);
        return super.read(kryo, input, type);
    }
}
