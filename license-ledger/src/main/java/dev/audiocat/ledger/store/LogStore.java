package dev.audiocat.ledger.store;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Where the ledger's records live. A record is one framed log entry (see
 * {@code dev.audiocat.ledger.LogEntry}); the store knows nothing about its content. Records are
 * numbered from 0 without gaps; record n can only be created once, and only after n-1 exists
 * (writers must have read n-1 to hash-chain to it).
 *
 * <p>Implementations must make {@link #tryAppend} atomic with respect to every other writer, in
 * this process and in others: a torn or partial record must never become visible as a record.
 */
public interface LogStore extends Closeable {

    /** Receives records in sequence order. */
    interface RecordSink {
        void accept(long seq, byte[] record) throws IOException;
    }

    /** A readable description, e.g. the folder or {@code s3://bucket/prefix}. */
    String location();

    /**
     * Streams records {@code from, from+1, ...} until the end of the log (as seen when the call
     * reaches it). Returns the number of records delivered.
     */
    long read(long from, RecordSink sink) throws IOException;

    /**
     * Writes record {@code seq} if and only if it does not exist yet. Returns false when another
     * writer got there first (the caller catches up and retries), never overwrites anything.
     */
    boolean tryAppend(long seq, byte[] record) throws IOException;

    /** Stores a signed checkpoint (canonical JSON) under its tree size; false if one exists. */
    boolean putCheckpoint(long treeSize, byte[] json) throws IOException;

    /** All stored checkpoints, ordered by tree size. */
    List<byte[]> checkpoints() throws IOException;

    /** A small named metadata object (e.g. the checkpoint public key). */
    Optional<byte[]> getMeta(String name) throws IOException;

    /** Creates a metadata object if it does not exist; returns false if it already existed. */
    boolean putMetaIfAbsent(String name, byte[] content) throws IOException;

    /** Non-record bytes found at the end of the log (a writer that died mid-append), or 0. */
    default long tornTailBytes() throws IOException {
        return 0;
    }
}
