package dev.audiocat.ledger.store;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * S3 backend: record n is the object {@code prefix/log/<n, 20 digits>}, created with
 * {@code If-None-Match: *} so that exactly one writer wins each sequence number (HTTP 412 or 409
 * = someone else did; the ledger catches up and retries). A PUT is atomic, so a writer killed
 * mid-append leaves either a whole record or none. Checkpoints and metadata use the same
 * conditional create. With S3 Object Lock on the bucket, records also cannot be deleted.
 */
public final class S3Store implements LogStore {
    private final S3Client s3;
    private final String bucket;
    private final String prefix;
    private final boolean ownsClient;
    private long knownSize; // records [0, knownSize) are known to exist
    private long settleMillis;
    private int listPageSize = 1000;
    // records are fetched in parallel while listing: one GET per entry is the cost of replay
    private final java.util.concurrent.ExecutorService fetchers =
            java.util.concurrent.Executors.newFixedThreadPool(16, r -> {
                Thread t = new Thread(r, "s3-ledger-read");
                t.setDaemon(true);
                return t;
            });

    /**
     * @param prefix key prefix without leading or trailing slash ("" for the bucket root)
     * @param ownsClient close the client with the store
     */
    public S3Store(S3Client s3, String bucket, String prefix, boolean ownsClient) {
        this.s3 = s3;
        this.bucket = bucket;
        this.prefix = prefix == null || prefix.isEmpty() ? "" : stripSlashes(prefix) + "/";
        this.ownsClient = ownsClient;
        this.settleMillis = Long.getLong("audiocat.s3.settle-ms", 0L);
    }

    /**
     * A client for {@code s3://} locations: the default AWS credential and region chains, or, when
     * {@code endpoint} is set (an S3-compatible server), that endpoint with path-style addressing.
     */
    /**
     * A client configured the way every audiocat command finds S3: {@code endpoint} and {@code region}
     * when given, else the system property {@code audiocat.s3.endpoint} or the environment variables
     * {@code AWS_ENDPOINT_URL_S3} / {@code AWS_ENDPOINT_URL} (an S3-compatible server, path-style
     * addressing), and the region from {@code aws.region}, {@code AWS_REGION} or
     * {@code AWS_DEFAULT_REGION} ({@code us-east-1} when an endpoint is set and no region is).
     * Credentials come from the AWS default chain.
     */
    public static S3Client configuredClient(String endpoint, String region) {
        String e = configuredEndpoint(endpoint);
        return client(e, configuredRegion(region, e));
    }

    /** The endpoint {@link #configuredClient} would use, or null for Amazon S3. */
    public static String configuredEndpoint(String endpoint) {
        return firstSet(endpoint, System.getProperty("audiocat.s3.endpoint"), System.getenv("AWS_ENDPOINT_URL_S3"),
                System.getenv("AWS_ENDPOINT_URL"));
    }

    /** The region {@link #configuredClient} would use with {@code endpoint} (blank: none), or null for the SDK's default chain. */
    public static String configuredRegion(String region, String endpoint) {
        return firstSet(region, System.getProperty("aws.region"), System.getenv("AWS_REGION"), System.getenv("AWS_DEFAULT_REGION"),
                endpoint != null && !endpoint.isBlank() ? "us-east-1" : null);
    }

    private static String firstSet(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }

    public static S3Client client(String endpoint, String region) {
        var b = S3Client.builder()
                .httpClientBuilder(software.amazon.awssdk.http.apache.ApacheHttpClient.builder()
                        .maxConnections(64));
        if (region != null && !region.isEmpty()) {
            b.region(software.amazon.awssdk.regions.Region.of(region));
        }
        if (endpoint != null && !endpoint.isEmpty()) {
            b.endpointOverride(URI.create(endpoint)).forcePathStyle(true);
        }
        return b.build();
    }

    private static String stripSlashes(String p) {
        String s = p;
        while (s.startsWith("/")) {
            s = s.substring(1);
        }
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }

    @Override
    public String location() {
        return "s3://" + bucket + "/" + (prefix.isEmpty() ? "" : prefix.substring(0, prefix.length() - 1));
    }

    private String recordKey(long seq) {
        return prefix + "log/" + String.format("%020d", seq);
    }

    /**
     * Up to this many records are read by plain GETs of the next sequence numbers before switching
     * to listing: catching up after a lost race usually means a handful of new records, which costs
     * that many GETs and one 404 instead of a LIST plus the same GETs. (LIST is also the expensive
     * call on servers that scan the bucket for it.)
     */
    private static final int TAIL_GETS = 32;

    @Override
    public long read(long from, RecordSink sink) throws IOException {
        long delivered = 0;
        long seq = from;
        if (from > 0) {
            for (; delivered < TAIL_GETS; delivered++, seq++) {
                Optional<byte[]> rec = get(recordKey(seq));
                if (rec.isEmpty()) {
                    return delivered;
                }
                sink.accept(seq, rec.get());
                knownSize = Math.max(knownSize, seq + 1);
            }
        }
        return delivered + list(seq, sink);
    }

    private long list(long from, RecordSink sink) throws IOException {
        long seq = from;
        String startAfter = from == 0 ? null : recordKey(from - 1);
        String token = null;
        long delivered = 0;
        // list (1,000 keys a page) to learn what exists, then fetch each record in order
        do {
            var req = ListObjectsV2Request.builder().bucket(bucket).prefix(prefix + "log/")
                    .maxKeys(listPageSize);
            if (token != null) {
                req.continuationToken(token);
            } else if (startAfter != null) {
                req.startAfter(startAfter);
            }
            ListObjectsV2Response page = s3.listObjectsV2(req.build());
            List<java.util.concurrent.Future<Optional<byte[]>>> fetches = new ArrayList<>();
            for (S3Object o : page.contents()) {
                if (!o.key().equals(recordKey(seq + fetches.size()))) {
                    break; // a gap cannot exist; a foreign key ends the log as far as we read it
                }
                fetches.add(fetchers.submit(() -> get(o.key())));
            }
            for (var f : fetches) {
                byte[] rec;
                try {
                    rec = f.get().orElseThrow(
                            () -> new IOException(location() + ": record vanished while reading"));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted reading " + location());
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IOException(location() + ": reading record " + seq + " failed: "
                            + e.getCause().getMessage(), e.getCause());
                }
                sink.accept(seq, rec);
                seq++;
                delivered++;
                knownSize = Math.max(knownSize, seq);
            }
            if (fetches.size() < page.contents().size()) {
                return delivered;
            }
            token = page.isTruncated() ? page.nextContinuationToken() : null;
        } while (token != null);
        return delivered;
    }

    /**
     * For S3-compatible servers whose {@code If-None-Match} check is not atomic (S3Mock 5.2.0: two
     * concurrent conditional PUTs of one key can both succeed, the later overwriting): after a
     * successful create, wait this long and read the record back — only if it is still ours did we
     * win; after losing a race, wait this long before reading the winner, so that a racing
     * overwrite has landed. Amazon S3 itself is atomic (concurrent creates get 409/412): keep 0.
     * Default from the system property {@code audiocat.s3.settle-ms}.
     */
    public S3Store settle(java.time.Duration d) {
        this.settleMillis = d.toMillis();
        return this;
    }

    @Override
    public boolean tryAppend(long seq, byte[] record) throws IOException {
        try {
            s3.putObject(PutObjectRequest.builder().bucket(bucket).key(recordKey(seq)).ifNoneMatch("*")
                    .contentType("application/json").build(), RequestBody.fromBytes(record));
            if (settleMillis > 0) {
                sleep(settleMillis);
                byte[] back = get(recordKey(seq)).orElse(null);
                if (!java.util.Arrays.equals(back, record)) {
                    return false; // a racing writer overwrote it: the server's check was not atomic
                }
            }
            knownSize = Math.max(knownSize, seq + 1);
            return true;
        } catch (S3Exception e) {
            if (e.statusCode() == 412 || e.statusCode() == 409) {
                if (settleMillis > 0) {
                    sleep(settleMillis);
                }
                return false;
            }
            throw new IOException(location() + ": writing record " + seq + " failed: "
                    + e.awsErrorDetails().errorMessage(), e);
        }
    }

    private static void sleep(long ms) throws java.io.InterruptedIOException {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while settling an S3 write");
        }
    }

    /** Number of records, found with HEAD probes (exponential, then binary search): O(log n). */
    public long probeSize() {
        long lo = knownSize; // exists: [0, lo)
        if (lo > 0 && !exists(lo - 1)) {
            lo = 0;
        }
        long step = 1;
        long hi = lo;
        while (exists(hi)) {
            lo = hi + 1;
            hi = lo + step;
            step *= 2;
        }
        // record lo-1 exists (or lo == 0), record hi does not
        while (lo < hi) {
            long mid = (lo + hi) >>> 1;
            if (exists(mid)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        knownSize = lo;
        return lo;
    }

    private boolean exists(long seq) {
        try {
            s3.headObject(HeadObjectRequest.builder().bucket(bucket).key(recordKey(seq)).build());
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    private Optional<byte[]> get(String key) {
        try {
            ResponseBytes<GetObjectResponse> b =
                    s3.getObjectAsBytes(GetObjectRequest.builder().bucket(bucket).key(key).build());
            return Optional.of(b.asByteArray());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        }
    }

    private boolean createIfAbsent(String key, byte[] content) throws IOException {
        try {
            s3.putObject(PutObjectRequest.builder().bucket(bucket).key(key).ifNoneMatch("*").build(),
                    RequestBody.fromBytes(content));
            return true;
        } catch (S3Exception e) {
            if (e.statusCode() == 412 || e.statusCode() == 409) {
                return false;
            }
            throw new IOException(location() + ": writing " + key + " failed: "
                    + e.awsErrorDetails().errorMessage(), e);
        }
    }

    @Override
    public boolean putCheckpoint(long treeSize, byte[] json) throws IOException {
        return createIfAbsent(prefix + "checkpoints/" + String.format("%020d.json", treeSize), json);
    }

    @Override
    public List<byte[]> checkpoints() {
        List<byte[]> out = new ArrayList<>();
        String token = null;
        do {
            var req = ListObjectsV2Request.builder().bucket(bucket).prefix(prefix + "checkpoints/");
            if (token != null) {
                req.continuationToken(token);
            }
            ListObjectsV2Response page = s3.listObjectsV2(req.build());
            for (S3Object o : page.contents()) {
                get(o.key()).ifPresent(out::add);
            }
            token = page.isTruncated() ? page.nextContinuationToken() : null;
        } while (token != null);
        return out;
    }

    @Override
    public Optional<byte[]> getMeta(String name) {
        return get(prefix + "meta/" + name);
    }

    @Override
    public boolean putMetaIfAbsent(String name, byte[] content) throws IOException {
        return createIfAbsent(prefix + "meta/" + name, content);
    }

    /** For tests: a small page size exercises list pagination without thousands of objects. */
    void listPageSize(int n) {
        listPageSize = n;
    }

    @Override
    public void close() {
        fetchers.shutdownNow();
        if (ownsClient) {
            s3.close();
        }
    }
}
