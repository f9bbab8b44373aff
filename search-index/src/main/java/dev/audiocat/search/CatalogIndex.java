package dev.audiocat.search;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch.indices.GetAliasResponse;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The catalog index behind an alias: templates (JSON resources, pushed idempotently), the alias,
 * and the steps of a rebuild. Applications read and write through {@link #alias()} only; concrete
 * indices are named {@code ALIAS-vYYYYMMDDHHMMSSmmm}.
 *
 * <p>A rebuild (Elasticsearch's _reindex is not in the local distribution, and the source of truth
 * is the Parquet catalog anyway): {@link #createBuildIndex} makes a new index behind the write alias
 * {@code ALIAS-building}; the caller bulk-writes into {@link #buildAlias()}; {@link #promote} checks
 * the document count, swaps the read/write alias in one atomic _aliases call and only then deletes
 * the old indices.
 */
public final class CatalogIndex {
    public static final String DEFAULT_ALIAS = "audiocat-catalog";
    public static final int DEFAULT_EMBEDDING_DIMS = 128;
    private static final Pattern ALIAS_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,100}");
    private static final DateTimeFormatter SUFFIX =
            DateTimeFormatter.ofPattern("yyyyMMddHHmmssSSS").withZone(ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ElasticsearchClient client;
    private final String alias;
    private final int embeddingDims;
    private final Clock clock;

    public CatalogIndex(ElasticsearchClient client, String alias, int embeddingDims) {
        this(client, alias, embeddingDims, Clock.systemUTC());
    }

    CatalogIndex(ElasticsearchClient client, String alias, int embeddingDims, Clock clock) {
        if (alias == null || !ALIAS_NAME.matcher(alias).matches()) {
            throw new IllegalArgumentException("index alias must be lower-case letters, digits, '-' or '_': " + alias);
        }
        if (embeddingDims < 1 || embeddingDims > 4096) {
            throw new IllegalArgumentException("embedding dimension must be 1..4096 (Elasticsearch dense_vector): " + embeddingDims);
        }
        this.client = client;
        this.alias = alias;
        this.embeddingDims = embeddingDims;
        this.clock = clock;
    }

    public String alias() {
        return alias;
    }

    public String buildAlias() {
        return alias + "-building";
    }

    public int embeddingDims() {
        return embeddingDims;
    }

    /** Pushes the component templates and the index template (idempotent: PUT replaces). */
    public void putTemplates() throws IOException {
        String settings = resource("settings.json");
        client.cluster().putComponentTemplate(b -> b.name(alias + "-settings")
                .withJson(new StringReader(settings)));
        ObjectNode mappings = (ObjectNode) JSON.readTree(resource("mappings.json"));
        ((ObjectNode) mappings.at("/template/mappings/properties/embedding")).put("dims", embeddingDims);
        String mappingsJson = JSON.writeValueAsString(mappings);
        client.cluster().putComponentTemplate(b -> b.name(alias + "-mappings")
                .withJson(new StringReader(mappingsJson)));
        ObjectNode indexTemplate = (ObjectNode) JSON.readTree(resource("index-template.json").replace("CATALOG_ALIAS", alias));
        // Elasticsearch refuses two templates with overlapping patterns at the same priority. An alias
        // whose indices another alias' pattern also matches ("a" and "a-vx": "a-v*" covers "a-vx-v1")
        // is always the longer one, so priority by length lets the more specific template win.
        indexTemplate.put("priority", 100 + alias.length());
        String template = JSON.writeValueAsString(indexTemplate);
        client.indices().putIndexTemplate(b -> b.name(alias)
                .withJson(new StringReader(template)));
    }

    /** Templates pushed, and the alias points at an index (created if missing). Returns the index. */
    public String ensure() throws IOException {
        putTemplates();
        List<String> current = indicesOf(alias);
        if (!current.isEmpty()) {
            return current.get(0);
        }
        String index = newIndexName();
        client.indices().create(b -> b.index(index).aliases(alias, a -> a.isWriteIndex(true)));
        return index;
    }

    /** Indices the alias points to (empty if the alias does not exist). */
    public List<String> indicesOf(String aliasName) throws IOException {
        if (!client.indices().existsAlias(b -> b.name(aliasName)).value()) {
            return List.of();
        }
        GetAliasResponse r = client.indices().getAlias(b -> b.name(aliasName));
        return new ArrayList<>(r.result().keySet());
    }

    /** Creates a fresh index behind {@link #buildAlias()}; removes a stale build index first. */
    public String createBuildIndex() throws IOException {
        putTemplates();
        for (String stale : indicesOf(buildAlias())) {
            if (!indicesOf(alias).contains(stale)) {
                client.indices().delete(b -> b.index(stale));
            }
        }
        String index = newIndexName();
        client.indices().create(b -> b.index(index).aliases(buildAlias(), a -> a.isWriteIndex(true)));
        return index;
    }

    /**
     * Verifies the build index holds {@code expectedCount} documents, then atomically points the
     * alias at it and deletes the indices it pointed to before. Throws (and changes nothing) on a
     * count mismatch.
     */
    public List<String> promote(String buildIndex, long expectedCount) throws IOException {
        client.indices().refresh(b -> b.index(buildIndex));
        long count = client.count(b -> b.index(buildIndex)).count();
        if (count != expectedCount) {
            throw new IOException("rebuild of " + alias + " not promoted: index " + buildIndex + " holds " + count
                    + " documents, the catalog has " + expectedCount + "; the old index is untouched, run the rebuild again");
        }
        List<String> old = indicesOf(alias);
        client.indices().updateAliases(b -> {
            b.actions(a -> a.add(x -> x.index(buildIndex).alias(alias).isWriteIndex(true)));
            b.actions(a -> a.remove(x -> x.index(buildIndex).alias(buildAlias())));
            for (String o : old) {
                b.actions(a -> a.remove(x -> x.index(o).alias(alias)));
            }
            return b;
        });
        for (String o : old) {
            client.indices().delete(b -> b.index(o));
        }
        return old;
    }

    /** Deletes every index behind the alias and the build alias, and the templates (tests, reset). */
    public void drop() throws IOException {
        List<String> all = new ArrayList<>(indicesOf(alias));
        all.addAll(indicesOf(buildAlias()));
        for (String i : all) {
            client.indices().delete(b -> b.index(i));
        }
        ignoreMissing(() -> client.indices().deleteIndexTemplate(b -> b.name(alias)));
        ignoreMissing(() -> client.cluster().deleteComponentTemplate(b -> b.name(alias + "-settings")));
        ignoreMissing(() -> client.cluster().deleteComponentTemplate(b -> b.name(alias + "-mappings")));
    }

    private interface Call {
        Object run() throws IOException;
    }

    private static void ignoreMissing(Call call) throws IOException {
        try {
            call.run();
        } catch (ElasticsearchException e) {
            if (e.status() != 404) {
                throw e;
            }
        }
    }

    /** Before a large bulk load into {@code index}: no periodic refresh (fewer, larger segments). */
    public void beginBulkLoad(String index) throws IOException {
        client.indices().putSettings(b -> b.index(index).settings(x -> x.refreshInterval(t -> t.time("-1"))));
    }

    /** After a bulk load: periodic refresh back on (the template's 1 s), and a refresh. */
    public void endBulkLoad(String index) throws IOException {
        client.indices().putSettings(b -> b.index(index).settings(x -> x.refreshInterval(t -> t.time("1s"))));
        client.indices().refresh(b -> b.index(index));
    }

    /**
     * Merges {@code index} into one segment, so kNN searches one HNSW graph instead of one per
     * segment. Runs as a background task (it can take minutes) and waits for it up to {@code timeout}.
     * Returns the segment count at the end.
     */
    public int forceMerge(String index, java.time.Duration timeout) throws IOException {
        client.indices().forcemerge(b -> b.index(index).maxNumSegments(1L).waitForCompletion(false));
        long deadline = System.nanoTime() + timeout.toNanos();
        int segments = segments(index);
        while (segments > 1 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the force merge of " + index, e);
            }
            client.indices().refresh(b -> b.index(index));
            segments = segments(index);
        }
        return segments;
    }

    /** Searchable segments of {@code index}. */
    public int segments(String index) throws IOException {
        return client.cat().segments(b -> b.index(index)).valueBody().size();
    }

    public long count() throws IOException {
        return client.count(b -> b.index(alias)).count();
    }

    public void refresh() throws IOException {
        client.indices().refresh(b -> b.index(alias));
    }

    /** Embedding dimension of the live index mapping, if the alias exists. */
    public Optional<Integer> liveEmbeddingDims() throws IOException {
        List<String> idx = indicesOf(alias);
        if (idx.isEmpty()) {
            return Optional.empty();
        }
        var m = client.indices().getMapping(b -> b.index(alias)).result().get(idx.get(0));
        var p = m.mappings().properties().get("embedding");
        if (p == null || !p.isDenseVector()) {
            return Optional.empty();
        }
        return Optional.ofNullable(p.denseVector().dims());
    }

    private String newIndexName() {
        return alias + "-v" + SUFFIX.format(clock.instant());
    }

    static String resource(String name) throws IOException {
        try (InputStream in = CatalogIndex.class.getResourceAsStream("templates/" + name)) {
            if (in == null) {
                throw new IOException("template resource missing: templates/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
