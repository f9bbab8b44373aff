package dev.audiocat.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.audiocat.ledger.store.LocalFolderStore;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Property: for random ledgers (fixed seed) sealed by a signed checkpoint, every single-byte
 * flip, dropped entry, swapped pair and inserted entry is detected, and the verifier names the
 * first bad sequence number.
 */
class TamperTest {
    static final long SEED = 20261122L;
    static final int LEDGERS = 100;

    enum Kind { FLIP, DROP, SWAP, INSERT_COPY, INSERT_FORGED }

    @TempDir Path dir;

    @Test
    void everyTamperingIsDetectedAtTheFirstBadEntry() throws Exception {
        Random rnd = new Random(SEED);
        KeyPair key = CheckpointKeys.generate();
        Map<Kind, Integer> seen = new EnumMap<>(Kind.class);
        int cases = 0;
        for (int n = 0; n < LEDGERS; n++) {
            Path original = dir.resolve("l" + n);
            int entries = 2 + rnd.nextInt(40);
            try (Ledger l = Ledger.open(new LocalFolderStore(original, false))) {
                for (int i = 0; i < entries; i++) {
                    List<SourcedEvent> batch = new ArrayList<>();
                    int events = 1 + rnd.nextInt(3);
                    for (int k = 0; k < events; k++) {
                        batch.add(SourcedEvent.of(Ev.party("p" + i + "-" + k + "-" + rnd.nextInt(1000),
                                rnd.nextBoolean() ? "artist" : "label")));
                    }
                    l.append(batch);
                }
                l.checkpoint(key);
            }
            List<byte[]> lines = lines(Files.readAllBytes(original.resolve("ledger.log")));
            assertEquals(entries, lines.size());
            assertTrue(Verifier.verify(new LocalFolderStore(original, false)).ok());

            for (int m = 0; m < 5; m++) {
                Kind kind = Kind.values()[rnd.nextInt(Kind.values().length)];
                List<byte[]> t = new ArrayList<>(lines);
                long expected;
                byte[] file;
                switch (kind) {
                    case FLIP -> {
                        byte[] whole = join(t);
                        int pos = rnd.nextInt(whole.length);
                        whole[pos] ^= (byte) (1 << rnd.nextInt(8));
                        file = whole;
                        expected = lineOf(lines, pos);
                    }
                    case DROP -> {
                        int k = rnd.nextInt(entries);
                        t.remove(k);
                        file = join(t);
                        expected = k;
                    }
                    case SWAP -> {
                        if (entries < 2) {
                            continue;
                        }
                        int k = rnd.nextInt(entries - 1);
                        byte[] a = t.get(k);
                        t.set(k, t.get(k + 1));
                        t.set(k + 1, a);
                        file = join(t);
                        expected = k;
                    }
                    case INSERT_COPY -> {
                        int k = rnd.nextInt(entries + 1);
                        int j = rnd.nextInt(entries);
                        t.add(k, lines.get(j));
                        file = join(t);
                        // a replayed copy of entry j sits at k; if j == k it equals the real one, which is then out of place
                        expected = j == k ? k + 1 : k;
                    }
                    case INSERT_FORGED -> {
                        // well-formed entry k with the right seq, prev and hash: only its successor shows it
                        int k = 1 + rnd.nextInt(entries);
                        LogEntry prev = LogEntry.parse(k - 1, lines.get(k - 1),
                                k - 1 == 0 ? LogEntry.GENESIS_PREV : leafOf(lines.get(k - 2)), null,
                                dev.audiocat.ledger.merkle.MerkleTree.sha256());
                        LogEntry forged = LogEntry.create(k, prev.leafHash(), prev.time(),
                                List.of(Ev.party("forger", "label")), dev.audiocat.ledger.merkle.MerkleTree.sha256());
                        t.add(k, forged.record());
                        file = join(t);
                        // k == entries: appended after the checkpoint, which is a valid append, not tampering.
                        // Otherwise the original entry k, now at k + 1, no longer chains — unless the signed
                        // checkpoint ends exactly there: then its root exposes a consistent rewrite, which can
                        // only be placed after the last checkpoint that still matches (none here: 0).
                        expected = k == entries ? -1 : k + 1 == entries ? 0 : k + 1;
                    }
                    default -> throw new IllegalStateException();
                }
                Path copy = dir.resolve("l" + n + "-" + m);
                Files.createDirectories(copy);
                Files.write(copy.resolve("ledger.log"), file);
                copyTree(original.resolve("checkpoints"), copy.resolve("checkpoints"));
                copyTree(original.resolve("meta"), copy.resolve("meta"));
                Verifier.Report r = Verifier.verify(new LocalFolderStore(copy, false));
                String what = kind + " in ledger " + n + " of " + entries + " entries: " + r;
                assertEquals(expected, r.firstBadSeq(), what);
                if (expected >= 0) {
                    assertFalse(r.ok(), what);
                }
                seen.merge(kind, 1, Integer::sum);
                cases++;
            }
        }
        assertTrue(cases >= LEDGERS * 4, "ran " + cases + " cases");
        for (Kind k : Kind.values()) {
            assertTrue(seen.getOrDefault(k, 0) >= 50, k + " ran " + seen.get(k) + " times");
        }
    }

    @Test
    void openingACorruptLedgerFailsWithTheSequenceNumber() throws Exception {
        try (Ledger l = Ledger.open(new LocalFolderStore(dir, false))) {
            for (int i = 0; i < 5; i++) {
                l.append(Ev.party("p" + i, "artist"));
            }
        }
        Path log = dir.resolve("ledger.log");
        String text = Files.readString(log).replace("Name of p2", "Name of P2");
        Files.writeString(log, text);
        LedgerCorruptException e = org.junit.jupiter.api.Assertions.assertThrows(
                LedgerCorruptException.class, () -> Ledger.open(new LocalFolderStore(dir, false)));
        assertEquals(2, e.firstBadSeq());
    }

    @Test
    void checkpointsCatchConsistentRewritesAndGuardTheTrustedPrefix() throws Exception {
        KeyPair key = CheckpointKeys.generate();
        SignedCheckpoint at4;
        try (Ledger l = Ledger.open(new LocalFolderStore(dir, false))) {
            for (int i = 0; i < 10; i++) {
                l.append(Ev.party("p" + i, "artist"));
                if (i == 3 || i == 6) {
                    l.checkpoint(key);
                }
            }
            at4 = l.checkpoints().get(0);
            l.checkpoint(key); // size 10
        }
        assertEquals(4, at4.treeSize());
        Path log = dir.resolve("ledger.log");
        List<byte[]> lines = lines(Files.readAllBytes(log));
        // an attacker rewrites entry 5 and everything after it, recomputing every hash and link
        List<byte[]> forged = new ArrayList<>(lines.subList(0, 5));
        java.security.MessageDigest md = dev.audiocat.ledger.merkle.MerkleTree.sha256();
        LogEntry prev = LogEntry.parse(4, lines.get(4), leafOf(lines.get(3)), null, md);
        for (int i = 5; i < 10; i++) {
            LogEntry e = LogEntry.create(i, prev.leafHash(), prev.time(), List.of(Ev.party("forged" + i, "label")), md);
            forged.add(e.record());
            prev = e;
        }
        Files.write(log, join(forged));
        Verifier.Report r = Verifier.verify(new LocalFolderStore(dir, false));
        assertFalse(r.ok());
        assertEquals(4, r.firstBadSeq(), "the last checkpoint that still matches is at 4: " + r);
        assertTrue(r.problem().contains("rewritten consistently"), r.problem());
        // trusting the checkpoint at 4 still finds it; damage before the trusted checkpoint is found too
        assertEquals(4, Verifier.verify(new LocalFolderStore(dir, false), null, at4).firstBadSeq());
        List<byte[]> early = new ArrayList<>(lines);
        early.set(1, early.get(1).clone());
        early.get(1)[80] ^= 4;
        Files.write(log, join(early));
        assertEquals(1, Verifier.verify(new LocalFolderStore(dir, false), null, at4).firstBadSeq());
        // a checkpoint signed by another key is refused
        Files.write(log, join(lines));
        assertTrue(Verifier.verify(new LocalFolderStore(dir, false)).ok());
        Verifier.Report pinned = Verifier.verify(new LocalFolderStore(dir, false),
                CheckpointKeys.generate().getPublic(), null);
        assertFalse(pinned.ok());
        assertTrue(pinned.problem().contains("no valid signature"), pinned.problem());
    }

    private static byte[] leafOf(byte[] record) {
        return Hex.decode(new String(record, 0, 64, StandardCharsets.US_ASCII));
    }

    private static long lineOf(List<byte[]> lines, int pos) {
        int at = 0;
        for (int i = 0; i < lines.size(); i++) {
            at += lines.get(i).length + 1;
            if (pos < at) {
                return i;
            }
        }
        throw new IllegalStateException();
    }

    static List<byte[]> lines(byte[] file) {
        List<byte[]> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < file.length; i++) {
            if (file[i] == '\n') {
                out.add(java.util.Arrays.copyOfRange(file, start, i));
                start = i + 1;
            }
        }
        return out;
    }

    static byte[] join(List<byte[]> lines) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] l : lines) {
            b.writeBytes(l);
            b.write('\n');
        }
        return b.toByteArray();
    }

    static void copyTree(Path from, Path to) throws java.io.IOException {
        Files.createDirectories(to);
        try (var s = Files.list(from)) {
            for (Path p : s.toList()) {
                Files.copy(p, to.resolve(p.getFileName()));
            }
        }
    }
}
