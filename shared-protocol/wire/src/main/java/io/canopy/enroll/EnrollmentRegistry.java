package io.canopy.enroll;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

import io.canopy.frame.SignatureScheme;
import io.canopy.io.FileFormatException;
import org.agrona.collections.Int2ObjectHashMap;

/**
 * The fleet's enrollment registry, sharded by cluster: a directory of {@link EnrollmentFile}s, one per cluster,
 * of which a node loads the shards of the clusters it aggregates. It holds public keys only; a leaf's private
 * key never leaves the leaf. Immutable once loaded, so any thread may look keys up.
 */
public final class EnrollmentRegistry implements LeafKeyDirectory {
    private final Int2ObjectHashMap<EnrollmentShard> shards = new Int2ObjectHashMap<>();
    private final String source;
    private long leaves;

    private EnrollmentRegistry(Collection<EnrollmentShard> loaded, String source) {
        for (EnrollmentShard shard : loaded) {
            if (shards.put(shard.cluster(), shard) != null) {
                throw new IllegalArgumentException("cluster " + shard.cluster() + " has two shards");
            }
            leaves += shard.size();
        }
        this.source = source;
    }

    /** A registry of shards held in memory (built by a tool, or derived for a load test). */
    public static EnrollmentRegistry of(List<EnrollmentShard> shards) {
        return new EnrollmentRegistry(shards, "an in-memory registry of " + shards.size() + " shards");
    }

    /**
     * Loads the shards of {@code clusters} from {@code directory}: all of them, or an error naming the first
     * file that is missing or damaged.
     */
    public static EnrollmentRegistry load(Path directory, int[] clusters) throws IOException {
        if (!Files.isDirectory(directory)) {
            throw new NoSuchFileException(directory.toString(), null, "no enrollment registry directory here");
        }
        List<EnrollmentShard> loaded = new java.util.ArrayList<>(clusters.length);
        for (int cluster : clusters) {
            Path file = EnrollmentFile.of(directory, cluster);
            if (!Files.exists(file)) {
                throw new FileFormatException(file, "missing: the registry has no shard for cluster " + cluster
                    + ", so none of its leaves could send");
            }
            loaded.add(EnrollmentFile.read(file, cluster));
        }
        return new EnrollmentRegistry(loaded, directory.toString());
    }

    /** Writes every shard to {@code directory} (created if absent), one file per cluster. */
    public static void write(Path directory, Collection<EnrollmentShard> shards) throws IOException {
        Files.createDirectories(directory);
        for (EnrollmentShard shard : shards) {
            EnrollmentFile.write(EnrollmentFile.of(directory, shard.cluster()), shard);
        }
    }

    @Override
    public SignatureScheme lookup(int cluster, long leafId, byte[] dst) {
        EnrollmentShard shard = shards.get(cluster);
        return shard != null && shard.find(leafId, dst) ? shard.scheme() : null;
    }

    /** The shard of {@code cluster}, or null when none was loaded. */
    public EnrollmentShard shard(int cluster) {
        return shards.get(cluster);
    }

    /** Leaves enrolled across the loaded shards. */
    public long leaves() {
        return leaves;
    }

    @Override
    public String describe() {
        return "enrollment registry " + source + " (" + shards.size() + " cluster shards, " + leaves + " leaves)";
    }
}
