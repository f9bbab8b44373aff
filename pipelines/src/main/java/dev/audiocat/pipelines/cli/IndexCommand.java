package dev.audiocat.pipelines.cli;

import dev.audiocat.pipelines.AudiocatHome;
import dev.audiocat.pipelines.catalog.CatalogReader;
import dev.audiocat.pipelines.catalog.CatalogSchema;
import dev.audiocat.pipelines.transforms.IndexCatalog;
import dev.audiocat.search.BulkWriter;
import dev.audiocat.search.CatalogDocument;
import dev.audiocat.search.CatalogIndex;
import dev.audiocat.search.LocalElasticsearch;
import dev.audiocat.search.SearchBench;
import dev.audiocat.search.SearchConnection;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.avro.generic.GenericRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code audiocat index rebuild|status|stop-local|bench}: the Elasticsearch side of a catalog.
 */
@Command(name = "index", mixinStandardHelpOptions = true,
        description = "Manage the search index of a catalog (Elasticsearch).",
        subcommands = {IndexCommand.Rebuild.class, IndexCommand.Status.class, IndexCommand.StopLocal.class,
            IndexCommand.Bench.class})
public final class IndexCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Where Elasticsearch is: a user's cluster (--es-url ...) or, by default, the local node audiocat provisions. */
    public static final class EsOptions {
        @Option(names = "--es-url", paramLabel = "URL",
                description = "Elasticsearch cluster to use (http[s]://host:port); audiocat then provisions nothing. "
                        + "Default: a local node under $AUDIOCAT_HOME/elasticsearch, started on demand")
        URI url;

        @Option(names = "--es-api-key", paramLabel = "KEY", defaultValue = "${env:AUDIOCAT_ES_API_KEY}",
                description = "API key (base64 id:key) for --es-url; default $AUDIOCAT_ES_API_KEY")
        String apiKey;

        @Option(names = "--es-user", paramLabel = "USER", description = "basic-auth user for --es-url")
        String user;

        @Option(names = "--es-password", paramLabel = "PASSWORD", defaultValue = "${env:AUDIOCAT_ES_PASSWORD}",
                description = "basic-auth password; default $AUDIOCAT_ES_PASSWORD (prefer the variable: arguments show in ps)")
        String password;

        @Option(names = "--es-ca-cert", paramLabel = "PEM", description = "CA certificate to trust for an https:// --es-url")
        Path caCert;

        @Option(names = "--index-alias", paramLabel = "ALIAS", defaultValue = CatalogIndex.DEFAULT_ALIAS,
                description = "alias the catalog is read and written through (default: ${DEFAULT-VALUE})")
        String alias;

        public SearchConnection.Credentials credentials() {
            return new SearchConnection.Credentials(apiKey, user, password, caCert);
        }

        /** The cluster's URL: --es-url, or the local node (started if needed). */
        public URI resolveUrl() throws IOException {
            if (url != null) {
                return url;
            }
            System.err.println("audiocat: using the local Elasticsearch (starting it if needed; the first start takes ~40 s)");
            return LocalElasticsearch.startOrReuse(AudiocatHome.get()).url();
        }

        public SearchConnection connect() throws IOException {
            URI u = resolveUrl();
            return SearchConnection.remote(u, url != null ? credentials() : SearchConnection.Credentials.none());
        }

        public String alias() {
            return alias;
        }

        /** Fails with what to do when the alias does not exist yet (nothing indexed). */
        public void requireIndex(SearchConnection c) throws IOException {
            if (new CatalogIndex(c.client(), alias, CatalogIndex.DEFAULT_EMBEDDING_DIMS).indicesOf(alias).isEmpty()) {
                throw new IllegalStateException("no search index " + alias + " at " + c.url()
                        + ": index a catalog first with: audiocat index rebuild CATALOG");
            }
        }
    }

    @Command(name = "rebuild", mixinStandardHelpOptions = true,
            description = {"Rebuild the search index from a Parquet catalog: new index, bulk load, count check, atomic alias swap, old index deleted.",
                "Recovers rows that an ingest could not index (its IndexCatalog dead letters)."})
    static final class Rebuild implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "CATALOG", description = "catalog folder written by ingest or demo")
        Path catalog;

        @Option(names = "--embedding-dims", paramLabel = "N",
                description = "embedding dimension of the index mapping; default: the catalog's own, else 128")
        Integer dims;

        @Option(names = "--batch-size", paramLabel = "N", defaultValue = "500", description = "documents per bulk request (default: ${DEFAULT-VALUE})")
        int batchSize;

        @Mixin
        EsOptions es = new EsOptions();

        @Override
        public Integer call() throws IOException {
            if (!Files.isDirectory(catalog.resolve(CatalogSchema.CATALOG_DIR))) {
                throw new IllegalArgumentException(catalog + ": not a catalog folder (no catalog/ inside); give the --out folder of an ingest");
            }
            long t0 = System.nanoTime();
            Integer seenDims = dims != null ? null : embeddingDims(catalog);
            int n = dims != null ? dims : seenDims != null ? seenDims : CatalogIndex.DEFAULT_EMBEDDING_DIMS;
            PrintStream out = System.out;
            try (SearchConnection c = es.connect()) {
                CatalogIndex index = new CatalogIndex(c.client(), es.alias(), n);
                String build = index.createBuildIndex();
                index.beginBulkLoad(build);
                // streamed in batches: a catalog of millions of rows does not fit in memory whole. One document
                // per asset: files with the same bytes share it, the one stored last wins (as in the index).
                BulkWriter writer = new BulkWriter(c.client(), index.buildAlias());
                Set<String> assets = new HashSet<>();
                Map<String, String> failed = new LinkedHashMap<>();
                List<CatalogDocument> batch = new ArrayList<>();
                Runnable flush = () -> {
                    BulkWriter.Outcome o = writer.write(batch);
                    batch.forEach(d -> failed.remove(d.id()));
                    failed.putAll(o.failed());
                    batch.clear();
                };
                CatalogReader.forEachLatest(catalog, r -> {
                    Map<String, Object> d = IndexCatalog.toDocument(r);
                    String id = d.get("asset_id").toString();
                    assets.add(id);
                    batch.add(new CatalogDocument(id, d));
                    if (batch.size() >= batchSize) {
                        flush.run();
                    }
                });
                flush.run();
                index.endBulkLoad(build);
                if (!failed.isEmpty()) {
                    failed.entrySet().stream().limit(10).forEach(e ->
                            System.err.println("audiocat: not indexed: " + e.getKey() + ": " + e.getValue()));
                    throw new IOException(failed.size() + " of " + assets.size() + " documents could not be indexed into "
                            + build + "; the alias " + es.alias() + " still points at the previous index. Fix the cause above and run the rebuild again");
                }
                if (assets.size() >= 10_000) {
                    index.forceMerge(build, java.time.Duration.ofMinutes(30)); // one HNSW graph: faster kNN
                }
                List<String> old = index.promote(build, assets.size());
                out.printf(Locale.ROOT, "indexed %d assets into %s (embedding dims %d) in %.1f s; alias %s now points at it%s%n",
                        assets.size(), build, n, (System.nanoTime() - t0) / 1e9, es.alias(),
                        old.isEmpty() ? "" : "; deleted " + String.join(", ", old));
            }
            return 0;
        }

        /** The length of the first non-empty embedding in the catalog (one column read, stopping there); null when none. */
        static Integer embeddingDims(Path catalog) {
            final class Found extends RuntimeException {
                private static final long serialVersionUID = 1L;
                final int dims;

                Found(int dims) {
                    super(null, null, false, false);
                    this.dims = dims;
                }
            }
            try {
                CatalogReader.forEach(catalog, CatalogSchema.CATALOG_DIR, Set.of("embedding"), r -> {
                    if (r.get("embedding") instanceof List<?> e && !e.isEmpty()) {
                        throw new Found(e.size());
                    }
                });
            } catch (Found f) {
                return f.dims;
            }
            return null;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Show the index behind the alias and its document count.")
    static final class Status implements Callable<Integer> {
        @Mixin
        EsOptions es = new EsOptions();

        @Override
        public Integer call() throws IOException {
            try (SearchConnection c = es.connect()) {
                CatalogIndex index = new CatalogIndex(c.client(), es.alias(), CatalogIndex.DEFAULT_EMBEDDING_DIMS);
                List<String> indices = index.indicesOf(es.alias());
                if (indices.isEmpty()) {
                    System.out.println("no index behind " + es.alias() + " at " + c.url() + "; run: audiocat index rebuild CATALOG");
                    return 1;
                }
                System.out.printf(Locale.ROOT, "%s -> %s at %s: %d documents, embedding dims %s%n", es.alias(),
                        String.join(", ", indices), c.url(), index.count(),
                        index.liveEmbeddingDims().map(String::valueOf).orElse("-"));
            }
            return 0;
        }
    }

    @Command(name = "stop-local", mixinStandardHelpOptions = true,
            description = "Stop the local Elasticsearch node that audiocat started (it keeps running between commands).")
    static final class StopLocal implements Callable<Integer> {
        @Override
        public Integer call() throws IOException {
            System.out.println(LocalElasticsearch.stop(AudiocatHome.get()) ? "stopped the local Elasticsearch" : "no local Elasticsearch running");
            return 0;
        }
    }

    @Command(name = "bench", mixinStandardHelpOptions = true,
            description = {"Measure bulk indexing and query latency on synthetic catalog documents (docs/benchmarks.md).",
                "Uses its own alias (audiocat-bench) and deletes it afterwards."})
    static final class Bench implements Callable<Integer> {
        @Option(names = "--docs", defaultValue = "100000", description = "synthetic documents (default: ${DEFAULT-VALUE})")
        int docs;

        @Option(names = "--embedding-dims", defaultValue = "128", description = "vector dimension (default: ${DEFAULT-VALUE})")
        int dims;

        @Option(names = "--queries", defaultValue = "300", description = "timed queries per kind (default: ${DEFAULT-VALUE})")
        int queries;

        @Option(names = "--keep", description = "keep the bench index afterwards")
        boolean keep;

        @Mixin
        EsOptions es = new EsOptions();

        @Override
        public Integer call() throws IOException {
            try (SearchConnection c = es.connect()) {
                if (es.url == null) {
                    LocalElasticsearch.running(AudiocatHome.get()).ifPresent(n -> System.out.println(
                            "local Elasticsearch " + n.url() + ", heap " + n.heap() + " (AUDIOCAT_ES_HEAP applies to a node started afterwards)"));
                }
                SearchBench.run(c, "audiocat-bench", docs, dims, queries, keep, System.out);
            }
            return 0;
        }
    }
}
