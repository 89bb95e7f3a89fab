package io.canopy.bench.jmh;

import java.time.Duration;
import java.util.List;

import io.canopy.codec.CodecId;
import io.canopy.codec.UpdateEncoder;
import io.canopy.enroll.DerivedKeys;
import io.canopy.enroll.EnrollmentRegistry;
import io.canopy.enroll.LeafAuthentication;
import io.canopy.enroll.LeafSigner;
import io.canopy.frame.FrameEncoder;
import io.canopy.frame.FrameLayout;
import io.canopy.frame.FrameLimits;
import io.canopy.frame.FrameValidator;
import io.canopy.frame.GradientFrame;
import io.canopy.frame.RejectReason;
import io.canopy.frame.SignatureScheme;
import io.canopy.round.RoundPlan;
import io.canopy.round.TierSpec;
import io.canopy.straggler.QuorumPolicy;
import io.canopy.topology.FleetLayout;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * The cost of leaf signatures per frame, fp32 at d = 100 and 1000, with the JDK's providers: a leaf's encode
 * and sign ({@code sign}), a cluster's whole validation with the signature verified against an in-memory
 * enrollment registry ({@code verify}) or against keys derived per frame as a synthetic swarm's cluster does
 * ({@code verifyDerived}), and the same validation unsigned ({@code unsigned}) as the baseline. Each iteration
 * cycles through 64 leaves, so no key object is reused across consecutive frames. docs/security.md quotes it.
 * Run: {@code java -cp ... org.openjdk.jmh.Main SignatureBenchmark}.
 */
public class SignatureBenchmark extends FrameAuthenticationBenchmark {
    private static final int LEAVES = 64;

    @Param({"100", "1000"})
    public int d;

    @Param({"ED25519", "ML_DSA_44"})
    public String scheme;

    private final FleetLayout layout = new FleetLayout(LEAVES, LEAVES, 1, 3L);
    private float[] x;
    private UnsafeBuffer buffer;
    private FrameEncoder encoder;
    private LeafSigner signer;
    private RoundPlan plan;
    private UnsafeBuffer[] signed;
    private int[] lengths;
    private FrameValidator registry;
    private FrameValidator derived;
    private FrameValidator unsigned;
    private UnsafeBuffer plain;
    private int plainLength;
    private int next;

    @Setup
    public void setUp() {
        SignatureScheme s = SignatureScheme.valueOf(scheme);
        x = update(d);
        QuorumPolicy policy = QuorumPolicy.of(LEAVES, Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ZERO);
        TierSpec tier = new TierSpec(policy, 0.2, 0, 0, 1);
        plan = new RoundPlan(1, 0, d, 1.0, 10f, CodecId.FP32, layout, tier, tier, tier, false, 0L);
        DerivedKeys keys = new DerivedKeys(11L, s, layout);
        int capacity = FrameLayout.HEADER_LENGTH + 4 * d + s.length();
        buffer = frameBuffer(capacity);
        encoder = new FrameEncoder().wrap(buffer, 0);
        signer = new LeafSigner(keys).round(plan);
        signed = new UnsafeBuffer[LEAVES];
        lengths = new int[LEAVES];
        for (int leaf = 0; leaf < LEAVES; leaf++) {
            signed[leaf] = frameBuffer(capacity);
            lengths[leaf] = GradientFrame.header(new FrameEncoder().wrap(signed[leaf], 0).signer(signer.leaf(leaf)), 1, leaf, 0)
                .encode(UpdateEncoder.fp32(), x, 0, d);
        }
        FrameLimits limits = GradientFrame.limits(1, 0, d);
        registry = new FrameValidator(limits.withAuthenticator(
            LeafAuthentication.required(EnrollmentRegistry.of(List.of(keys.shard(0)))).forRound(plan)));
        derived = new FrameValidator(limits.withAuthenticator(LeafAuthentication.required(keys).forRound(plan)));
        unsigned = new FrameValidator(limits);
        plain = frameBuffer(capacity);
        plainLength = GradientFrame.header(new FrameEncoder().wrap(plain, 0), 1, 0, 0).encode(UpdateEncoder.fp32(), x, 0, d);
        for (int leaf = 0; leaf < LEAVES; leaf++) {
            if (registry.check(signed[leaf], 0, lengths[leaf]) != null) {
                throw new IllegalStateException("leaf " + leaf + "'s frame does not verify");
            }
        }
    }

    private int nextLeaf() {
        next = (next + 1) % LEAVES;
        return next;
    }

    @Benchmark
    public int sign() {
        int leaf = nextLeaf();
        encoder.signer(signer.leaf(leaf));
        return GradientFrame.header(encoder, 1, leaf, 0).encode(UpdateEncoder.fp32(), x, 0, d);
    }

    @Benchmark
    public RejectReason verify() {
        int leaf = nextLeaf();
        return registry.check(signed[leaf], 0, lengths[leaf]);
    }

    @Benchmark
    public RejectReason verifyDerived() {
        int leaf = nextLeaf();
        return derived.check(signed[leaf], 0, lengths[leaf]);
    }

    @Benchmark
    public RejectReason unsigned() {
        return unsigned.check(plain, 0, plainLength);
    }
}
