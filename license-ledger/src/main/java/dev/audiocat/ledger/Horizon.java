package dev.audiocat.ledger;

import java.time.Instant;

/**
 * What a point-in-time question may see: entries below {@code treeSize} recorded no later than
 * {@code knownAt}. "What was true at t" uses {@code knownAt = t}: a consent recorded after t did
 * not exist yet for an export made at t, even if its validity starts earlier.
 */
public record Horizon(long treeSize, Instant knownAt) {
    public static Horizon all() {
        return new Horizon(Long.MAX_VALUE, Instant.MAX);
    }

    public static Horizon knownAt(Instant t) {
        return new Horizon(Long.MAX_VALUE, t);
    }
}
