package io.canopy.control;

/**
 * A module's contribution to the control plane's type registry, found with {@link java.util.ServiceLoader}.
 *
 * <p>Every class that can appear inside a control message is registered under a fixed id, so the
 * bytes on the wire do not depend on class-path order and an unregistered class fails loudly at the
 * sender instead of silently falling back to a slow, unsafe encoding. Ids are allotted per module in
 * blocks of 100: shared-protocol 100–199, tier0-leaf 200–299, tier1-cluster 300–399,
 * tier2-continental 400–499, tier3-global 500–599, ops 600–699, tests 900–999.
 */
public interface ControlTypes {

    void register(Registrar registrar);

    /** Collects (id, class) pairs. */
    interface Registrar {
        void register(int id, Class<?> type);
    }
}
