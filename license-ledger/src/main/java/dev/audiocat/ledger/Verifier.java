package dev.audiocat.ledger;

import dev.audiocat.ledger.merkle.MerkleTree;
import dev.audiocat.ledger.store.LogStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Checks a stored log end to end: every record's hash, canonical form, sequence number, chain
 * and time order, then every signed checkpoint (signature under the ledger's key, or a pinned
 * one, and the Merkle root at its size). Reports the first bad sequence number instead of
 * throwing, so that a damaged ledger can still be inspected.
 *
 * <p>Detection, by kind of damage: a changed byte fails that entry's hash (or its framing); a
 * dropped, reordered or duplicated entry puts a wrong sequence number at its position; a forged
 * but well-formed entry breaks the chain at its successor, and a forgery at the end, or a
 * truncated log, is caught by any signed checkpoint covering it.
 */
public final class Verifier {
    private Verifier() {}

    public record Report(String location, long validEntries, long firstBadSeq, String problem,
            int checkpointsChecked, long tornTailBytes, String rootHash, long millis) {
        public boolean ok() {
            return firstBadSeq < 0;
        }
    }

    public static Report verify(LogStore store) throws IOException {
        return verify(store, null, null);
    }

    /**
     * @param pinnedKey trust only checkpoints signed by this key (null: the key stored in the ledger)
     * @param from a trusted checkpoint: entries before it are only hashed (their root must equal
     *     the checkpoint's), entries after it are fully checked. Null: check every entry.
     */
    public static Report verify(LogStore store, PublicKey pinnedKey, SignedCheckpoint from)
            throws IOException {
        long t0 = System.nanoTime();
        MessageDigest md = MerkleTree.sha256();
        MerkleTree tree = new MerkleTree();
        long[] bad = {-1};
        String[] why = {null};
        byte[][] last = {LogEntry.GENESIS_PREV};
        Instant[] lastTime = {Instant.EPOCH};
        long fastUntil = from == null ? 0 : from.treeSize();
        store.read(0, (seq, record) -> {
            if (bad[0] >= 0) {
                return;
            }
            if (seq < fastUntil) {
                // trusted prefix: hash only; the checkpoint root below proves it unchanged
                int sp = 2 * MerkleTree.HASH_BYTES;
                if (record.length < sp + 2 || record[sp] != ' ') {
                    bad[0] = seq;
                    why[0] = "entry " + seq + ": malformed record";
                    return;
                }
                byte[] leaf = MerkleTree.leafHash(md, Arrays.copyOfRange(record, sp + 1, record.length));
                tree.appendLeafHash(leaf);
                last[0] = leaf;
                if (seq == fastUntil - 1) {
                    try {
                        lastTime[0] = LogEntry.parse(seq, record, lastPrevFor(tree), Instant.EPOCH, md).time();
                    } catch (LogEntry.BadEntryException e) {
                        bad[0] = e.seq();
                        why[0] = e.getMessage();
                    }
                }
                return;
            }
            try {
                LogEntry.Envelope e = LogEntry.parseEnvelope(seq, record, last[0], lastTime[0], md);
                tree.appendLeafHash(e.leafHash());
                last[0] = e.leafHash();
                lastTime[0] = e.time();
            } catch (LogEntry.BadEntryException e) {
                bad[0] = e.seq();
                why[0] = e.getMessage();
            }
        });
        if (from != null && bad[0] < 0) {
            if (tree.size() < from.treeSize()) {
                bad[0] = tree.size();
                why[0] = "the log ends at " + tree.size() + " entries but the trusted checkpoint covers "
                        + from.treeSize();
            } else if (!MessageDigest.isEqual(tree.root(from.treeSize()), from.rootBytes())) {
                // the trusted prefix changed: find where, the slow way
                return verify(store, pinnedKey, null);
            }
        }

        PublicKey key = pinnedKey;
        if (key == null) {
            Optional<byte[]> stored = store.getMeta("checkpoint-key.pub");
            if (stored.isPresent()) {
                try {
                    key = CheckpointKeys.publicKey(new String(stored.get(), StandardCharsets.US_ASCII));
                } catch (GeneralSecurityException | IllegalArgumentException e) {
                    return report(store, tree, 0, "meta/checkpoint-key.pub is not an Ed25519 public key", 0, t0);
                }
            }
        }
        long validEntries = bad[0] >= 0 ? bad[0] : tree.size();
        List<SignedCheckpoint> cps = new ArrayList<>();
        for (byte[] b : store.checkpoints()) {
            try {
                cps.add(SignedCheckpoint.parse(b));
            } catch (RuntimeException e) {
                return report(store, tree, Math.min(validEntries, 0), "unreadable checkpoint: " + e.getMessage(), 0, t0);
            }
        }
        if (from != null) {
            cps.add(from);
        }
        int checked = 0;
        for (SignedCheckpoint cp : cps) {
            if (key == null || !cp.verify(key)) {
                String p = "checkpoint at tree size " + cp.treeSize() + " has no valid signature"
                        + (key == null ? " (the ledger has no checkpoint key)" : " by key " + CheckpointKeys.keyId(key));
                return report(store, tree, Math.min(validEntries, cp.treeSize()), p, checked, t0);
            }
            if (cp.treeSize() > validEntries) {
                if (bad[0] < 0) {
                    bad[0] = validEntries;
                    why[0] = "the log ends at " + validEntries + " entries but a signed checkpoint covers "
                            + cp.treeSize() + ": entries from " + validEntries + " on were removed";
                }
                continue;
            }
            if (!MessageDigest.isEqual(tree.root(cp.treeSize()), cp.rootBytes())) {
                long goodUpTo = 0;
                for (SignedCheckpoint c2 : cps) {
                    if (c2.treeSize() < cp.treeSize() && c2.treeSize() > goodUpTo
                            && MessageDigest.isEqual(tree.root(c2.treeSize()), c2.rootBytes())) {
                        goodUpTo = c2.treeSize();
                    }
                }
                return report(store, tree, goodUpTo, "the Merkle root of the first " + cp.treeSize()
                        + " entries differs from the signed checkpoint: entries between " + goodUpTo + " and "
                        + (cp.treeSize() - 1) + " were rewritten consistently (a forgery)", checked, t0);
            }
            checked++;
        }
        if (bad[0] >= 0) {
            return report(store, tree, bad[0], why[0], checked, t0);
        }
        return new Report(store.location(), tree.size(), -1, null, checked, store.tornTailBytes(),
                Hex.encode(tree.root()), (System.nanoTime() - t0) / 1_000_000);
    }

    private static byte[] lastPrevFor(MerkleTree tree) {
        return tree.size() >= 2 ? tree.leafHashAt(tree.size() - 2) : LogEntry.GENESIS_PREV;
    }

    private static Report report(LogStore store, MerkleTree tree, long firstBad, String problem,
            int checked, long t0) throws IOException {
        return new Report(store.location(), firstBad, firstBad, problem, checked, store.tornTailBytes(),
                Hex.encode(tree.root(Math.min(firstBad, tree.size()))), (System.nanoTime() - t0) / 1_000_000);
    }
}
