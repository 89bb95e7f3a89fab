package io.canopy.control.kryo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import io.canopy.control.ControlTypes;

/** Every registered control type, checked once: no id or class may be claimed twice. */
public final class ControlTypeRegistry {
    /** Kryo reserves the ids below this for its own built-in types. */
    public static final int FIRST_ID = 100;

    /** One registration. */
    public record Entry(int id, Class<?> type, String module) {
    }

    private final List<Entry> entries;

    private ControlTypeRegistry(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** The registry assembled from every {@link ControlTypes} on the class path of {@code loader}. */
    public static ControlTypeRegistry load(ClassLoader loader) {
        List<ControlTypes> providers = new ArrayList<>();
        ServiceLoader.load(ControlTypes.class, loader).forEach(providers::add);
        return of(providers);
    }

    /** The registry of exactly these providers. */
    public static ControlTypeRegistry of(List<? extends ControlTypes> providers) {
        Map<Integer, Entry> byId = new HashMap<>();
        Map<Class<?>, Entry> byType = new HashMap<>();
        List<Entry> all = new ArrayList<>();
        for (ControlTypes provider : providers) {
            String module = provider.getClass().getName();
            provider.register((id, type) -> {
                if (id < FIRST_ID) {
                    throw new IllegalStateException(module + " registers " + type.getName() + " under id " + id
                        + ", below " + FIRST_ID + " where Kryo's own types live");
                }
                Entry entry = new Entry(id, type, module);
                Entry clash = byId.putIfAbsent(id, entry);
                if (clash != null) {
                    throw new IllegalStateException("control type id " + id + " is claimed by both "
                        + clash.type().getName() + " (" + clash.module() + ") and " + type.getName() + " (" + module + ")");
                }
                Entry twice = byType.putIfAbsent(type, entry);
                if (twice != null) {
                    throw new IllegalStateException(type.getName() + " is registered twice, as " + twice.id() + " and " + id);
                }
                all.add(entry);
            });
        }
        all.sort((a, b) -> Integer.compare(a.id(), b.id()));
        return new ControlTypeRegistry(all);
    }

    public List<Entry> entries() {
        return Collections.unmodifiableList(entries);
    }
}
