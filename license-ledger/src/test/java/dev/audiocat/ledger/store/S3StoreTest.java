package dev.audiocat.ledger.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

class S3StoreTest {
    /**
     * The test server must give conditional creates Amazon S3's semantics, or the concurrency tests
     * prove nothing: 8 threads create each of 40 keys at once, exactly one may win each key.
     * (Plain S3Mock 5.2.0 fails this: about a third of the keys get two winners.)
     */
    @Test
    void concurrentConditionalCreatesOfOneKeyHaveExactlyOneWinner() throws Exception {
        try (S3Client s3 = S3TestServer.client()) {
            String bucket = S3TestServer.newBucket(s3);
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
            try {
                for (int k = 0; k < 40; k++) {
                    S3Store store = new S3Store(s3, bucket, "race", false);
                    long key = k;
                    java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(8);
                    List<java.util.concurrent.Future<Boolean>> wins = new ArrayList<>();
                    for (int t = 0; t < 8; t++) {
                        byte[] body = ("writer " + t).getBytes(StandardCharsets.UTF_8);
                        wins.add(pool.submit(() -> {
                            start.await();
                            return store.tryAppend(key, body);
                        }));
                    }
                    int winners = 0;
                    for (var w : wins) {
                        winners += w.get() ? 1 : 0;
                    }
                    assertEquals(1, winners, "key " + k + ": writers that were told they created it");
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void conditionalCreateLetsExactlyOneWriterHaveEachSequenceNumber() throws Exception {
        try (S3Client s3 = S3TestServer.client()) {
            String bucket = S3TestServer.newBucket(s3);
            S3Store a = new S3Store(s3, bucket, "ledgers/x", false);
            S3Store b = new S3Store(s3, bucket, "/ledgers/x/", false);
            assertEquals("s3://" + bucket + "/ledgers/x", a.location());
            assertTrue(a.tryAppend(0, "zero".getBytes(StandardCharsets.UTF_8)));
            // the server answers 412 to If-None-Match: * on an existing key: b loses, nothing overwritten
            assertFalse(b.tryAppend(0, "other".getBytes(StandardCharsets.UTF_8)));
            assertTrue(b.tryAppend(1, "one".getBytes(StandardCharsets.UTF_8)));
            for (int i = 2; i < 20; i++) {
                assertTrue(a.tryAppend(i, ("r" + i).getBytes(StandardCharsets.UTF_8)));
            }
            b.listPageSize(7);
            List<String> seen = new ArrayList<>();
            long n = b.read(0, (seq, rec) -> {
                assertEquals(seen.size(), seq);
                seen.add(new String(rec, StandardCharsets.UTF_8));
            });
            assertEquals(20, n, "reads across list pages");
            assertEquals("zero", seen.get(0));
            assertEquals("one", seen.get(1));
            assertEquals("r19", seen.get(19));
            assertEquals(20, new S3Store(s3, bucket, "ledgers/x", false).probeSize());
            assertEquals(0, new S3Store(s3, bucket, "ledgers/y", false).probeSize());
            List<String> tail = new ArrayList<>();
            b.read(18, (seq, rec) -> tail.add(seq + "=" + new String(rec, StandardCharsets.UTF_8)));
            assertEquals(List.of("18=r18", "19=r19"), tail);

            assertTrue(a.putMetaIfAbsent("k", new byte[] {1}));
            assertFalse(b.putMetaIfAbsent("k", new byte[] {2}));
            assertArrayEquals(new byte[] {1}, b.getMeta("k").orElseThrow());
            assertTrue(a.putCheckpoint(5, "{}".getBytes(StandardCharsets.UTF_8)));
            assertFalse(b.putCheckpoint(5, "{\"x\":1}".getBytes(StandardCharsets.UTF_8)));
            assertEquals(1, b.checkpoints().size());
        }
    }
}
