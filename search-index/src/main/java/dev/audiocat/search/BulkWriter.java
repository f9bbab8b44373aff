package dev.audiocat.search;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes catalog documents in bulk through an alias. Idempotent (id = asset id: a retry or a re-run
 * overwrites). Items rejected for a transient reason (HTTP 429, 5xx) and whole requests that fail
 * (node down, timeout) are retried with exponential backoff; what still fails is returned by id
 * with the reason, so the caller can turn it into dead letters.
 */
public final class BulkWriter {
    /** Sleeps between attempts; injectable so tests need not wait. */
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    /** Outcome of one {@link #write}: how many were indexed, and the reason for each failed id. */
    public record Outcome(int indexed, Map<String, String> failed) {
        public Outcome {
            failed = Collections.unmodifiableMap(new LinkedHashMap<>(failed));
        }
    }

    private final ElasticsearchClient client;
    private final String target;
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Sleeper sleeper;

    public BulkWriter(ElasticsearchClient client, String target) {
        this(client, target, 5, Duration.ofMillis(200), d -> Thread.sleep(d.toMillis()));
    }

    /**
     * @param maxAttempts tries per document, at least 1 (default 5)
     * @param initialBackoff wait before the second try; doubles each time (default 200 ms)
     */
    public BulkWriter(ElasticsearchClient client, String target, int maxAttempts, Duration initialBackoff,
            Sleeper sleeper) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
        }
        if (initialBackoff.isNegative()) {
            throw new IllegalArgumentException("initialBackoff must not be negative: " + initialBackoff);
        }
        this.client = client;
        this.target = target;
        this.maxAttempts = maxAttempts;
        this.initialBackoff = initialBackoff;
        this.sleeper = sleeper;
    }

    public Outcome write(List<CatalogDocument> docs) {
        Map<String, CatalogDocument> pending = new LinkedHashMap<>();
        for (CatalogDocument d : docs) {
            pending.put(d.id(), d); // the last version of a repeated id wins, as it would in the index
        }
        Map<String, String> failed = new LinkedHashMap<>();
        int indexed = 0;
        Duration backoff = initialBackoff;
        for (int attempt = 1; attempt <= maxAttempts && !pending.isEmpty(); attempt++) {
            if (attempt > 1) {
                try {
                    sleeper.sleep(backoff);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                backoff = backoff.multipliedBy(2);
            }
            BulkRequest.Builder req = new BulkRequest.Builder().index(target);
            for (CatalogDocument d : pending.values()) {
                req.operations(op -> op.index(i -> i.id(d.id()).document(d.source())));
            }
            BulkResponse resp;
            try {
                resp = client.bulk(req.build());
            } catch (IOException | RuntimeException e) {
                String reason = "bulk request failed: " + e.getClass().getSimpleName() + ": " + e.getMessage();
                for (String id : pending.keySet()) {
                    failed.put(id, reason);
                }
                continue;
            }
            Map<String, CatalogDocument> retry = new LinkedHashMap<>();
            for (BulkResponseItem item : resp.items()) {
                String id = item.id();
                if (item.error() == null) {
                    indexed++;
                    failed.remove(id);
                } else if (item.status() == 429 || item.status() >= 500) {
                    retry.put(id, pending.get(id));
                    failed.put(id, item.status() + " " + item.error().type() + ": " + item.error().reason());
                } else {
                    failed.put(id, item.status() + " " + item.error().type() + ": " + item.error().reason());
                }
            }
            pending = retry;
        }
        return new Outcome(indexed, failed);
    }

    /** Writes {@code docs} in batches of {@code batchSize}; the outcomes summed. */
    public Outcome writeAll(List<CatalogDocument> docs, int batchSize) {
        int indexed = 0;
        Map<String, String> failed = new LinkedHashMap<>();
        for (int i = 0; i < docs.size(); i += batchSize) {
            Outcome o = write(new ArrayList<>(docs.subList(i, Math.min(docs.size(), i + batchSize))));
            indexed += o.indexed();
            failed.putAll(o.failed());
        }
        return new Outcome(indexed, failed);
    }
}
