package dev.audiocat.pipelines.transforms;

import dev.audiocat.pipelines.catalog.CatalogJson;
import dev.audiocat.pipelines.catalog.CatalogRecords;
import dev.audiocat.pipelines.catalog.CatalogSchema;
import dev.audiocat.search.BulkWriter;
import dev.audiocat.search.CatalogDocument;
import dev.audiocat.search.CatalogIndex;
import dev.audiocat.search.DerivedFields;
import dev.audiocat.search.SearchConnection;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.PCollection;

/**
 * Writes catalog rows to the Elasticsearch catalog alias in bulk batches (document id = asset id,
 * so re-runs overwrite instead of duplicating) and returns a dead letter for every row that could
 * not be indexed after retries with backoff. Elasticsearch being down does not fail the pipeline:
 * the Parquet catalog still completes, and {@code audiocat index rebuild} recovers the rows.
 *
 * <pre>{@code
 * PCollection<GenericRecord> failed = rows.apply("IndexCatalog",
 *     IndexCatalog.to(URI.create("http://127.0.0.1:9200")).withRunId(runId));
 * }</pre>
 *
 * <p>The caller resolves the URL (for the local node: {@code LocalElasticsearch.startOrReuse(home).url()})
 * and should push the templates once before the run ({@code new CatalogIndex(...).ensure()});
 * workers only write. Batches are per bundle; rows are assumed to be in the global window (batch).
 */
public final class IndexCatalog extends PTransform<PCollection<GenericRecord>, PCollection<GenericRecord>> {
    public static final String STAGE = "IndexCatalog";

    private final String url;
    private final String apiKey;
    private final String username;
    private final String password;
    private final String caCert;
    private final String alias;
    private final String runId;
    private final int batchSize;
    private final int maxAttempts;
    private final long initialBackoffMillis;

    private IndexCatalog(String url, String apiKey, String username, String password, String caCert, String alias,
            String runId, int batchSize, int maxAttempts, long initialBackoffMillis) {
        this.url = url;
        this.apiKey = apiKey;
        this.username = username;
        this.password = password;
        this.caCert = caCert;
        this.alias = alias;
        this.runId = runId;
        this.batchSize = batchSize;
        this.maxAttempts = maxAttempts;
        this.initialBackoffMillis = initialBackoffMillis;
    }

    /** Index into the cluster at {@code url}; alias {@value CatalogIndex#DEFAULT_ALIAS}, batches of 500, 5 attempts. */
    public static IndexCatalog to(URI url) {
        if (url == null || url.getScheme() == null) {
            throw new IllegalArgumentException("Elasticsearch URL is required, e.g. http://127.0.0.1:9200");
        }
        return new IndexCatalog(url.toString(), null, null, null, null, CatalogIndex.DEFAULT_ALIAS, "unknown", 500, 5, 200);
    }

    public IndexCatalog withCredentials(SearchConnection.Credentials c) {
        return new IndexCatalog(url, c.apiKey(), c.username(), c.password(), c.caCert() == null ? null : c.caCert().toString(),
                alias, runId, batchSize, maxAttempts, initialBackoffMillis);
    }

    public IndexCatalog withAlias(String a) {
        if (a == null || a.isBlank()) {
            throw new IllegalArgumentException("index alias must not be blank");
        }
        return new IndexCatalog(url, apiKey, username, password, caCert, a, runId, batchSize, maxAttempts, initialBackoffMillis);
    }

    public IndexCatalog withRunId(String r) {
        return new IndexCatalog(url, apiKey, username, password, caCert, alias, r, batchSize, maxAttempts, initialBackoffMillis);
    }

    public IndexCatalog withBatchSize(int n) {
        if (n < 1 || n > 10_000) {
            throw new IllegalArgumentException("batch size must be 1..10000: " + n);
        }
        return new IndexCatalog(url, apiKey, username, password, caCert, alias, runId, n, maxAttempts, initialBackoffMillis);
    }

    /** Attempts per batch (at least 1) and the first backoff, doubled after each failed attempt. */
    public IndexCatalog withRetries(int attempts, Duration initialBackoff) {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1: " + attempts);
        }
        return new IndexCatalog(url, apiKey, username, password, caCert, alias, runId, batchSize, attempts,
                initialBackoff.toMillis());
    }

    @Override
    public PCollection<GenericRecord> expand(PCollection<GenericRecord> rows) {
        return rows.apply("BulkIndex", ParDo.of(new BulkIndexFn(this)))
                .setCoder(AvroCoder.of(GenericRecord.class, CatalogSchema.DEAD_LETTER));
    }

    /**
     * The Elasticsearch document of a catalog row: every schema field (timestamps as epoch millis,
     * the embedding as a list of floats) plus the derived search fields of {@link DerivedFields}.
     */
    public static Map<String, Object> toDocument(GenericRecord row) {
        Map<String, Object> doc = CatalogJson.toMap(row);
        doc.values().removeIf(v -> v == null);
        return DerivedFields.addTo(doc);
    }

    static final class BulkIndexFn extends DoFn<GenericRecord, GenericRecord> {
        private final IndexCatalog spec;
        private final Counter indexed = Metrics.counter(STAGE, "indexed");
        private final Counter failedCount = Metrics.counter(STAGE, "dead_letters");
        private transient SearchConnection connection;
        private transient BulkWriter writer;
        private transient List<CatalogDocument> batch;
        private transient Map<String, GenericRecord> rowsById;

        BulkIndexFn(IndexCatalog spec) {
            this.spec = spec;
        }

        @Setup
        public void setup() throws IOException {
            connection = SearchConnection.remote(URI.create(spec.url), new SearchConnection.Credentials(spec.apiKey,
                    spec.username, spec.password, spec.caCert == null ? null : Path.of(spec.caCert)));
            writer = new BulkWriter(connection.client(), spec.alias, spec.maxAttempts,
                    Duration.ofMillis(spec.initialBackoffMillis), d -> Thread.sleep(d.toMillis()));
        }

        @StartBundle
        public void startBundle() {
            batch = new ArrayList<>();
            rowsById = new LinkedHashMap<>();
        }

        @ProcessElement
        public void process(@Element GenericRecord row, OutputReceiver<GenericRecord> out) {
            String id = row.get("asset_id").toString();
            batch.add(new CatalogDocument(id, toDocument(row)));
            rowsById.put(id, row);
            if (batch.size() >= spec.batchSize) {
                flush(out::output);
            }
        }

        @FinishBundle
        public void finishBundle(FinishBundleContext c) {
            flush(dl -> c.output(dl, GlobalWindow.INSTANCE.maxTimestamp(), GlobalWindow.INSTANCE));
        }

        private void flush(java.util.function.Consumer<GenericRecord> deadLetters) {
            if (batch.isEmpty()) {
                return;
            }
            BulkWriter.Outcome o = writer.write(batch);
            indexed.inc(o.indexed());
            long now = System.currentTimeMillis();
            o.failed().forEach((id, reason) -> {
                GenericRecord row = rowsById.get(id);
                failedCount.inc();
                boolean rejected = reason.matches("4\\d\\d .*") && !reason.startsWith("429");
                deadLetters.accept(CatalogRecords.deadLetter(row.get("uri").toString(), row.get("file_name").toString(),
                        (long) row.get("size_bytes"), STAGE, rejected ? "search_index_rejected" : "search_index_unavailable",
                        "asset " + id + " (" + row.get("uri") + ") is in the Parquet catalog but not in the search index "
                                + spec.alias + ": " + reason + (rejected
                                        ? "; the document does not fit the index mapping (check the embedding dimension), then run: audiocat index rebuild CATALOG"
                                        : "; once Elasticsearch is reachable run: audiocat index rebuild CATALOG"),
                        null, spec.runId, now));
            });
            batch = new ArrayList<>();
            rowsById = new LinkedHashMap<>();
        }

        @Teardown
        public void teardown() throws IOException {
            if (connection != null) {
                connection.close();
            }
        }
    }}
