package dev.audiocat.ledger;

/** The stored log does not verify; {@link #firstBadSeq()} is the first entry that is wrong. */
public final class LedgerCorruptException extends java.io.IOException {
    private static final long serialVersionUID = 1L;
    private final long firstBadSeq;

    public LedgerCorruptException(String location, long firstBadSeq, String message) {
        super(location + ": " + message + " — run 'audiocat ledger verify' for a full report");
        this.firstBadSeq = firstBadSeq;
    }

    public long firstBadSeq() {
        return firstBadSeq;
    }
}
