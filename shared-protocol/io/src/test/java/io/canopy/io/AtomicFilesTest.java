package io.canopy.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @TempDir
    Path dir;

    private List<String> names() throws IOException {
        try (var files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void shouldReplaceTheWholeFileAndLeaveNoTemporaryFile() throws Exception {
        final Path f = dir.resolve("out.bin");
        Files.writeString(f, "old content that is longer");
        AtomicFiles.write(f, ch -> ch.write(ByteBuffer.wrap("new".getBytes(StandardCharsets.US_ASCII))));
        assertEquals("new", Files.readString(f));
        assertEquals(List.of("out.bin"), names());
        final Path plain = Files.writeString(dir.resolve("plain.txt"), "x");
        if (Files.getFileStore(f).supportsFileAttributeView("posix")) {
            assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(f),
                "the umask's mode, not a temporary file's owner-only mode");
        }
    }

    @Test
    void shouldKeepTheOldContentAndRemoveTheTemporaryFileWhenTheWriterFails() throws Exception {
        final Path f = dir.resolve("out.bin");
        Files.writeString(f, "old");
        final IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(f, ch -> {
            ch.write(ByteBuffer.wrap("half".getBytes(StandardCharsets.US_ASCII)));
            throw new IOException("disk full");
        }));
        assertEquals("disk full", e.getMessage());
        assertArrayEquals("old".getBytes(StandardCharsets.US_ASCII), Files.readAllBytes(f));
        assertEquals(List.of("out.bin"), names());
    }

    @Test
    void shouldRefuseAMissingDirectoryWithoutCreatingIt() {
        final Path f = dir.resolve("missing").resolve("out.bin");
        final NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> AtomicFiles.write(f, ch -> { }));
        assertEquals(dir.resolve("missing") + ": output directory does not exist", e.getMessage());
        assertEquals(false, Files.exists(dir.resolve("missing")));
    }
}
