package dev.audiocat.ledger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.audiocat.ledger.merkle.MerkleTree;
import dev.audiocat.ledger.store.LocalFolderStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerTest {
    @TempDir Path dir;

    private Ledger open() throws Exception {
        return Ledger.open(new LocalFolderStore(dir, false), new Ev.TestClock("2025-01-01T00:00:00Z"));
    }

    private static List<SourcedEvent> batch(java.util.Map<String, Object>... events) {
        return java.util.Arrays.stream(events).map(e -> new SourcedEvent(e, "test line ?")).toList();
    }

    @Test
    void appendedEntriesReplayToTheSameStateAndRoot() throws Exception {
        String root;
        try (Ledger l = open()) {
            l.append(batch(Ev.party("ana", "artist"), Ev.party("lbl", "label")));
            l.append(Ev.asset("a1", "lbl"));
            l.append(Ev.split("s1", "a1", "master", "2024-01-01", "ana", "0.6", "lbl", "0.4"));
            assertEquals(3, l.size());
            root = l.head().rootHash();
        }
        try (Ledger again = open()) {
            assertEquals(3, again.size());
            assertEquals(root, again.head().rootHash());
            assertEquals("Name of ana", again.state().party("ana").name());
            assertEquals(2, again.state().splitsForAsset("a1").get(0).shares().size());
            assertEquals(4, again.state().eventCount());
        }
        // the log is canonical JSON lines, each prefixed with its own leaf hash
        List<String> lines = Files.readAllLines(dir.resolve("ledger.log"));
        assertEquals(3, lines.size());
        String json = lines.get(1).substring(65);
        assertTrue(json.startsWith("{\"events\":[{\"asset_id\":\"a1\""), json);
        assertTrue(json.contains("\"prev\":\"" + lines.get(0).substring(0, 64) + "\""), json);
        assertEquals(Hex.encode(MerkleTree.leafHash(MerkleTree.sha256(),
                json.getBytes(java.nio.charset.StandardCharsets.UTF_8))), lines.get(1).substring(0, 64));
    }

    @Test
    void invalidInputNamesLineAndFieldAndWritesNothing() throws Exception {
        try (Ledger l = open()) {
            l.append(batch(Ev.party("ana", "artist"), Ev.party("bob", "artist"), Ev.asset("a1", null)));
            l.append(Ev.split("s1", "a1", "master", "2024-01-01", "ana", "1"));
            byte[] before = Files.readAllBytes(dir.resolve("ledger.log"));

            // shares summing to 99.99%: exact decimals, no tolerance
            ValidationException e = assertThrows(ValidationException.class, () -> l.append(List.of(
                    new SourcedEvent(Ev.party("cy", "artist"), "in.json line 1"),
                    new SourcedEvent(Ev.split("s2", "a1", "publishing", "2024-01-01", "ana", "0.3333",
                            "bob", "0.6666"), "in.json line 2"))));
            assertEquals(1, e.errors().size());
            assertEquals("in.json line 2", e.errors().get(0).origin());
            assertEquals("shares", e.errors().get(0).field());
            assertTrue(e.errors().get(0).message().contains("0.9999"), e.getMessage());

            // overlapping validity with s1 (same asset and right type)
            e = assertThrows(ValidationException.class, () -> l.append(batch(
                    Ev.split("s3", "a1", "master", "2024-06-01", "bob", "1"))));
            assertEquals("valid_from", e.errors().get(0).field());
            assertTrue(e.errors().get(0).message().contains("overlaps split s1"), e.getMessage());

            // consent for an unknown asset, and a floating-point share
            e = assertThrows(ValidationException.class, () -> l.append(batch(
                    Ev.consent("c1", "nope", "ai_training", "allowed", List.of("WORLD"), "2024-01-01", null),
                    Ev.split("s4", "a1", "publishing", "2024-01-01", "ana", new java.math.BigDecimal("1.0")))));
            assertEquals(2, e.errors().size());
            assertEquals("asset_id", e.errors().get(0).field());
            assertTrue(e.errors().get(0).message().contains("unknown asset nope"));
            assertEquals("shares[0].share", e.errors().get(1).field());

            assertEquals(2, l.size());
            assertArrayEquals(before, Files.readAllBytes(dir.resolve("ledger.log")));

            // a replacement ends s1 where it starts, so no overlap
            l.append(Ev.of("type", "split", "split_id", "s5", "asset_id", "a1", "right_type", "master",
                    "valid_from", "2024-06-01", "replaces", "s1", "shares",
                    List.of(Ev.of("party_id", "ana", "share", "0.5"), Ev.of("party_id", "bob", "share", "0.50"))));
            assertEquals(3, l.size());
        }
    }

    @Test
    void checkpointsAreSignedAndProofsVerify() throws Exception {
        KeyPair key = CheckpointKeys.generate();
        try (Ledger l = open()) {
            l.append(Ev.party("ana", "artist"));
            for (int i = 0; i < 6; i++) {
                l.append(Ev.asset("a" + i, "ana"));
            }
            SignedCheckpoint first = l.checkpoint(key);
            assertEquals(7, first.treeSize());
            assertTrue(first.verify(key.getPublic()));
            assertFalse(first.verify(CheckpointKeys.generate().getPublic()));
            for (int i = 6; i < 11; i++) {
                l.append(Ev.asset("a" + i, "ana"));
            }
            SignedCheckpoint second = l.checkpoint(key);
            assertEquals(12, second.treeSize());

            Ledger.InclusionProof p = l.prove(3, second.treeSize());
            assertTrue(p.verify());
            assertEquals(second.rootHash(), p.rootHash());
            List<byte[]> cons = l.consistency(first.treeSize(), second.treeSize()).stream()
                    .map(Hex::decode).toList();
            assertTrue(MerkleTree.verifyConsistency(7, 12, first.rootBytes(), second.rootBytes(), cons));

            // a different key cannot sign for this ledger
            assertThrows(java.io.IOException.class, () -> l.checkpoint(CheckpointKeys.generate()));
            assertEquals(2, l.checkpoints().size());
            Verifier.Report r = Verifier.verify(l.store());
            assertTrue(r.ok(), String.valueOf(r));
            assertEquals(2, r.checkpointsChecked());
            assertEquals(12, r.validEntries());
            Verifier.Report fromCp = Verifier.verify(l.store(), null, first);
            assertTrue(fromCp.ok(), String.valueOf(fromCp));
        }
    }

    @Test
    void fastTimeParsingAgreesWithTheJdk() {
        java.util.Random rnd = new java.util.Random(5);
        for (int i = 0; i < 5_000; i++) {
            java.time.Instant t = java.time.Instant.ofEpochSecond(rnd.nextLong(253_402_300_799L),
                    i % 3 == 0 ? 0 : i % 3 == 1 ? rnd.nextInt(1000) * 1_000_000 : rnd.nextInt(1_000_000_000));
            byte[] b = t.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            assertEquals(t, LogEntry.fastInstant(b, 0, b.length), t.toString());
        }
        byte[] odd = "2024-02-30T00:00:00Z".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertEquals(null, LogEntry.fastInstant(odd, 0, odd.length));
    }

    @Test
    void keysPersistUnderTheHome() throws Exception {
        Path f = dir.resolve("keys/ledger-ed25519.key");
        KeyPair a = CheckpointKeys.loadOrCreate(f);
        KeyPair b = CheckpointKeys.loadOrCreate(f);
        assertEquals(a.getPublic(), b.getPublic());
        assertArrayEquals(a.getPrivate().getEncoded(), b.getPrivate().getEncoded());
        assertNotNull(CheckpointKeys.keyId(a.getPublic()));
    }
}
