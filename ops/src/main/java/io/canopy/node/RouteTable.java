package io.canopy.node;

import java.security.cert.CertificateException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

import io.canopy.enroll.LinkOwners;
import io.canopy.node.tls.MemberLinkCertificates;
import io.canopy.round.Streams;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.LWWMapKey;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.slf4j.Logger;

/**
 * The fleet's data-plane routing table: which node's UDP endpoint hosts each cluster, each continent and the
 * global coordinator right now. An aggregator that starts on a node announces itself here; the table is a
 * last-writer-wins map replicated by Pekko Distributed Data, so a moved aggregator's new home wins once its
 * announcement has spread. Reads ({@link #clusterEndpoint} etc.) are lock-free snapshots for the data
 * plane's threads; writes go through the actor.
 *
 * <p>With member link keys ({@link MemberLinkCertificates}), each member also announces its link certificate under
 * {@code m<endpoint>}; a certificate the fleet CA signed becomes that endpoint's key, and {@link #owners()} answers
 * "whose key must cluster c's (or continent k's) aggregate verify under" from the same table (docs/security.md).
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
    /** Null when aggregates are not signed by members. */
    private final MemberLinkCertificates links;
    /** Each announcing endpoint's certificate as announced, and its key once checked against the fleet CA. */
    private final Map<String, String> announced = new ConcurrentHashMap<>();
    private final Map<String, byte[]> linkKeys = new ConcurrentHashMap<>();

    public RouteTable(int clusterCount, int continentCount, String selfEndpoint) {
        this(clusterCount, continentCount, selfEndpoint, null);
    }

    /** @param links this member's link key and the fleet CA, or null when aggregates are not signed by members */
    public RouteTable(int clusterCount, int continentCount, String selfEndpoint, MemberLinkCertificates links) {
        this.clusters = new AtomicReferenceArray<>(clusterCount);
        this.continents = new AtomicReferenceArray<>(continentCount);
        this.selfEndpoint = selfEndpoint;
        this.links = links;
    }

    public static String clusterKey(int cluster) {
        return "c" + cluster;
    }

    public static String continentKey(int continent) {
        return "k" + continent;
    }

    public static final String GLOBAL_KEY = "g";
    /** The prefix of a member's link certificate announcement: {@code m<endpoint>}. */
    static final String LINK_CERTIFICATE_PREFIX = "m";

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

    /**
     * The owners' keys for {@link io.canopy.enroll.MemberLinkSignatures}: the checked link key of the endpoint that
     * hosts a cluster (aggregates on the cluster → continent stream) or a continent (continent → global), or null.
     */
    public LinkOwners owners() {
        return (stream, sender) -> {
            if (sender < 0 || sender > Integer.MAX_VALUE) {
                return null;
            }
            String endpoint = switch (stream) {
                case Streams.CLUSTER_TO_CONTINENT -> clusterEndpoint((int) sender);
                case Streams.CONTINENT_TO_GLOBAL -> continentEndpoint((int) sender);
                default -> null;
            };
            return endpoint == null ? null : linkKeys.get(endpoint);
        };
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
                if (links != null) {
                    String key = LINK_CERTIFICATE_PREFIX + selfEndpoint;
                    put(key, links.ownCertificateText(), context.getLog());
                    replicator.askUpdate(replyTo -> new Replicator.Update<>(KEY, LWWMap.create(),
                        new Replicator.WriteAll(java.time.Duration.ofSeconds(3)), replyTo,
                        map -> map.put(self, key, links.ownCertificateText())), Updated::new);
                }
                return Behaviors.receive(Command.class)
                    .onMessage(Host.class, host -> {
                        put(host.key(), selfEndpoint, context.getLog()); // our own view at once; the fleet's once replicated
                        replicator.askUpdate(replyTo -> new Replicator.Update<>(KEY, LWWMap.create(),
                                new Replicator.WriteAll(java.time.Duration.ofSeconds(3)), replyTo,
                                map -> map.put(self, host.key(), selfEndpoint)),
                            Updated::new);
                        return Behaviors.same();
                    })
                    .onMessage(Changed.class, changed -> {
                        if (changed.response() instanceof Replicator.Changed<LWWMap<String, String>> c) {
                            for (Map.Entry<String, String> e : c.get(KEY).getEntries().entrySet()) {
                                put(e.getKey(), e.getValue(), context.getLog());
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

    private void put(String key, String endpoint, Logger log) {
        if (key.startsWith(LINK_CERTIFICATE_PREFIX)) {
            certificate(key.substring(LINK_CERTIFICATE_PREFIX.length()), endpoint, log);
        } else if (key.equals(GLOBAL_KEY)) {
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

    /**
     * Takes {@code endpoint}'s announced link certificate: its key once the fleet CA's signature checks, checked once
     * per distinct announcement; a refused one leaves the endpoint without a key (its aggregates are then refused as
     * UNKNOWN_OWNER), said once in the log.
     */
    private void certificate(String endpoint, String text, Logger log) {
        if (links == null || text.equals(announced.get(endpoint))) {
            return;
        }
        announced.put(endpoint, text);
        try {
            linkKeys.put(endpoint, links.checkedKey(text));
        } catch (CertificateException e) {
            linkKeys.remove(endpoint);
            log.warn("routes: the link certificate announced for {} is refused: {}; aggregates from the groups it hosts"
                + " will be refused as UNKNOWN_OWNER", endpoint, e.getMessage());
        }
    }
}
