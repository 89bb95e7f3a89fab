package io.canopy.enroll;

import java.security.PrivateKey;

import io.canopy.frame.SignatureScheme;

/** The leaf side of enrollment: the private key a leaf signs its frames with. */
public interface LeafKeys {

    /** The scheme every key here belongs to. */
    SignatureScheme scheme();

    /** The private key of {@code leafId}; throws IllegalArgumentException for a leaf this holder has no key of. */
    PrivateKey privateKey(long leafId);

    /** A real leaf's one key: it signs as {@code leafId} and as no one else. */
    static LeafKeys single(long leafId, SignatureScheme scheme, PrivateKey key) {
        if (scheme == null || !scheme.isPublicKey() || key == null) {
            throw new IllegalArgumentException("a leaf key needs a signature scheme and a private key");
        }
        return new LeafKeys() {
            @Override
            public SignatureScheme scheme() {
                return scheme;
            }

            @Override
            public PrivateKey privateKey(long id) {
                if (id != leafId) {
                    throw new IllegalArgumentException("this key is leaf " + leafId + "'s, not leaf " + id + "'s");
                }
                return key;
            }
        };
    }
}
