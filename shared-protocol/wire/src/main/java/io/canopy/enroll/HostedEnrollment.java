package io.canopy.enroll;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReferenceArray;

import io.canopy.frame.SignatureScheme;
import io.canopy.io.FileFormatException;
import io.canopy.topology.FleetLayout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The enrollment registry of a fleet node, whose clusters move between members: it holds the shard of each cluster
 * this node has hosted, loaded when the node starts hosting the cluster ({@link #host}), not the whole registry.
 *
 * <p>{@link #open} checks at start that the directory has a readable, undamaged shard for every cluster of the
 * layout (any cluster may come here after a failover), reading them one at a time and keeping none, so a node with a
 * missing or damaged shard never starts. A shard that cannot be loaded later (deleted or damaged since) is logged as
 * an error naming the file, and that cluster's leaf frames are refused as {@code NOT_ENROLLED}: never accepted
 * unverified.
 *
 * <p>A shard once loaded is kept while the process lives (at most the whole registry), so a cluster that moves away
 * and back is not read again. Thread-safe: {@link #host} runs on the cluster actors' threads, lookups on the ingest
 * thread; a shard is published through an {@link AtomicReferenceArray} before its cluster's actor is bound.
 */
public final class HostedEnrollment implements LeafKeyDirectory {
    private static final Logger LOG = LoggerFactory.getLogger(HostedEnrollment.class);
    /** A cluster hosted here whose shard could not be loaded: its frames are refused. */
    private static final Object FAILED = new Object();

    private final Path directory;
    /** Per cluster: null (never hosted here), its {@link EnrollmentShard}, or {@link #FAILED}. */
    private final AtomicReferenceArray<Object> shards;

    private HostedEnrollment(Path directory, int clusters) {
        this.directory = directory;
        this.shards = new AtomicReferenceArray<>(clusters);
    }

    /**
     * The registry in {@code directory} for {@code layout}'s clusters, every shard checked now.
     *
     * @throws FileFormatException  naming the first shard that is missing or damaged
     * @throws NoSuchFileException  when {@code directory} is not a directory
     */
    public static HostedEnrollment open(Path directory, FleetLayout layout) throws IOException {
        if (!Files.isDirectory(directory)) {
            throw new NoSuchFileException(directory.toString(), null, "no enrollment registry directory here");
        }
        for (int cluster = 0; cluster < layout.clusters(); cluster++) {
            read(directory, cluster);
        }
        return new HostedEnrollment(directory, layout.clusters());
    }

    private static EnrollmentShard read(Path directory, int cluster) throws IOException {
        Path file = EnrollmentFile.of(directory, cluster);
        if (!Files.exists(file)) {
            throw new FileFormatException(file, "missing: the registry has no shard for cluster " + cluster
                + ", so none of its leaves could send");
        }
        return EnrollmentFile.read(file, cluster);
    }

    /**
     * This node starts hosting {@code cluster}: loads its shard unless it has been loaded before. Call it before the
     * cluster's frames can be counted here (before its actor is bound).
     *
     * @return whether the shard is loaded; false after an error line in the log, and the cluster's frames are refused
     */
    public boolean host(int cluster) {
        if (shards.get(cluster) instanceof EnrollmentShard) {
            return true;
        }
        try {
            EnrollmentShard shard = read(directory, cluster);
            shards.set(cluster, shard);
            LOG.info("enrollment: cluster {} hosted here: {} leaves enrolled ({})", cluster, shard.size(),
                EnrollmentFile.of(directory, cluster));
            return true;
        } catch (IOException | RuntimeException e) {
            shards.set(cluster, FAILED);
            LOG.error("enrollment: cluster {} hosted here has no usable shard, so every leaf frame for it is refused as"
                + " NOT_ENROLLED: {}", cluster, e.getMessage());
            return false;
        }
    }

    /**
     * Whether frames for {@code cluster} are verified on this node: it hosts the cluster (loaded or failed), or the
     * id is no cluster of the layout. A frame for a cluster never hosted here is not counted here either: the
     * ingest passes it, bytes unchanged, to the node that hosts it, which verifies it.
     */
    public boolean verifiesHere(int cluster) {
        return cluster < 0 || cluster >= shards.length() || shards.get(cluster) != null;
    }

    @Override
    public SignatureScheme lookup(int cluster, long leafId, byte[] dst) {
        if (cluster < 0 || cluster >= shards.length()) {
            return null;
        }
        return shards.get(cluster) instanceof EnrollmentShard shard && shard.find(leafId, dst) ? shard.scheme() : null;
    }

    @Override
    public String describe() {
        return "enrollment registry " + directory + " (" + shards.length() + " cluster shards, each loaded when this"
            + " node starts hosting its cluster)";
    }
}
