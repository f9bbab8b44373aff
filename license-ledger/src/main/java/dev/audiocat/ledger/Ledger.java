package dev.audiocat.ledger;

import dev.audiocat.ledger.merkle.MerkleTree;
import dev.audiocat.ledger.store.LogStore;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The license ledger: an append-only, hash-chained log of rights events with a Merkle tree over
 * its entries, replayed into a {@link LedgerState}.
 *
 * <p>Appending is optimistic: validate the batch against the state at the current head, try to
 * create the next record, and if another writer took that sequence number, catch up (replaying
 * its entry), validate again and retry. A batch is one entry, so it is written entirely or not at
 * all, and validation always ran against exactly the entries that precede it.
 */
public final class Ledger implements Closeable {
    private static final int MAX_ATTEMPTS = 100_000;

    private final LogStore store;
    private final Clock clock;
    private final MessageDigest md = MerkleTree.sha256();
    private final MerkleTree tree = new MerkleTree();
    private final LedgerState state = new LedgerState();
    private byte[] lastHash = LogEntry.GENESIS_PREV;
    private Instant lastTime = Instant.EPOCH;
    private long conflicts;

    private Ledger(LogStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Opens and replays the whole log; fails with the first bad sequence number if it does not verify. */
    public static Ledger open(LogStore store, Clock clock) throws IOException {
        Ledger l = new Ledger(store, clock);
        l.refresh();
        return l;
    }

    public static Ledger open(LogStore store) throws IOException {
        return open(store, Clock.systemUTC());
    }

    /** A folder, {@code s3://bucket/prefix}, or null/blank for {@code $AUDIOCAT_HOME/ledger}. */
    public static Ledger open(String location) throws IOException {
        return open(LedgerLocation.open(location), Clock.systemUTC());
    }

    public LogStore store() {
        return store;
    }

    public synchronized long size() {
        return tree.size();
    }

    public synchronized TreeHead head() {
        return new TreeHead(tree.size(), Hex.encode(tree.root()));
    }

    public synchronized TreeHead head(long treeSize) {
        return new TreeHead(treeSize, Hex.encode(tree.root(treeSize)));
    }

    /** Tree size and Merkle root: what an answer was computed from. */
    public record TreeHead(long treeSize, String rootHash) implements java.io.Serializable {}

    /** The replayed state; do not use while another thread appends to this instance. */
    public LedgerState state() {
        return state;
    }

    public ConsentGate gate() {
        return new ConsentGate(state);
    }

    /** How many times an append found its sequence number taken by another writer. */
    public synchronized long conflicts() {
        return conflicts;
    }

    /** Reads entries other writers appended since this instance last looked. */
    public synchronized void refresh() throws IOException {
        long[] problem = {-1};
        String[] why = {null};
        store.read(tree.size(), (seq, record) -> {
            if (problem[0] >= 0) {
                return;
            }
            try {
                LogEntry e = LogEntry.parse(seq, record, lastHash, lastTime, md);
                accept(e);
            } catch (LogEntry.BadEntryException ex) {
                problem[0] = ex.seq();
                why[0] = ex.getMessage();
            }
        });
        if (problem[0] >= 0) {
            throw new LedgerCorruptException(store.location(), problem[0], why[0]);
        }
    }

    private void accept(LogEntry e) {
        tree.appendLeafHash(e.leafHash());
        state.apply(e.events(), e.seq(), e.time());
        lastHash = e.leafHash();
        lastTime = e.time();
    }

    /** Appends one event. */
    public LogEntry append(Map<String, Object> event) throws ValidationException, IOException {
        return append(List.of(SourcedEvent.of(event)));
    }

    /**
     * Validates the batch and appends it as one entry. Throws {@link ValidationException} listing
     * every error (by input line and field) and writes nothing if any event is invalid.
     */
    public synchronized LogEntry append(List<SourcedEvent> batch)
            throws ValidationException, IOException {
        if (batch.isEmpty()) {
            throw new IllegalArgumentException("nothing to append");
        }
        List<Map<String, Object>> events = new ArrayList<>(batch.size());
        for (SourcedEvent e : batch) {
            events.add(e.event());
        }
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            List<ValidationError> errors = state.validate(batch);
            if (!errors.isEmpty()) {
                throw new ValidationException(errors);
            }
            Instant now = clock.instant();
            Instant time = now.isBefore(lastTime) ? lastTime : now;
            LogEntry entry = LogEntry.create(tree.size(), lastHash, time, events, md);
            if (store.tryAppend(entry.seq(), entry.record())) {
                accept(entry);
                return entry;
            }
            conflicts++;
            if (attempt > 2) {
                backoff(attempt);
            }
            refresh();
        }
        throw new IOException(store.location() + ": gave up appending after " + MAX_ATTEMPTS
                + " conflicts with other writers");
    }

    private static void backoff(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextInt(1 + Math.min(attempt, 20)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Signs and stores a checkpoint of the current tree head. The first checkpoint records the
     * public key in the ledger; later checkpoints must be signed by the same key.
     */
    public synchronized SignedCheckpoint checkpoint(KeyPair key) throws IOException {
        refresh();
        byte[] pub = CheckpointKeys.publicKeyBytes(key.getPublic());
        store.putMetaIfAbsent("checkpoint-key.pub", pub);
        PublicKey ledgerKey = checkpointKey().orElseThrow();
        if (!ledgerKey.equals(key.getPublic())) {
            throw new IOException(store.location() + " is signed by key "
                    + CheckpointKeys.keyId(ledgerKey) + ", but this key is " + CheckpointKeys.keyId(key.getPublic())
                    + ": use the ledger's key file");
        }
        SignedCheckpoint cp = SignedCheckpoint.sign(tree.size(), tree.root(), clock.instant(),
                CheckpointKeys.keyId(key.getPublic()), key.getPrivate());
        if (!store.putCheckpoint(cp.treeSize(), cp.toJson())) {
            for (SignedCheckpoint old : checkpoints()) {
                if (old.treeSize() == cp.treeSize()) {
                    return old; // same size, same entries: the earlier signature stands
                }
            }
        }
        return cp;
    }

    /** The public key checkpoints are signed with, if any checkpoint was made. */
    public Optional<PublicKey> checkpointKey() throws IOException {
        Optional<byte[]> b = store.getMeta("checkpoint-key.pub");
        if (b.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(CheckpointKeys.publicKey(new String(b.get(), StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException(store.location() + ": meta/checkpoint-key.pub is not an Ed25519 public key", e);
        }
    }

    public List<SignedCheckpoint> checkpoints() throws IOException {
        List<SignedCheckpoint> out = new ArrayList<>();
        for (byte[] b : store.checkpoints()) {
            out.add(SignedCheckpoint.parse(b));
        }
        return out;
    }

    /** Inclusion proof of entry {@code seq} in the tree of size {@code treeSize}. */
    public synchronized InclusionProof prove(long seq, long treeSize) {
        return new InclusionProof(seq, treeSize, Hex.encode(tree.leafHashAt(seq)),
                tree.inclusionProof(seq, treeSize).stream().map(Hex::encode).toList(),
                Hex.encode(tree.root(treeSize)));
    }

    /** Consistency proof that the tree of size {@code second} extends that of size {@code first}. */
    public synchronized List<String> consistency(long first, long second) {
        return tree.consistencyProof(first, second).stream().map(Hex::encode).toList();
    }

    /** An inclusion proof with everything needed to check it against a trusted root. */
    public record InclusionProof(long seq, long treeSize, String leafHash, List<String> path,
            String rootHash) {
        public boolean verify() {
            return MerkleTree.verifyInclusion(seq, treeSize, Hex.decode(leafHash),
                    path.stream().map(Hex::decode).toList(), Hex.decode(rootHash));
        }
    }

    @Override
    public void close() throws IOException {
        store.close();
    }
}
