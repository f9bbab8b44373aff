package dev.audiocat.ledger;

import java.io.Serializable;
import java.time.Instant;

/** Where a fact came from: the log entry that recorded it and when the ledger learned it. */
public record Fact(long seq, Instant recorded) implements Serializable {
    /** Whether a reader limited to the first {@code treeSize} entries, knowing what was recorded by {@code knownAt}, sees it. */
    public boolean visible(Horizon h) {
        return seq < h.treeSize() && !recorded.isAfter(h.knownAt());
    }
}
