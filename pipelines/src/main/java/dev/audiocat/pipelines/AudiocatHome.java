package dev.audiocat.pipelines;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where audiocat keeps its own state: natives, provisioned services, indexes, default outputs.
 * The system property {@code audiocat.home} wins, then the environment variable {@code AUDIOCAT_HOME},
 * then {@code ~/.audiocat}.
 */
public final class AudiocatHome {

    private AudiocatHome() {
    }

    public static Path get() {
        String p = System.getProperty("audiocat.home");
        if (p == null || p.isBlank()) {
            p = System.getenv("AUDIOCAT_HOME");
        }
        if (p == null || p.isBlank()) {
            p = System.getProperty("user.home") + "/.audiocat";
        }
        return Path.of(p).toAbsolutePath();
    }

    /** A folder under the home, created if missing. */
    public static Path dir(String first, String... more) {
        Path d = get().resolve(Path.of(first, more));
        try {
            Files.createDirectories(d);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + d + " under the audiocat home; set AUDIOCAT_HOME to a writable folder", e);
        }
        return d;
    }
}
