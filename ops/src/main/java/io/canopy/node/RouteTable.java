package io.canopy.node;

import java.util.Map;
import java.util.concurrent.atomic.AtomicReferenceArray;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.LWWMapKey;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;

/**
 * The fleet's data-plane routing table: which node's UDP endpoint hosts each cluster, each continent and the
 * global coordinator right now. An aggregator that starts on a node announces itself here; the table is a
 * last-writer-wins map replicated by Pekko Distributed Data, so a moved aggregator's new home wins once its
 * announcement has spread. Reads ({@link #clusterEndpoint} etc.) are lock-free snapshots for the data
 * plane's threads; writes go through the actor.
 */
public final class RouteTable {

    /** Announce that this node hosts {@code key} ({@code c17}, {@code k3} or {@code g}). */
    public record Host(String key) implements Command {
    }

    /** What the table's actor accepts. */
    public sealed interface Command permits Host, Changed, Updated {
    }

    private record Changed(Replicator.SubscribeResponse<LWWMap<String, String>> response) implements Command {
    }

    private record Updated(Replicator.UpdateResponse<LWWMap<String, String>> response) implements Command {
    }

    private static final Key<LWWMap<String, String>> KEY = LWWMapKey.create("canopy-routes");

    private final AtomicReferenceArray<String> clusters;
    private final AtomicReferenceArray<String> continents;
    private volatile String global;
    private final String selfEndpoint;

    public RouteTable(int clusterCount, int continentCount, String selfEndpoint) {
        this.clusters = new AtomicReferenceArray<>(clusterCount);
        this.continents = new AtomicReferenceArray<>(continentCount);
        this.selfEndpoint = selfEndpoint;
    }

    public static String clusterKey(int cluster) {
        return "c" + cluster;
    }

    public static String continentKey(int continent) {
        return "k" + continent;
    }

    public static final String GLOBAL_KEY = "g";

    /** The endpoint hosting {@code cluster} now, or null. */
    public String clusterEndpoint(int cluster) {
        return cluster >= 0 && cluster < clusters.length() ? clusters.get(cluster) : null;
    }

    /** The endpoint hosting {@code continent} now, or null. */
    public String continentEndpoint(int continent) {
        return continent >= 0 && continent < continents.length() ? continents.get(continent) : null;
    }

    /** The endpoint hosting the global coordinator now, or null. */
    public String globalEndpoint() {
        return global;
    }

    /** This node's own endpoint. */
    public String selfEndpoint() {
        return selfEndpoint;
    }

    /** The actor that keeps this table in step with the fleet (one per member that routes or hosts). */
    public Behavior<Command> behavior() {
        return Behaviors.setup(context -> DistributedData.withReplicatorMessageAdapter(
            (org.apache.pekko.cluster.ddata.typed.javadsl.ReplicatorMessageAdapter<Command, LWWMap<String, String>> replicator) -> {
                SelfUniqueAddress self = DistributedData.get(context.getSystem()).selfUniqueAddress();
                replicator.subscribe(KEY, Changed::new);
                return Behaviors.receive(Command.class)
                    .onMessage(Host.class, host -> {
                        put(host.key(), selfEndpoint); // our own view at once; the fleet's once replicated
                        replicator.askUpdate(replyTo -> new Replicator.Update<>(KEY, LWWMap.create(),
                                new Replicator.WriteAll(java.time.Duration.ofSeconds(3)), replyTo,
                                map -> map.put(self, host.key(), selfEndpoint)),
                            Updated::new);
                        return Behaviors.same();
                    })
                    .onMessage(Changed.class, changed -> {
                        if (changed.response() instanceof Replicator.Changed<LWWMap<String, String>> c) {
                            for (Map.Entry<String, String> e : c.get(KEY).getEntries().entrySet()) {
                                put(e.getKey(), e.getValue());
                            }
                        }
                        return Behaviors.same();
                    })
                    .onMessage(Updated.class, updated -> {
                        if (updated.response() instanceof Replicator.UpdateTimeout) {
                            // Stored here; a member that did not answer in time gets it by gossip.
                            context.getLog().debug("routes: not every member acknowledged an announcement in time");
                        } else if (!(updated.response() instanceof Replicator.UpdateSuccess)) {
                            context.getLog().warn("routes: an announcement failed: {}", updated.response());
                        }
                        return Behaviors.same();
                    })
                    .build();
            }));
    }

    private void put(String key, String endpoint) {
        if (key.equals(GLOBAL_KEY)) {
            global = endpoint;
        } else if (key.startsWith("c")) {
            int id = Integer.parseInt(key.substring(1));
            if (id < clusters.length()) {
                clusters.set(id, endpoint);
            }
        } else if (key.startsWith("k")) {
            int id = Integer.parseInt(key.substring(1));
            if (id < continents.length()) {
                continents.set(id, endpoint);
            }
        }
    }

    /** For the actor's spawner. */
    static ActorRef<Command> narrow(ActorRef<? super Host> ref) {
        @SuppressWarnings("unchecked")
        ActorRef<Command> r = (ActorRef<Command>) ref;
        return r;
    }
}
