package io.canopy.enroll;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.canopy.frame.SignatureScheme;
import io.canopy.io.FileFormatException;
import io.canopy.topology.FleetLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnrollmentFileTest {
    private final FleetLayout layout = new FleetLayout(60, 20, 3, 11L);
    private final DerivedKeys keys = new DerivedKeys(3L, SignatureScheme.ED25519, layout);

    @TempDir
    Path dir;

    private List<EnrollmentShard> shards() {
        List<EnrollmentShard> all = new ArrayList<>();
        for (int c = 0; c < layout.clusters(); c++) {
            all.add(keys.shard(c));
        }
        return all;
    }

    @Test
    void a_registry_written_and_loaded_back_gives_every_leaf_its_key_in_its_cluster_only() throws IOException {
        List<EnrollmentShard> written = shards();
        EnrollmentRegistry.write(dir, written);
        EnrollmentRegistry loaded = EnrollmentRegistry.load(dir, new int[] {0, 1, 2});
        assertEquals(60, loaded.leaves());
        byte[] raw = new byte[SignatureScheme.MAX_PUBLIC_KEY_LENGTH];
        for (long leaf = 0; leaf < 60; leaf++) {
            int cluster = layout.clusterOf(leaf);
            assertEquals(SignatureScheme.ED25519, loaded.lookup(cluster, leaf, raw));
            assertArrayEquals(keys.publicKey(leaf), java.util.Arrays.copyOf(raw, 32));
            assertNull(loaded.lookup((cluster + 1) % 3, leaf, raw));
        }
        for (int c = 0; c < 3; c++) {
            assertEquals(written.get(c), loaded.shard(c));
        }
        assertNull(loaded.lookup(0, 60, raw), "a leaf outside the fleet");
    }

    @Test
    void a_node_loads_only_the_shards_of_the_clusters_it_serves() throws IOException {
        EnrollmentRegistry.write(dir, shards());
        EnrollmentRegistry one = EnrollmentRegistry.load(dir, new int[] {1});
        assertEquals(20, one.leaves());
        assertNull(one.shard(0));
    }

    private FileFormatException damaged(int cluster) {
        return assertThrows(FileFormatException.class,
            () -> EnrollmentFile.read(EnrollmentFile.of(dir, cluster), cluster));
    }

    private void assertOneLineNamingTheFile(FileFormatException e, int cluster, String problem) {
        String message = e.getMessage();
        assertTrue(message.startsWith(EnrollmentFile.of(dir, cluster).toString() + ": "), message);
        assertTrue(message.contains(problem), message);
        assertFalse(message.contains("\n"), message);
    }

    @Test
    void a_flipped_byte_a_cut_tail_a_foreign_file_or_another_clusters_shard_is_refused_with_a_one_line_message()
        throws IOException {
        EnrollmentRegistry.write(dir, shards());
        Path file = EnrollmentFile.of(dir, 0);
        byte[] good = Files.readAllBytes(file);

        byte[] flipped = good.clone();
        flipped[EnrollmentFile.HEADER + 8 + 3] ^= 0x10; // inside the first key
        Files.write(file, flipped);
        assertOneLineNamingTheFile(damaged(0), 0, "checksum mismatch");

        Files.write(file, java.util.Arrays.copyOf(good, good.length - 7));
        assertOneLineNamingTheFile(damaged(0), 0, "(truncated)");

        byte[] huge = good.clone();
        huge[16] = (byte) 0xFF;
        huge[17] = (byte) 0xFF;
        huge[18] = (byte) 0xFF;
        huge[19] = (byte) 0x7F; // 2^31 − 1 entries claimed: refused by length, nothing allocated for them
        Files.write(file, huge);
        assertOneLineNamingTheFile(damaged(0), 0, "entries, which take");

        Files.writeString(file, "leaf,key\n1,abcdefabcdefabcdefabcdef\n");
        assertOneLineNamingTheFile(damaged(0), 0, "is not an enrollment shard");

        Files.write(file, good);
        Files.copy(EnrollmentFile.of(dir, 1), file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertOneLineNamingTheFile(damaged(0), 0, "holds cluster 1's keys, not cluster 0's");

        Files.write(file, new byte[10]);
        assertOneLineNamingTheFile(damaged(0), 0, "shorter than");
    }

    @Test
    void a_missing_shard_names_the_file_and_the_cluster() throws IOException {
        EnrollmentRegistry.write(dir, shards());
        Files.delete(EnrollmentFile.of(dir, 2));
        FileFormatException e = assertThrows(FileFormatException.class, () -> EnrollmentRegistry.load(dir, new int[] {0, 2}));
        assertOneLineNamingTheFile(e, 2, "no shard for cluster 2");
    }

    @Test
    void a_shard_that_lists_a_leaf_twice_is_refused() {
        EnrollmentShard.Builder b = EnrollmentShard.builder(0, SignatureScheme.ED25519);
        b.add(4, new byte[32]).add(4, new byte[32]);
        assertThrows(IllegalArgumentException.class, b::build);
    }
}
