package dev.audiocat.ledger;

import java.io.Serializable;
import java.time.Instant;

/** Half-open interval [from, until); {@code until == null} means open-ended. */
public record Validity(Instant from, Instant until) implements Serializable {
    public Validity {
        if (from == null) {
            throw new IllegalArgumentException("valid_from is required");
        }
        if (until != null && !until.isAfter(from)) {
            throw new IllegalArgumentException("valid_until " + until + " is not after valid_from " + from);
        }
    }

    public boolean contains(Instant t) {
        return !t.isBefore(from) && (until == null || t.isBefore(until));
    }

    public boolean overlaps(Validity o) {
        boolean thisEndsBefore = until != null && !until.isAfter(o.from);
        boolean otherEndsBefore = o.until != null && !o.until.isAfter(from);
        return !thisEndsBefore && !otherEndsBefore;
    }

    /** This interval cut at {@code end} (for revocations and replaced splits). */
    public Validity endingAt(Instant end) {
        if (until != null && !end.isBefore(until)) {
            return this;
        }
        if (!end.isAfter(from)) {
            return null; // never in force
        }
        return new Validity(from, end);
    }

    @Override
    public String toString() {
        return "[" + from + ", " + (until == null ? "open" : until.toString()) + ")";
    }
}
