package dev.audiocat.pipelines.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One ingest per catalog: a second writer is refused with who holds the catalog, and a dead holder leaves no lock behind. */
class CatalogLockTest {

    @TempDir
    Path dir;

    @Test
    void aSecondRunInThisJvmIsRefusedUntilTheFirstEnds() {
        Path catalog = dir.resolve("catalog");
        try (CatalogLock first = CatalogLock.acquire(catalog, "ingest of /music/a")) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> CatalogLock.acquire(catalog, "ingest of /music/b"));
            assertTrue(e.getMessage().startsWith(catalog + ": another ingest is writing this catalog ("
                    + ProcessHandle.current().pid() + "@"), e.getMessage());
            assertTrue(e.getMessage().contains("ingest of /music/a") && e.getMessage().endsWith("give this run another --out"), e.getMessage());
            // the same folder by another spelling is the same catalog
            assertThrows(IllegalStateException.class, () -> CatalogLock.acquire(dir.resolve("./catalog"), "ingest of /music/c"));
            assertThrows(IllegalStateException.class, () -> CatalogLock.acquire(java.nio.file.Files.createSymbolicLink(dir.resolve("link"), catalog),
                    "ingest of /music/c"));
        }
        CatalogLock.acquire(catalog, "ingest of /music/b").close();
    }

    @Test
    void anotherProcessHoldingTheCatalogIsNamedAndItsDeathFreesIt() throws Exception {
        Path catalog = dir.resolve("catalog");
        Process holder = holder(catalog);
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> CatalogLock.acquire(catalog, "ingest of /music/b"));
            assertTrue(e.getMessage().contains("(" + holder.pid() + "@") && e.getMessage().contains("ingest of /music/held"), e.getMessage());
        } finally {
            holder.destroyForcibly(); // kill -9: the kernel drops its lock, no stale lock file to clean up
            assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
        }
        CatalogLock.acquire(catalog, "ingest of /music/b").close();
        // a holder that ends normally frees it too
        Process second = holder(catalog);
        assertThrows(IllegalStateException.class, () -> CatalogLock.acquire(catalog, "ingest of /music/c"));
        second.getOutputStream().close();
        assertTrue(second.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, second.exitValue());
        CatalogLock.acquire(catalog, "ingest of /music/c").close();
    }

    /** A JVM that holds the catalog's lock until its standard input closes; returns once it holds it. */
    private static Process holder(Path catalog) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Holder.class.getName(), catalog.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("held", out.readLine());
        return p;
    }

    /** Child process main: takes the lock, says so, waits for its standard input to close. */
    public static final class Holder {
        public static void main(String[] args) throws Exception {
            try (CatalogLock lock = CatalogLock.acquire(Path.of(args[0]), "ingest of /music/held")) {
                System.out.println("held");
                System.out.flush();
                while (System.in.read() >= 0) {
                    // until the parent closes it
                }
            }
        }
    }
}
