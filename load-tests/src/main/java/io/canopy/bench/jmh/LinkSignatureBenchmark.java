package io.canopy.bench.jmh;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;

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
import io.canopy.frame.SignatureWriter;
import io.canopy.round.Streams;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * The cost of authenticating one aggregate between tiers, fp32 at d = 100, 10^5 and 10^6, with the JDK's providers:
 * the sending member's encode and Ed25519 signature ({@code memberSign}), the receiver's whole validation with the
 * signature checked under the routing table's owner ({@code memberVerify}), the same two under the fleet-wide HMAC
 * key ({@code fleetKeyTag}, {@code fleetKeyVerify}), and the validation of an unauthenticated aggregate
 * ({@code unauthenticated}) as the baseline. docs/security.md quotes it.
 * Run: {@code java -cp ... org.openjdk.jmh.Main LinkSignatureBenchmark}.
 */
public class LinkSignatureBenchmark extends FrameAuthenticationBenchmark {
    private static final long ROUND = 5;
    private static final long RUN = 77L;
    private static final int STREAM = Streams.CLUSTER_TO_CONTINENT;

    @Param({"100", "100000", "1000000"})
    public int d;

    private float[] x;
    private UnsafeBuffer buffer;
    private FrameEncoder encoder;
    /** Made once, as a member makes its signer once a run: an operation measures signing, not building a signer. */
    private SignatureWriter memberSigner;
    private SignatureWriter fleetKeySigner;
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
        x = update(d);
        KeyPair keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        byte[] ownerKey = FrameSignatures.rawPublicKey(SignatureScheme.ED25519, keys.getPublic());
        MemberLinkSignatures member = new MemberLinkSignatures(keys.getPrivate(), "bench", (stream, sender) -> ownerKey);
        LinkAuthentication fleetKey = LinkAuthentication.fresh();
        memberSigner = member.signer(STREAM, RUN);
        fleetKeySigner = fleetKey.signer(STREAM, RUN);
        int capacity = FrameLayout.HEADER_LENGTH + 4 * d + SignatureScheme.ED25519.length();
        buffer = frameBuffer(capacity);
        encoder = new FrameEncoder().wrap(buffer, 0);
        signed = frameBuffer(capacity);
        signedLength = encode(new FrameEncoder().wrap(signed, 0), memberSigner);
        tagged = frameBuffer(capacity);
        taggedLength = encode(new FrameEncoder().wrap(tagged, 0), fleetKeySigner);
        plain = frameBuffer(capacity);
        plainLength = encode(new FrameEncoder().wrap(plain, 0), null);
        memberCheck = new FrameValidator(AggregateFrame.limits(ROUND, 0, d).withAuthenticator(member.verifier(STREAM, RUN)));
        fleetKeyCheck = new FrameValidator(AggregateFrame.limits(ROUND, 0, d).withAuthenticator(fleetKey.verifier(STREAM, RUN)));
        unauthenticatedCheck = new FrameValidator(AggregateFrame.limits(ROUND, 0, d));
        if (memberCheck.check(signed, 0, signedLength) != null || fleetKeyCheck.check(tagged, 0, taggedLength) != null) {
            throw new IllegalStateException("an aggregate does not verify");
        }
    }

    private int encode(FrameEncoder e, SignatureWriter signer) {
        return AggregateFrame.header(e.signer(signer), ROUND, 3, 0, 100).encode(UpdateEncoder.fp32(), x, 0, d);
    }

    @Benchmark
    public int memberSign() {
        return encode(encoder, memberSigner);
    }

    @Benchmark
    public RejectReason memberVerify() {
        return memberCheck.check(signed, 0, signedLength);
    }

    @Benchmark
    public int fleetKeyTag() {
        return encode(encoder, fleetKeySigner);
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
