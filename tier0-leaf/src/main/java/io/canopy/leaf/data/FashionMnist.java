package io.canopy.leaf.data;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fashion-MNIST (Xiao, Rasul and Vollgraf 2017): 60,000 training and 10,000 test images of 28×28 u8
 * pixels in 10 classes, read from the IDX files the Debian package {@code dataset-fashion-mnist} installs
 * (gzipped, under {@link #DEFAULT_DIR}). Loading takes about a second and 220 MB of heap; {@link #shared()}
 * loads once per JVM.
 */
public record FashionMnist(LabelledImages train, LabelledImages test) {
    private static final Logger LOG = LoggerFactory.getLogger(FashionMnist.class);

    /** Where {@code apt-get install dataset-fashion-mnist} puts the files. */
    public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    public static final int TRAIN_COUNT = 60_000;
    public static final int TEST_COUNT = 10_000;

    private static volatile FashionMnist shared;

    /**
     * Reads the four {@code *-ubyte.gz} files from {@code dir}.
     *
     * @throws FileNotFoundException if {@code dir} is missing, naming the package to install
     * @throws io.canopy.io.FileFormatException if a file is truncated or corrupt, naming the file
     */
    public static FashionMnist load(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new FileNotFoundException(dir + ": no such directory; install Fashion-MNIST with"
                + " 'apt-get install -y dataset-fashion-mnist' (./canopy test tries to)");
        }
        long t0 = System.nanoTime();
        int side = LabelledImages.SIDE;
        int classes = LabelledImages.CLASSES;
        LabelledImages train = new LabelledImages(
            IdxReader.readImages(dir.resolve("train-images-idx3-ubyte.gz"), TRAIN_COUNT, side, side),
            IdxReader.readLabels(dir.resolve("train-labels-idx1-ubyte.gz"), TRAIN_COUNT, classes));
        LabelledImages test = new LabelledImages(
            IdxReader.readImages(dir.resolve("t10k-images-idx3-ubyte.gz"), TEST_COUNT, side, side),
            IdxReader.readLabels(dir.resolve("t10k-labels-idx1-ubyte.gz"), TEST_COUNT, classes));
        LOG.info("Fashion-MNIST loaded from {} in {} ms", dir, (System.nanoTime() - t0) / 1_000_000);
        return new FashionMnist(train, test);
    }

    /** The data set from {@link #DEFAULT_DIR}, loaded on first use and kept for the JVM's life. */
    public static FashionMnist shared() throws IOException {
        FashionMnist data = shared;
        if (data == null) {
            synchronized (FashionMnist.class) {
                data = shared;
                if (data == null) {
                    data = load(DEFAULT_DIR);
                    shared = data;
                }
            }
        }
        return data;
    }
}
