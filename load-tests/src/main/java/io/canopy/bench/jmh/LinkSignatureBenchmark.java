package io.canopy.bench.jmh;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import io.canopy.codec.UpdateEncoder;
import io.canopy.enroll.FrameSignatures;
import io.canopy.enroll.LinkAuthentication;
import io.canopy.enroll.MemberLinkSignatures;
import io.canopy.frame.AggregateFrame;
import io.canopy.frame.FrameEncoder;
import io.canopy.frame.FrameLayout;
import io.canopy.frame.FrameValidator;
import io.canopy.frame.RejectReason;
import io.canopy.frame.SignatureScheme;
import io.canopy.round.Streams;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of authenticating one aggregate between tiers, fp32 at d = 100, 10^5 and 10^6, with the JDK's providers:
 * the sending member's encode and Ed25519 signature ({@code memberSign}), the receiver's whole validation with the
 * signature checked under the routing table's owner ({@code memberVerify}), the same two under the fleet-wide HMAC
 * key ({@code fleetKeyTag}, {@code fleetKeyVerify}), and the validation of an unauthenticated aggregate
 * ({@code unauthenticated}) as the baseline. docs/security.md quotes it.
 * Run: {@code java -cp ... org.openjdk.jmh.Main LinkSignatureBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--add-exports",
    "java.base/jdk.internal.misc=ALL-UNNAMED", "--add-opens", "java.base/java.util.zip=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED"})
public class LinkSignatureBenchmark {
    private static final long ROUND = 5;
    private static final long RUN = 77L;
    private static final int STREAM = Streams.CLUSTER_TO_CONTINENT;

    @Param({"100", "100000", "1000000"})
    public int d;

    private float[] x;
    private UnsafeBuffer buffer;
    private FrameEncoder encoder;
    private MemberLinkSignatures member;
    private LinkAuthentication fleetKey;
    private UnsafeBuffer signed;
    private int signedLength;
    private UnsafeBuffer tagged;
    private int taggedLength;
    private UnsafeBuffer plain;
    private int plainLength;
    private FrameValidator memberCheck;
    private FrameValidator fleetKeyCheck;
    private FrameValidator unauthenticatedCheck;

    @Setup
    public void setUp() throws NoSuchAlgorithmException {
        x = new float[d];
        SplittableRandom random = new SplittableRandom(7);
        for (int j = 0; j < d; j++) {
            x[j] = (float) random.nextGaussian();
        }
        KeyPair keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        byte[] ownerKey = FrameSignatures.rawPublicKey(SignatureScheme.ED25519, keys.getPublic());
        member = new MemberLinkSignatures(keys.getPrivate(), "bench", (stream, sender) -> ownerKey);
        fleetKey = LinkAuthentication.fresh();
        int capacity = FrameLayout.HEADER_LENGTH + 4 * d + SignatureScheme.ED25519.length();
        buffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(capacity, 64));
        encoder = new FrameEncoder().wrap(buffer, 0);
        signed = new UnsafeBuffer(BufferUtil.allocateDirectAligned(capacity, 64));
        signedLength = encode(signed, member);
        tagged = new UnsafeBuffer(BufferUtil.allocateDirectAligned(capacity, 64));
        taggedLength = encode(tagged, fleetKey);
        plain = new UnsafeBuffer(BufferUtil.allocateDirectAligned(capacity, 64));
        plainLength = encode(plain, null);
        memberCheck = new FrameValidator(AggregateFrame.limits(ROUND, 0, d).withAuthenticator(member.verifier(STREAM, RUN)));
        fleetKeyCheck = new FrameValidator(AggregateFrame.limits(ROUND, 0, d).withAuthenticator(fleetKey.verifier(STREAM, RUN)));
        unauthenticatedCheck = new FrameValidator(AggregateFrame.limits(ROUND, 0, d));
        if (memberCheck.check(signed, 0, signedLength) != null || fleetKeyCheck.check(tagged, 0, taggedLength) != null) {
            throw new IllegalStateException("an aggregate does not verify");
        }
    }

    private int encode(UnsafeBuffer into, LinkAuthentication links) {
        FrameEncoder e = new FrameEncoder().wrap(into, 0).signer(links == null ? null : links.signer(STREAM, RUN));
        return AggregateFrame.header(e, ROUND, 3, 0, 100).encode(UpdateEncoder.fp32(), x, 0, d);
    }

    @Benchmark
    public int memberSign() {
        encoder.signer(member.signer(STREAM, RUN));
        return AggregateFrame.header(encoder, ROUND, 3, 0, 100).encode(UpdateEncoder.fp32(), x, 0, d);
    }

    @Benchmark
    public RejectReason memberVerify() {
        return memberCheck.check(signed, 0, signedLength);
    }

    @Benchmark
    public int fleetKeyTag() {
        encoder.signer(fleetKey.signer(STREAM, RUN));
        return AggregateFrame.header(encoder, ROUND, 3, 0, 100).encode(UpdateEncoder.fp32(), x, 0, d);
    }

    @Benchmark
    public RejectReason fleetKeyVerify() {
        return fleetKeyCheck.check(tagged, 0, taggedLength);
    }

    @Benchmark
    public RejectReason unauthenticated() {
        return unauthenticatedCheck.check(plain, 0, plainLength);
    }
}
