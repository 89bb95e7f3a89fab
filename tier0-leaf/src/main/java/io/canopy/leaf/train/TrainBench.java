package io.canopy.leaf.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.canopy.leaf.data.ClassIndex;
import io.canopy.leaf.data.FashionMnist;
import io.canopy.leaf.data.LabelledImages;
import io.canopy.leaf.data.Shard;
import io.canopy.leaf.data.ShardSampler;

/**
 * Local-training throughput on one thread, in examples per second, on real Fashion-MNIST shards with the
 * default settings (s = 32, E = 1, B = 8, η = 0.1, C = 1): each leaf's shard sampling, SGD steps,
 * update subtraction and clipping are timed together. With python3 and NumPy present, the NumPy peer's
 * {@code Model.local_sgd} (the batched step {@code fedavg_fmnist.py} runs, 250 leaves per call, with its
 * gather and float conversion) is timed in the same run, on one BLAS thread and on two, for a ratio.
 * Medians of timed windows after a warm-up; about 30 s in all.
 *
 * <pre>
 *   mvn -o -q -B -pl tier0-leaf -am test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/leafcp.txt \
 *     -Dmdep.includeScope=runtime
 *   java --add-modules jdk.incubator.vector -cp tier0-leaf/target/classes:$(cat /tmp/leafcp.txt) \
 *     io.canopy.leaf.train.TrainBench [peer script, default ../shared/peers/fedavg_fmnist.py] [seconds per model, 5]
 * </pre>
 * The peer needs only python3 with NumPy; it is timed with OMP/OPENBLAS/MKL_NUM_THREADS set to 1, then 2.
 * On a shared machine the load average printed first and last says how far to trust the figures.
 */
public final class TrainBench {
    private static final Pattern PEER = Pattern.compile("examples_per_s ([0-9.]+)");
    private static final String PEER_STEP = """
        import sys, time, importlib.util
        import numpy as np
        peer, data, kind, reps = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
        spec = importlib.util.spec_from_file_location("fedavg_fmnist", peer)
        m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)
        Xtr = m._idx(f"{data}/train-images-idx3-ubyte.gz").reshape(-1, 784)
        ytr = m._idx(f"{data}/train-labels-idx1-ubyte.gz")
        model = m.Model(kind)
        w = model.init(np.random.default_rng(7))
        n, s, B = 250, 32, 8
        shards = m.make_shards(ytr, 10 * n, s, 0.5, np.random.default_rng(0))
        def chunk(k):
            idx = shards[k * n:(k + 1) * n]
            Xs = Xtr[idx].astype(m.F32); Xs *= m.F32(1 / 255)
            return model.local_sgd(w, Xs, ytr[idx].astype(np.int64), 0.1, B)
        chunk(0)
        times = []
        for r in range(reps):
            t0 = time.perf_counter(); chunk(1 + r % 9); times.append(time.perf_counter() - t0)
        times.sort()
        print(f"examples_per_s {n * s / times[len(times) // 2]:.1f}")
        """;

    private TrainBench() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        Path peer = args.length > 0 ? Path.of(args[0])
            : Path.of(System.getProperty("canopy.home", ".")).resolve("../shared/peers/fedavg_fmnist.py").normalize();
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 5.0;
        FashionMnist data = FashionMnist.load(FashionMnist.DEFAULT_DIR);
        System.out.printf("local training, one thread, s=32 E=1 B=8 (4 steps per leaf), %d-bit vectors; load average %.1f"
            + " on %d cores%n", jdk.incubator.vector.FloatVector.SPECIES_256.vectorBitSize(), loadAverage(),
            Runtime.getRuntime().availableProcessors());
        for (String kind : new String[] {"softmax", "mlp"}) {
            ModelSpec spec = ModelSpec.parse(kind);
            double java = javaExamplesPerSecond(spec, data.train(), seconds);
            System.out.printf("%-8s d=%6d  Java %,12.0f examples/s  (%.2f GFLOP/s of model arithmetic)%n", kind,
                spec.dimension(), java, java * flopsPerExample(spec) / 1e9);
            for (int threads : new int[] {1, 2}) {
                double numpy = peerExamplesPerSecond(peer, kind, threads);
                if (Double.isNaN(numpy)) {
                    break;
                }
                System.out.printf("%-8s          NumPy peer, %d BLAS thread%s %,12.0f examples/s  Java/NumPy = %.2f%n",
                    kind, threads, threads == 1 ? ": " : "s:", numpy, java / numpy);
            }
            Evaluation evaluation = new Evaluation(spec, data.test());
            float[] w = spec.initialParameters(1);
            double evalMs = medianMs(7, () -> evaluation.evaluate(w));
            double asrMs = medianMs(7, () -> evaluation.attackSuccessRate(w, 0));
            System.out.printf("%-8s          evaluation of the 10,000 test images %.1f ms, backdoor success rate %.1f ms%n",
                kind, evalMs, asrMs);
        }
        System.out.printf("load average at the end %.1f%n", loadAverage());
    }

    private static double loadAverage() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /** The median wall time of {@code runs} calls after as many unmeasured ones. */
    private static double medianMs(int runs, Runnable action) {
        double[] ms = new double[runs];
        for (int k = 0; k < 2 * runs; k++) {
            long t0 = System.nanoTime();
            action.run();
            if (k >= runs) {
                ms[k - runs] = (System.nanoTime() - t0) / 1e6;
            }
        }
        Arrays.sort(ms);
        return ms[runs / 2];
    }

    /** Forward and backward multiply-adds per example, ×2 for FLOPs (softmax, biases and ReLU left out). */
    static double flopsPerExample(ModelSpec spec) {
        int in = LabelledImages.PIXELS;
        if (spec.kind() == ModelSpec.Kind.SOFTMAX) {
            return 2.0 * 2 * in * 10;
        }
        int h = spec.hidden();
        return 2.0 * (2.0 * in * h + 3.0 * h * 10);
    }

    private static double javaExamplesPerSecond(ModelSpec spec, LabelledImages train, double seconds) {
        ShardSampler sampler = new ShardSampler(new ClassIndex(train.labels(), LabelledImages.CLASSES), 1,
            10_000_000L, ShardSampler.SHARD_SIZE_DEFAULT, ShardSampler.ALPHA_DEFAULT);
        LocalTrainer trainer = spec.newTrainer(train, TrainingConfig.defaults(1));
        float[] global = spec.initialParameters(1);
        float[] out = new float[global.length];
        Shard shard = new Shard(ShardSampler.SHARD_SIZE_DEFAULT);
        int leavesPerWindow = spec.kind() == ModelSpec.Kind.SOFTMAX ? 2_000 : 250;
        long leaf = 0;
        long warmUntil = System.nanoTime() + (long) (seconds * 0.3e9);
        while (System.nanoTime() < warmUntil) {
            sampler.sample(leaf, shard);
            trainer.train(global, shard, 0, leaf++, out, 0);
        }
        double[] rates = new double[1_000];
        int windows = 0;
        long end = System.nanoTime() + (long) (seconds * 0.7e9);
        while (windows < rates.length && (windows < 5 || System.nanoTime() < end)) {
            long t0 = System.nanoTime();
            for (int k = 0; k < leavesPerWindow; k++, leaf++) {
                sampler.sample(leaf, shard);
                trainer.train(global, shard, 0, leaf, out, 0);
            }
            rates[windows++] = leavesPerWindow * (double) shard.size() / ((System.nanoTime() - t0) / 1e9);
        }
        Arrays.sort(rates, 0, windows);
        return rates[windows / 2];
    }

    /** The peer's rate, or NaN (with a line saying why) if python3, NumPy or the script is missing. */
    private static double peerExamplesPerSecond(Path peer, String kind, int threads)
        throws IOException, InterruptedException {
        if (!Files.isReadable(peer)) {
            System.out.println("NumPy peer not timed: " + peer + " is not readable");
            return Double.NaN;
        }
        Path script = Files.createTempFile("canopy-peer-step", ".py");
        try {
            Files.writeString(script, PEER_STEP);
            ProcessBuilder builder = new ProcessBuilder("python3", script.toString(), peer.toString(),
                FashionMnist.DEFAULT_DIR.toString(), kind, kind.equals("softmax") ? "21" : "9").redirectErrorStream(true);
            Map<String, String> env = builder.environment();
            for (String name : new String[] {"OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"}) {
                env.put(name, Integer.toString(threads));
            }
            Process process;
            try {
                process = builder.start();
            } catch (IOException e) {
                System.out.println("NumPy peer not timed: python3 did not start (" + e.getMessage() + ")");
                return Double.NaN;
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
                System.out.println("NumPy peer not timed: " + output.strip().replace('\n', ' '));
                return Double.NaN;
            }
            Matcher m = PEER.matcher(output);
            return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
        } finally {
            Files.deleteIfExists(script);
        }
    }
}
