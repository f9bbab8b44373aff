package dev.audiocat.ledger;

import java.nio.file.Path;

/** {@code audiocat.home} system property, else {@code AUDIOCAT_HOME}, else {@code ~/.audiocat}. */
public final class AudiocatHome {
    private AudiocatHome() {}

    public static Path dir() {
        String p = System.getProperty("audiocat.home");
        if (p == null || p.isBlank()) {
            p = System.getenv("AUDIOCAT_HOME");
        }
        if (p == null || p.isBlank()) {
            return Path.of(System.getProperty("user.home"), ".audiocat");
        }
        return Path.of(p);
    }

    /** The default ledger location: {@code $AUDIOCAT_HOME/ledger}. */
    public static Path defaultLedger() {
        return dir().resolve("ledger");
    }
}
