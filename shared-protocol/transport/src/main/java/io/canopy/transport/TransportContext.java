package io.canopy.transport;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

import io.aeron.ChannelUri;
import io.aeron.CommonContext;
import io.aeron.driver.ThreadingMode;
import io.aeron.logbuffer.FrameDescriptor;
import io.canopy.enroll.LinkAuthentication;
import io.canopy.straggler.NanoClock;
import org.agrona.BitUtil;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

/**
 * Configuration of one data-plane endpoint, in the style of Aeron's own {@code Context}s: fluent
 * setters, defaults as named constants with their unit, and one {@link #conclude()} that checks
 * everything, derives the rest and fails with {@code name=value} in the message.
 *
 * <p>The term length is derived from the largest frame the round plan allows: Aeron's largest
 * message is a term length / 8 (and never above 16 MiB), so a 4 MB fp32 frame at d = 1e6 needs a
 * 32 MiB term. Each publication maps three terms.
 */
public final class TransportContext {

    /** Where the media driver runs. */
    public enum DriverMode {
        /** In this JVM, started and stopped with the transport (the default). */
        EMBEDDED,
        /** A separately run driver, found through {@link #aeronDirectoryName}. */
        EXTERNAL
    }

    public static final String IPC_CHANNEL = "aeron:ipc";
    public static final int STREAM_ID_DEFAULT = 1001;
    /**
     * UDP MTU (Aeron's largest datagram: its 32-byte header plus payload) to an endpoint on another host: 8192. It fits
     * one IP packet on a jumbo-frame LAN (path MTU 9000, as datacenter and cloud VPC networks give; 8192 + 28 bytes of
     * IP and UDP headers), and 0.5–1.0 GB/s on loopback against 0.2–0.35 at Aeron's 1408 (docs/data-plane.md). On a
     * 1500-byte path the kernel splits each datagram into 6 IP fragments: one lost fragment loses the whole datagram
     * (Aeron NAKs and resends it) and some firewalls and cloud gateways drop fragments, so set {@code mtu=1408} in the
     * channel there. Ignored for IPC.
     */
    public static final int UDP_MTU_DEFAULT_BYTES = 8192;
    /**
     * UDP MTU to a loopback endpoint (localhost, 127.0.0.0/8, ::1): 65504, Aeron's largest. The loopback interface's
     * MTU is 65536, so nothing is fragmented, and one datagram (one system call each way) carries 8× the bytes of
     * 8192: 1.8–2.5 GB/s against 0.5–1.0 (docs/data-plane.md).
     */
    public static final int UDP_MTU_LOOPBACK_BYTES = 65504;
    /** The largest MTU Aeron accepts: a 64 KiB UDP datagram less the IP and UDP headers, rounded down to 32. */
    public static final int UDP_MTU_MAX_BYTES = 65504;
    /** Socket buffers and receiver window for UDP: one window of frames in flight per receiver. */
    public static final int SOCKET_BUFFER_DEFAULT_BYTES = 2 * 1024 * 1024;
    public static final long OFFER_TIMEOUT_DEFAULT_NS = 5_000_000_000L;
    public static final long CONNECT_TIMEOUT_DEFAULT_NS = 10_000_000_000L;
    public static final long DRIVER_TIMEOUT_DEFAULT_MS = 10_000L;
    public static final int FRAGMENT_LIMIT_DEFAULT = 256;
    public static final int MIN_TERM_LENGTH_BYTES = 1024 * 1024;
    public static final int MAX_TERM_LENGTH_BYTES = 1024 * 1024 * 1024;

    private boolean concluded;
    private DriverMode driverMode = DriverMode.EMBEDDED;
    private String aeronDirectoryName;
    private String channel = IPC_CHANNEL;
    private int streamId = STREAM_ID_DEFAULT;
    private int maxFrameLength = -1;
    private int termLength;
    /** 0: each UDP channel's own {@code mtu}, else by its endpoint ({@link #mtuFor}). */
    private int mtuLength;
    private int socketBufferLength = SOCKET_BUFFER_DEFAULT_BYTES;
    private long offerTimeoutNs = OFFER_TIMEOUT_DEFAULT_NS;
    private long connectTimeoutNs = CONNECT_TIMEOUT_DEFAULT_NS;
    private long driverTimeoutMs = DRIVER_TIMEOUT_DEFAULT_MS;
    private int fragmentLimit = FRAGMENT_LIMIT_DEFAULT;
    private ThreadingMode threadingMode = ThreadingMode.SHARED;
    private Supplier<IdleStrategy> idleStrategy = () -> new BackoffIdleStrategy();
    private NanoClock nanoClock = NanoClock.SYSTEM;
    private LinkAuthentication links = LinkAuthentication.off();
    private String publicationChannel;
    private String subscriptionChannel;
    private int resolvedMtu;

    /**
     * Checks and derives; idempotent.
     *
     * @throws IllegalStateException naming the first bad setting as {@code name=value}
     */
    public TransportContext conclude() {
        if (concluded) {
            return this;
        }
        if (driverMode == null) {
            throw new IllegalStateException("driverMode=null: give EMBEDDED or EXTERNAL");
        }
        if (aeronDirectoryName == null) {
            if (driverMode == DriverMode.EXTERNAL) {
                aeronDirectoryName = CommonContext.getAeronDirectoryName();
            } else {
                aeronDirectoryName = defaultEmbeddedDirectory();
            }
        }
        if (maxFrameLength <= 0) {
            throw new IllegalStateException("maxFrameLength=" + maxFrameLength
                + ": set it from the round plan (FrameLimits.maxFrameLength())");
        }
        if (maxFrameLength > FrameDescriptor.MAX_MESSAGE_LENGTH) {
            throw new IllegalStateException("maxFrameLength=" + maxFrameLength + " exceeds Aeron's largest message ("
                + FrameDescriptor.MAX_MESSAGE_LENGTH + " bytes): use a compressing codec or a smaller dimension");
        }
        final ChannelUri uri;
        try {
            uri = ChannelUri.parse(channel);
        } catch (final RuntimeException e) {
            throw new IllegalStateException("channel=" + channel + " is not an Aeron channel URI: " + e.getMessage());
        }
        final boolean udp = "udp".equals(uri.media());
        if (!udp && !"ipc".equals(uri.media())) {
            throw new IllegalStateException("channel=" + channel + " must be aeron:ipc or aeron:udp?endpoint=HOST:PORT");
        }
        if (udp && uri.get(CommonContext.ENDPOINT_PARAM_NAME) == null) {
            throw new IllegalStateException("channel=" + channel + " needs endpoint=HOST:PORT");
        }
        final String termInChannel = uri.get(CommonContext.TERM_LENGTH_PARAM_NAME);
        if (termInChannel != null && termLength == 0) {
            try {
                termLength = Integer.parseInt(termInChannel);
            } catch (final NumberFormatException e) {
                throw new IllegalStateException("channel=" + channel + " has term-length=" + termInChannel
                    + ", not an integer");
            }
        }
        final int needed = BitUtil.findNextPositivePowerOfTwo(Math.max(MIN_TERM_LENGTH_BYTES, 8 * maxFrameLength));
        if (termLength == 0) {
            termLength = needed;
        } else if (termLength < needed) {
            throw new IllegalStateException("termLength=" + termLength + " cannot carry frames of maxFrameLength="
                + maxFrameLength + " (Aeron's largest message is termLength/8): use at least " + needed);
        } else if (!BitUtil.isPowerOfTwo(termLength) || termLength > MAX_TERM_LENGTH_BYTES) {
            throw new IllegalStateException("termLength=" + termLength + " must be a power of two up to "
                + MAX_TERM_LENGTH_BYTES);
        }
        if (streamId == 0) {
            throw new IllegalStateException("streamId=0 is reserved: use any other int");
        }
        if (mtuLength != 0 && !validMtu(mtuLength)) {
            throw new IllegalStateException("mtuLength=" + mtuLength + " must be a multiple of 32 in 64..65504 (0: by"
                + " endpoint)");
        }
        final int channelMtu = udp ? mtuFor(uri) : 0;
        if (socketBufferLength < 65536) {
            throw new IllegalStateException("socketBufferLength=" + socketBufferLength + " must be >= 65536");
        }
        requirePositive("offerTimeoutNs", offerTimeoutNs);
        requirePositive("connectTimeoutNs", connectTimeoutNs);
        requirePositive("driverTimeoutMs", driverTimeoutMs);
        requirePositive("fragmentLimit", fragmentLimit);
        if (threadingMode == null || idleStrategy == null || nanoClock == null) {
            throw new IllegalStateException("threadingMode, idleStrategy and nanoClock must not be null");
        }
        // Term length and MTU are the publication's to choose; a subscription takes them from it.
        final ChannelUri subscription = ChannelUri.parse(uri.toString());
        subscription.remove(CommonContext.TERM_LENGTH_PARAM_NAME);
        subscription.remove(CommonContext.MTU_LENGTH_PARAM_NAME);
        subscriptionChannel = subscription.toString();
        uri.put(CommonContext.TERM_LENGTH_PARAM_NAME, Integer.toString(termLength));
        if (udp) {
            uri.put(CommonContext.MTU_LENGTH_PARAM_NAME, Integer.toString(channelMtu));
        }
        publicationChannel = uri.toString();
        resolvedMtu = udp ? channelMtu : mtuLength == 0 ? UDP_MTU_DEFAULT_BYTES : mtuLength;
        concluded = true;
        return this;
    }

    /**
     * The MTU of a UDP publication on {@code uri}: the channel's own {@code mtu} if it names one, else
     * {@link #mtuLength} if set, else by endpoint: {@link #UDP_MTU_LOOPBACK_BYTES} to a loopback address,
     * {@link #UDP_MTU_DEFAULT_BYTES} to any other (a host name other than localhost is not resolved: it is taken as
     * another host).
     */
    private int mtuFor(final ChannelUri uri) {
        final String inChannel = uri.get(CommonContext.MTU_LENGTH_PARAM_NAME);
        if (inChannel != null) {
            final int mtu;
            try {
                mtu = Integer.parseInt(inChannel);
            } catch (final NumberFormatException e) {
                throw new IllegalStateException("channel=" + channel + " has mtu=" + inChannel + ", not an integer");
            }
            if (!validMtu(mtu)) {
                throw new IllegalStateException("channel=" + channel + " has mtu=" + mtu
                    + ", which must be a multiple of 32 in 64..65504");
            }
            return mtu;
        }
        if (mtuLength != 0) {
            return mtuLength;
        }
        return isLoopback(uri.get(CommonContext.ENDPOINT_PARAM_NAME)) ? UDP_MTU_LOOPBACK_BYTES : UDP_MTU_DEFAULT_BYTES;
    }

    private static boolean validMtu(final int mtu) {
        return mtu >= 64 && mtu <= UDP_MTU_MAX_BYTES && mtu % 32 == 0;
    }

    /** Whether {@code endpoint} (HOST:PORT) names this host's loopback interface, by its text alone (no DNS lookup). */
    static boolean isLoopback(final String endpoint) {
        if (endpoint == null) {
            return false;
        }
        final int colon = endpoint.lastIndexOf(':');
        String host = colon > 0 ? endpoint.substring(0, colon) : endpoint;
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return host.equalsIgnoreCase("localhost") || host.equals("::1") || host.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }

    /**
     * The publication channel to another node's UDP {@code endpoint} (HOST:PORT): this context's channel with the
     * endpoint replaced and the term length kept, its MTU chosen for that endpoint as {@link #mtuFor} says (an MTU
     * named in the channel or set with {@link #mtuLength} holds for every endpoint). Valid after {@link #conclude()}.
     */
    public String publicationChannelTo(final String endpoint) {
        final ChannelUri uri = ChannelUri.parse(channel);
        if (!"udp".equals(uri.media())) {
            throw new IllegalStateException("a publication to " + endpoint + " needs a UDP transport; this one is "
                + publicationChannel);
        }
        uri.put(CommonContext.ENDPOINT_PARAM_NAME, endpoint);
        uri.put(CommonContext.TERM_LENGTH_PARAM_NAME, Integer.toString(termLength));
        uri.put(CommonContext.MTU_LENGTH_PARAM_NAME, Integer.toString(mtuFor(uri)));
        return uri.toString();
    }

    private static void requirePositive(final String name, final long value) {
        if (value <= 0) {
            throw new IllegalStateException(name + "=" + value + " must be > 0");
        }
    }

    /**
     * {@code /dev/shm} when it exists (memory-backed, as Aeron prefers) else the temp directory, with a
     * name fixed per user and working directory: a run that crashed leaves a directory the next
     * run from the same place finds and cleans, and two checkouts never share one.
     */
    static String defaultEmbeddedDirectory() {
        final Path shm = Path.of("/dev/shm");
        final String base = Files.isDirectory(shm) ? shm.toString() : System.getProperty("java.io.tmpdir");
        final String cwd = Path.of("").toAbsolutePath().toString();
        return base + File.separator + "canopy-aeron-" + System.getProperty("user.name", "user") + "-"
            + Integer.toHexString(cwd.hashCode());
    }

    private void checkMutable() {
        if (concluded) {
            throw new IllegalStateException("TransportContext is already concluded");
        }
    }

    public TransportContext driverMode(final DriverMode mode) {
        checkMutable();
        this.driverMode = mode;
        return this;
    }

    public DriverMode driverMode() {
        return driverMode;
    }

    public TransportContext aeronDirectoryName(final String dir) {
        checkMutable();
        this.aeronDirectoryName = dir;
        return this;
    }

    public String aeronDirectoryName() {
        return aeronDirectoryName;
    }

    /** {@code aeron:ipc} (default) or {@code aeron:udp?endpoint=HOST:PORT}; term length and MTU are added. */
    public TransportContext channel(final String channel) {
        checkMutable();
        this.channel = channel;
        return this;
    }

    public TransportContext streamId(final int streamId) {
        checkMutable();
        this.streamId = streamId;
        return this;
    }

    public int streamId() {
        return streamId;
    }

    /** The longest frame to carry, bytes: {@code FrameLimits.maxFrameLength()} of the round plan. */
    public TransportContext maxFrameLength(final int bytes) {
        checkMutable();
        this.maxFrameLength = bytes;
        return this;
    }

    public int maxFrameLength() {
        return maxFrameLength;
    }

    /** 0 (default) derives the smallest power of two carrying {@link #maxFrameLength}. */
    public TransportContext termLength(final int bytes) {
        checkMutable();
        this.termLength = bytes;
        return this;
    }

    public int termLength() {
        return termLength;
    }

    /**
     * The UDP MTU of every channel that names none, bytes: a multiple of 32 in 64..65504; 0 (default) chooses by each
     * channel's endpoint, {@link #UDP_MTU_LOOPBACK_BYTES} to loopback and {@link #UDP_MTU_DEFAULT_BYTES} to another host.
     * A channel's own {@code mtu} parameter ({@code aeron:udp?endpoint=HOST:PORT|mtu=1408}) wins over this.
     */
    public TransportContext mtuLength(final int bytes) {
        checkMutable();
        this.mtuLength = bytes;
        return this;
    }

    /**
     * After {@link #conclude()}: the MTU of this context's own UDP channel (for IPC: the UDP default the driver is
     * given); before it, what was set (0: by endpoint).
     */
    public int mtuLength() {
        return concluded ? resolvedMtu : mtuLength;
    }

    public TransportContext socketBufferLength(final int bytes) {
        checkMutable();
        this.socketBufferLength = bytes;
        return this;
    }

    public int socketBufferLength() {
        return socketBufferLength;
    }

    /** Longest a publisher waits out back pressure before reporting a timeout. */
    public TransportContext offerTimeoutNs(final long ns) {
        checkMutable();
        this.offerTimeoutNs = ns;
        return this;
    }

    public long offerTimeoutNs() {
        return offerTimeoutNs;
    }

    public TransportContext connectTimeoutNs(final long ns) {
        checkMutable();
        this.connectTimeoutNs = ns;
        return this;
    }

    public long connectTimeoutNs() {
        return connectTimeoutNs;
    }

    public TransportContext driverTimeoutMs(final long ms) {
        checkMutable();
        this.driverTimeoutMs = ms;
        return this;
    }

    public long driverTimeoutMs() {
        return driverTimeoutMs;
    }

    /** Fragments per subscriber poll. */
    public TransportContext fragmentLimit(final int fragments) {
        checkMutable();
        this.fragmentLimit = fragments;
        return this;
    }

    public int fragmentLimit() {
        return fragmentLimit;
    }

    public TransportContext threadingMode(final ThreadingMode mode) {
        checkMutable();
        this.threadingMode = mode;
        return this;
    }

    public ThreadingMode threadingMode() {
        return threadingMode;
    }

    /** A fresh idle strategy per agent or publisher (they are stateful). */
    public TransportContext idleStrategy(final Supplier<IdleStrategy> supplier) {
        checkMutable();
        this.idleStrategy = supplier;
        return this;
    }

    public IdleStrategy newIdleStrategy() {
        return idleStrategy.get();
    }

    public TransportContext nanoClock(final NanoClock clock) {
        checkMutable();
        this.nanoClock = clock;
        return this;
    }

    public NanoClock nanoClock() {
        return nanoClock;
    }

    /** Whether aggregates between tiers on this transport are tagged and checked; off unless set. */
    public TransportContext links(final LinkAuthentication links) {
        checkMutable();
        if (links == null) {
            throw new IllegalArgumentException("say whether links are authenticated: LinkAuthentication.off() or required(...)");
        }
        this.links = links;
        return this;
    }

    public LinkAuthentication links() {
        return links;
    }

    /** The channel publications use, with term length (and MTU for UDP); valid after {@link #conclude()}. */
    public String publicationChannel() {
        return publicationChannel;
    }

    /** The channel subscriptions use; valid after {@link #conclude()}. */
    public String subscriptionChannel() {
        return subscriptionChannel;
    }

    public boolean isUdp() {
        return publicationChannel != null && publicationChannel.startsWith("aeron:udp");
    }
}
