package dev.audiocat.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.audiocat.ledger.store.LocalFolderStore;
import dev.audiocat.ledger.store.LogStore;
import dev.audiocat.ledger.store.S3Store;
import dev.audiocat.ledger.store.S3TestServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The same ledger guarantees on both backends: concurrent writers lose and duplicate nothing, a
 * writer killed mid-append leaves a log that verifies and takes further appends, and the S3
 * backend runs against a real S3-compatible server on 127.0.0.1.
 */
class LedgerBackendsTest {
    static S3Client s3;

    @TempDir Path dir;

    @BeforeAll
    static void startS3() {
        s3 = S3TestServer.client();
        // how s3:// locations given as strings (CLI, pipeline, workers) reach the test server
        System.setProperty("audiocat.s3.endpoint", S3TestServer.endpoint());
        System.setProperty("aws.accessKeyId", "test");
        System.setProperty("aws.secretAccessKey", "test");
    }

    @Test
    void largeS3SnapshotsTravelAsAPinAndWorkersRebuildTheSameAnswers() throws Exception {
        String bucket = S3TestServer.newBucket(s3);
        String location = "s3://" + bucket + "/pinned";
        try (Ledger l = Ledger.open(location)) {
            l.append(List.of(SourcedEvent.of(Ev.party("ana", "artist")), SourcedEvent.of(Ev.asset("a1", "ana")),
                    SourcedEvent.of(Ev.asset("a2", "ana")),
                    SourcedEvent.of(Ev.split("s1", "a1", "master", "2024-01-01", "ana", "1"))));
            l.append(Ev.consent("c1", "a2", "catalog", "allowed", List.of("WORLD"), "2024-01-01", null));
        }
        RightsSnapshot snap = RightsSnapshot.load(location);
        System.setProperty("audiocat.rights.ship-limit", "1");
        try {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            try (java.io.ObjectOutputStream o = new java.io.ObjectOutputStream(bytes)) {
                o.writeObject(snap);
            }
            assertTrue(bytes.size() < 600, "a pin, not the map: " + bytes.size() + " bytes");
            try (Ledger l = Ledger.open(location)) {
                l.append(Ev.party("later", "label")); // appends after the pin do not change its answers
            }
            RightsSnapshot.Pinned.CACHE.clear();
            RightsSnapshot back = readBack(bytes.toByteArray());
            assertEquals(snap.treeSize(), back.treeSize());
            assertEquals(snap.rootHash(), back.rootHash());
            assertEquals(snap.summarize("a1", null), back.summarize("a1", null));
            assertEquals(snap.summarize("a2", null), back.summarize("a2", null));
            assertEquals("allowed", back.summarize("a2", null).consent().get("catalog"));

            // the ledger is rewritten under the pin: workers refuse instead of answering from other data
            byte[] e0 = s3.getObjectAsBytes(b -> b.bucket(bucket).key("pinned/log/00000000000000000000")).asByteArray();
            s3.putObject(b -> b.bucket(bucket).key("pinned/log/00000000000000000000"),
                    RequestBody.fromBytes(new String(e0, StandardCharsets.UTF_8).replace("Name of ana", "Name of bob")
                            .getBytes(StandardCharsets.UTF_8)));
            RightsSnapshot.Pinned.CACHE.clear();
            java.io.InvalidObjectException e = org.junit.jupiter.api.Assertions.assertThrows(
                    java.io.InvalidObjectException.class, () -> readBack(bytes.toByteArray()));
            assertTrue(e.getMessage().contains("cannot rebuild the rights snapshot from " + location), e.getMessage());
        } finally {
            System.clearProperty("audiocat.rights.ship-limit");
        }
    }

    private static RightsSnapshot readBack(byte[] b) throws Exception {
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(b))) {
            return (RightsSnapshot) in.readObject();
        }
    }

    @AfterAll
    static void closeS3() {
        s3.close();
    }

    interface StoreFactory {
        LogStore open() throws Exception;
    }

    /** 8 writers, each its own Ledger and store instance (as separate processes would be). */
    static void concurrentWritersLoseNothing(StoreFactory stores, int writers, int appendsEach)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        List<Future<Long>> results = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int id = w;
            results.add(pool.submit(() -> {
                try (Ledger l = Ledger.open(stores.open())) {
                    for (int i = 0; i < appendsEach; i++) {
                        l.append(Ev.party("w" + id + "-" + i, "artist"));
                    }
                    return l.conflicts();
                }
            }));
        }
        long conflicts = 0;
        for (Future<Long> f : results) {
            conflicts += f.get(10, TimeUnit.MINUTES);
        }
        pool.shutdown();
        try (Ledger l = Ledger.open(stores.open())) {
            assertEquals((long) writers * appendsEach, l.size());
            assertEquals((long) writers * appendsEach, l.state().eventCount());
            Set<String> ids = new HashSet<>();
            for (Party p : l.state().parties()) {
                ids.add(p.id());
            }
            assertEquals(writers * appendsEach, ids.size(), "every append exactly once");
            for (int w = 0; w < writers; w++) {
                assertTrue(ids.contains("w" + w + "-" + (appendsEach - 1)));
            }
            assertTrue(Verifier.verify(l.store()).ok());
        }
        assertTrue(conflicts > 0, "writers really raced (" + conflicts + " conflicts)");
    }

    @Test
    void localFolderEightWritersTimesAThousand() throws Exception {
        concurrentWritersLoseNothing(() -> new LocalFolderStore(dir, false), 8, 1000);
    }

    @Test
    void s3EightConcurrentWriters() throws Exception {
        String bucket = S3TestServer.newBucket(s3);
        // S3Mock takes ~50 ms a PUT here and 8 writers contending for one sequence number append
        // ~10/s in all, so the suite runs 8 x 25; the bench (S3LedgerBench 0 8 1000) runs 8 x 1,000
        concurrentWritersLoseNothing(() -> new S3Store(s3, bucket, "ledger", false), 8, 25);
    }

    @Test
    void s3LedgerReplaysVerifiesAndDetectsAnOverwrittenEntry() throws Exception {
        String bucket = S3TestServer.newBucket(s3);
        KeyPair key = CheckpointKeys.generate();
        String root;
        try (Ledger l = Ledger.open(new S3Store(s3, bucket, "x/ledger", false))) {
            l.append(List.of(SourcedEvent.of(Ev.party("ana", "artist")), SourcedEvent.of(Ev.asset("a1", "ana"))));
            l.append(Ev.split("s1", "a1", "master", "2024-01-01", "ana", "1"));
            l.append(Ev.consent("c1", "a1", "ai_training", "allowed", List.of("WORLD"), "2024-01-01", null));
            l.checkpoint(key);
            root = l.head().rootHash();
        }
        // through the location string, as the CLI and pipeline open it
        System.setProperty("audiocat.s3.endpoint", S3TestServer.endpoint());
        System.setProperty("aws.accessKeyId", "test");
        System.setProperty("aws.secretAccessKey", "test");
        try (Ledger l = Ledger.open("s3://" + bucket + "/x/ledger")) {
            assertEquals(3, l.size());
            assertEquals(root, l.head().rootHash());
            assertTrue(l.gate().decide("a1", Purpose.AI_TRAINING, null, "FR",
                    java.time.Instant.now()).allowed());
            RightsSnapshot snap = RightsSnapshot.of(l, l.size(), java.time.Instant.now());
            assertEquals("allowed", snap.summarize("a1", null).consent().get("ai_training"));
            Verifier.Report r = Verifier.verify(l.store());
            assertTrue(r.ok(), String.valueOf(r));
            assertEquals(1, r.checkpointsChecked());
        }
        // someone with write access (no Object Lock) overwrites entry 1 with other, well-formed bytes
        byte[] e2 = s3.getObjectAsBytes(b -> b.bucket(bucket).key("x/ledger/log/00000000000000000001")).asByteArray();
        String forged = new String(e2, StandardCharsets.UTF_8).replace("\"1\"", "\"0.9\"");
        s3.putObject(b -> b.bucket(bucket).key("x/ledger/log/00000000000000000001"),
                RequestBody.fromString(forged));
        try (LogStore st = new S3Store(s3, bucket, "x/ledger", false)) {
            Verifier.Report r = Verifier.verify(st);
            assertEquals(1, r.firstBadSeq(), String.valueOf(r));
        }
    }

    /** Starts a writer JVM, lets it append, kills it (SIGKILL), then checks and extends the log. */
    static void killedWriter(String location, List<String> jvmProps, StoreFactory stores)
            throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Xmx256m",
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir")));
        cmd.addAll(jvmProps);
        cmd.add(KillableWriter.class.getName());
        cmd.add(location);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8));
            String first = out.readLine();
            assertEquals("ready", first, "writer did not start");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                try (Ledger l = Ledger.open(stores.open())) {
                    if (l.size() >= 5) {
                        break;
                    }
                }
                Thread.sleep(100);
            }
        } finally {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        try (LogStore st = stores.open()) {
            Verifier.Report r = Verifier.verify(st);
            assertTrue(r.ok(), String.valueOf(r));
            assertTrue(r.validEntries() >= 5);
            try (Ledger l = Ledger.open(stores.open())) {
                long before = l.size();
                l.append(Ev.party("after-crash", "label"));
                assertEquals(before + 1, l.size());
            }
            assertTrue(Verifier.verify(stores.open()).ok());
        }
    }

    @Test
    void localWriterKilledMidAppend() throws Exception {
        killedWriter(dir.toString(), List.of(), () -> new LocalFolderStore(dir, false));
        // and the exact torn state a kill during write() leaves: half a record, no newline
        Path log = dir.resolve("ledger.log");
        byte[] torn = "0123abcd {\"events\":[{\"type\":\"par".getBytes(StandardCharsets.UTF_8);
        Files.write(log, torn, StandardOpenOption.APPEND);
        try (LogStore st = new LocalFolderStore(dir, false)) {
            Verifier.Report r = Verifier.verify(st);
            assertTrue(r.ok(), String.valueOf(r));
            assertEquals(torn.length, r.tornTailBytes());
        }
        try (Ledger l = Ledger.open(new LocalFolderStore(dir, false))) {
            l.append(Ev.party("after-torn-tail", "label"));
        }
        try (LogStore st = new LocalFolderStore(dir, false)) {
            Verifier.Report r = Verifier.verify(st);
            assertTrue(r.ok(), String.valueOf(r));
            assertEquals(0, r.tornTailBytes());
        }
    }

    @Test
    void s3WriterKilledMidAppend() throws Exception {
        String bucket = S3TestServer.newBucket(s3);
        killedWriter("s3://" + bucket + "/crash",
                List.of("-Daudiocat.s3.endpoint=" + S3TestServer.endpoint(), "-Daws.accessKeyId=test",
                        "-Daws.secretAccessKey=test", "-Daws.region=us-east-1"),
                () -> new S3Store(s3, bucket, "crash", false));
    }
}
