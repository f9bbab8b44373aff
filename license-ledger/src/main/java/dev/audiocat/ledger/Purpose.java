package dev.audiocat.ledger;

import java.util.Locale;

/** What an asset may be used for; the wire names are those of the catalog columns. */
public enum Purpose {
    CATALOG("catalog"),
    COMMERCIAL_LICENSE("commercial_license"),
    AI_TRAINING("ai_training"),
    AI_GENERATIVE_TRAINING("ai_generative_training");

    private final String wire;

    Purpose(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static Purpose parse(String s) {
        for (Purpose p : values()) {
            if (p.wire.equals(s) || p.name().equals(s.toUpperCase(Locale.ROOT))) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown purpose '" + s
                + "' (use catalog, commercial_license, ai_training or ai_generative_training)");
    }
}
