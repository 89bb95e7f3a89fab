package io.canopy.fleet;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The class path and class-data archive of the JVMs a multi-JVM test starts, made once per test JVM.
 *
 * <p>A fleet test starts four to seven JVMs at once on two cores, and each spent about 4 s of CPU loading and
 * verifying the same Pekko, Scala and Aeron classes before it could join: most of a test's start-up. A dynamic CDS
 * archive (JEP 350) of a node that has joined maps those classes already parsed and verified, which measured
 * 2.3–2.8 s of CPU instead of 3.9 s for one node. CDS takes classes only from jars and refuses a class path with a
 * non-empty directory, so the reactor's {@code target/classes} directories are copied into jars first (uncompressed,
 * under {@code target/member-jvm/}). Should the archive not come out, members run without it, as before.
 */
final class MemberClassPath {
    private static final Path HOME = Path.of(System.getProperty("user.dir"), "target", "member-jvm");
    /** The JVM's CDS messages (a base archive dumped without our --add-exports, skipped proxy classes) are noise. */
    private static final List<String> QUIET = List.of("-Xlog:cds=off", "-Xlog:aot=off");

    private static List<String> options;

    private MemberClassPath() {
    }

    /**
     * The options that put a member on the shared class path, with the archive when there is one: {@code -cp} and its
     * value come last. The first call builds them (a few seconds, once).
     */
    static synchronized List<String> options(List<String> jvmFlags) throws IOException {
        if (options == null) {
            String classPath = jarredClassPath();
            Path archive = HOME.resolve("members.jsa");
            List<String> built = new ArrayList<>(QUIET);
            if (train(jvmFlags, classPath, archive)) {
                built.add("-XX:SharedArchiveFile=" + archive);
            }
            built.addAll(List.of("-cp", classPath));
            options = List.copyOf(built);
        }
        return options;
    }

    /** The test JVM's class path with every directory replaced by a jar of its contents. */
    private static String jarredClassPath() throws IOException {
        Files.createDirectories(HOME);
        List<String> entries = new ArrayList<>();
        int n = 0;
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path path = Path.of(entry);
            if (!Files.isDirectory(path)) {
                entries.add(entry);
                continue;
            }
            Path jar = HOME.resolve((n++) + "-" + path.getParent().getParent().getFileName() + "-" + path.getFileName() + ".jar");
            jar(path, jar);
            entries.add(jar.toString());
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    private static void jar(Path dir, Path jar) throws IOException {
        try (OutputStream file = Files.newOutputStream(jar); ZipOutputStream zip = new ZipOutputStream(file);
             Stream<Path> paths = Files.walk(dir)) {
            zip.setLevel(Deflater.NO_COMPRESSION); // read by a few dozen JVMs, written once: not worth squeezing
            for (Path p : (Iterable<Path>) paths.sorted()::iterator) {
                if (p.equals(dir)) {
                    continue;
                }
                String name = dir.relativize(p).toString().replace(java.io.File.separatorChar, '/');
                boolean directory = Files.isDirectory(p);
                zip.putNextEntry(new ZipEntry(directory ? name + "/" : name));
                if (!directory) {
                    Files.copy(p, zip);
                }
                zip.closeEntry();
            }
        }
    }

    /**
     * Runs one node with every role until it hosts the coordinator, then stops it (SIGTERM: it exits through
     * {@code System.exit}, which writes the archive). True if the archive was written.
     */
    private static boolean train(List<String> jvmFlags, String classPath, Path archive) throws IOException {
        Files.deleteIfExists(archive);
        long started = System.nanoTime();
        Path dir = Files.createTempDirectory(HOME, "training");
        int port = MemberProcess.freePort();
        List<String> command = new ArrayList<>(jvmFlags);
        command.addAll(QUIET);
        command.addAll(List.of("-XX:ArchiveClassesAtExit=" + archive, "-cp", classPath, "io.canopy.ops.cli.CanopyCli",
            "node", "--roles", "cluster,continental,global", "--start-after", "10m"));
        command.addAll(MemberProcess.memberArgs(port, "127.0.0.1:" + port, dir));
        Process node = new ProcessBuilder(command).redirectErrorStream(true).start();
        java.util.concurrent.CountDownLatch hosting = new java.util.concurrent.CountDownLatch(1);
        Thread.ofPlatform().daemon().name("training-output").start(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (line.startsWith("hosting the global coordinator")) {
                        hosting.countDown();
                    }
                }
            } catch (IOException e) {
                // the node went away; the exit code below says how
            }
        });
        try {
            hosting.await(60, TimeUnit.SECONDS);
            node.destroy();
            if (!node.waitFor(30, TimeUnit.SECONDS)) {
                node.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            node.destroyForcibly();
            Thread.currentThread().interrupt();
            return false;
        }
        boolean written = Files.isRegularFile(archive) && Files.size(archive) > 0;
        System.out.println("member JVMs: " + (written ? "class-data archive " + archive : "no class-data archive (the"
            + " training node exited " + node.exitValue() + "); members load their classes afresh") + String.format(
            java.util.Locale.ROOT, " (%.1f s)", (System.nanoTime() - started) / 1e9));
        return written;
    }
}
