package dev.audiocat.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalElasticsearchTest {

    private static Path zip(Path file, String... names) throws IOException {
        try (OutputStream o = Files.newOutputStream(file); ZipOutputStream z = new ZipOutputStream(o)) {
            for (String n : names) {
                z.putNextEntry(new ZipEntry(n));
                z.write(n.getBytes(StandardCharsets.UTF_8));
                z.closeEntry();
            }
        }
        return file;
    }

    @Test
    void unpacksWithExecutableLaunchScripts(@TempDir Path dir) throws IOException {
        Path z = zip(dir.resolve("es.zip"), "es-1/bin/elasticsearch", "es-1/lib/server.jar", "es-1/config/jvm.options");
        LocalElasticsearch.unpack(z, dir.resolve("out"));
        assertTrue(Files.isExecutable(dir.resolve("out/es-1/bin/elasticsearch")));
        assertFalse(Files.isExecutable(dir.resolve("out/es-1/lib/server.jar")));
        assertEquals("es-1/config/jvm.options", Files.readString(dir.resolve("out/es-1/config/jvm.options")));
    }

    @Test
    void refusesEntriesOutsideTheTarget(@TempDir Path dir) throws IOException {
        Path z = zip(dir.resolve("evil.zip"), "es-1/ok.txt", "../escaped.txt");
        IOException e = assertThrows(IOException.class, () -> LocalElasticsearch.unpack(z, dir.resolve("out")));
        assertTrue(e.getMessage().contains("../escaped.txt"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("escaped.txt")));
    }

    @Test
    void nonRootKeepsTheNodeUnderTheHome(@TempDir Path home) throws IOException {
        assertEquals(home.resolve("elasticsearch"), LocalElasticsearch.esRoot(home, false));
    }

    @Test
    void nothingRecordedMeansNotRunning(@TempDir Path home) throws IOException {
        assertTrue(LocalElasticsearch.running(home).isEmpty());
        assertFalse(LocalElasticsearch.stop(home));
    }
}
