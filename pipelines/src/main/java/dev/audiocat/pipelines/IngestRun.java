package dev.audiocat.pipelines;

import dev.audiocat.ledger.store.S3Store;
import dev.audiocat.pipelines.catalog.CatalogLock;
import dev.audiocat.pipelines.catalog.CatalogReader;
import dev.audiocat.pipelines.catalog.CatalogSchema;
import dev.audiocat.pipelines.catalog.DatasetCompaction;
import dev.audiocat.pipelines.transforms.DecodeAndAnalyze;
import dev.audiocat.pipelines.transforms.TagWithModels;
import dev.audiocat.search.CatalogIndex;
import dev.audiocat.search.SearchConnection;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Objects;
import java.util.UUID;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Runs one ingest end to end for the command line: scan, run the pipeline with a live progress line,
 * then read back what the run wrote and summarise it.
 */
public final class IngestRun {

    /**
     * How to run: runner settings, per-file limits and the optional steps.
     *
     * @param ledger     license ledger location for JoinRights, or null
     * @param references reference index folder for CheckFingerprints, or null
     * @param elastic    where to index the catalog, or null for no indexing
     */
    public record Settings(String runner, String flinkMaster, int parallelism, long fileTimeoutSeconds, boolean redo, boolean retag,
            List<String> extraBeamArgs, boolean tagging, String ledger, String references, Elastic elastic, boolean verify) {

        /** Embedded Flink on every core, 30 min per file, tagging on, no ledger, no references, no indexing. */
        public static Settings defaults() {
            return new Settings("FlinkRunner", "[local]", Runtime.getRuntime().availableProcessors(), 1800, false, false, List.of(), true,
                    null, null, null, false);
        }

        public Settings withParallelism(int p) {
            return new Settings(runner, flinkMaster, p, fileTimeoutSeconds, redo, retag, extraBeamArgs, tagging, ledger, references, elastic, verify);
        }

        /**
         * With {@code on}, files already catalogued are re-analysed when the models that tagged their
         * row are not exactly the registry's (a model upgraded, added or removed, or tagging failed).
         */
        public Settings withRetag(boolean on) {
            return new Settings(runner, flinkMaster, parallelism, fileTimeoutSeconds, redo, on, extraBeamArgs, tagging, ledger, references, elastic, verify);
        }

        public Settings withExtraBeamArgs(List<String> args) {
            return new Settings(runner, flinkMaster, parallelism, fileTimeoutSeconds, redo, retag, List.copyOf(args), tagging, ledger, references, elastic, verify);
        }

        public Settings withTagging(boolean on) {
            return new Settings(runner, flinkMaster, parallelism, fileTimeoutSeconds, redo, retag, extraBeamArgs, on, ledger, references, elastic, verify);
        }

        public Settings withLedger(String location) {
            return new Settings(runner, flinkMaster, parallelism, fileTimeoutSeconds, redo, retag, extraBeamArgs, tagging, location, references, elastic, verify);
        }

        public Settings withReferences(String folder) {
            return new Settings(runner, flinkMaster, parallelism, fileTimeoutSeconds, redo, retag, extraBeamArgs, tagging, ledger, folder, elastic, verify);
        }

        /**
         * With {@code on}, every catalogued file is read (an S3 object downloaded) and its content hash compared, a
         * fixity check: files whose bytes changed while their size and modification time stayed as last seen are
         * reported. Off (default), such a file is skipped without being read.
         */
        public Settings withVerify(boolean on) {
            return new Settings(runner, flinkMaster, parallelism, fileTimeoutSeconds, redo, retag, extraBeamArgs, tagging, ledger, references, elastic, on);
        }

        public Settings withElastic(Elastic e) {
            return new Settings(runner, flinkMaster, parallelism, fileTimeoutSeconds, redo, retag, extraBeamArgs, tagging, ledger, references, e, verify);
        }
    }

    /** An Elasticsearch cluster to index into. */
    public record Elastic(URI url, SearchConnection.Credentials credentials, String alias) {
    }

    private IngestRun() {
    }

    public static IngestSummary execute(Path input, Path output, Settings settings, PrintStream progressOut) {
        return execute(input.toString(), output, settings, progressOut);
    }

    /**
     * @param source a local folder or file, or {@code s3://bucket/prefix} (endpoint and region as
     *               {@link S3Store#configuredClient} finds them; the workers get the same)
     */
    public static IngestSummary execute(String source, Path output, Settings settings, PrintStream progressOut) {
        long t0 = System.nanoTime();
        LibraryScanner.Listing listing;
        String input;
        String s3Endpoint = "";
        String s3Region = "";
        if (S3Library.isS3(source)) {
            // resolved here once and handed to the workers, which may not share this process's environment
            s3Endpoint = Objects.requireNonNullElse(S3Store.configuredEndpoint(null), "");
            s3Region = Objects.requireNonNullElse(S3Store.configuredRegion(null, s3Endpoint), "");
            try (S3Client s3 = S3Store.configuredClient(s3Endpoint, s3Region)) {
                listing = S3Library.list(s3, source);
            }
            input = source;
        } else {
            Path path = Path.of(source);
            if (!Files.exists(path)) {
                throw new IllegalArgumentException(source + ": no such folder or file; give the folder that holds the audio files, or s3://bucket/prefix");
            }
            listing = LibraryScanner.scan(path.toAbsolutePath().normalize());
            input = path.toAbsolutePath().toString();
        }
        if (settings.retag() && !settings.tagging()) {
            throw new IllegalArgumentException("--retag re-tags catalogued files with the registry's models; drop --no-tagging");
        }
        // one writer per catalog, from before its rows are read until this run's are written
        try (CatalogLock lock = CatalogLock.acquire(output, "ingest of " + input)) {
            return execute(listing, input, s3Endpoint, s3Region, output, settings, progressOut, t0);
        }
    }

    private static IngestSummary execute(LibraryScanner.Listing listing, String input, String s3Endpoint, String s3Region, Path output,
            Settings settings, PrintStream progressOut, long t0) {
        String runId = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss")) + "-"
                + UUID.randomUUID().toString().substring(0, 8);
        IngestOptions options = options(input, output, runId, settings);
        options.setS3Endpoint(s3Endpoint);
        options.setS3Region(s3Region);
        dev.audiocat.tagging.Tagger tagger = null;
        if (settings.tagging()) {
            // load the models here, once, so a broken registry is one clear error instead of a failure in every worker
            try {
                tagger = TagWithModels.sharedTagger(TagWithModels.Config.from(options));
            } catch (RuntimeException e) {
                throw new IllegalStateException(e.getMessage() + "; pass --no-tagging to catalog without the models", e);
            }
        }
        if (settings.elastic() != null) {
            prepareIndex(settings.elastic(), tagger == null ? null : tagger.embeddingModel().orElse(null));
        }
        // the catalog's rows of this library's files are read once: for the stale-tags count, the S3 comparison and the skip list
        Set<String> listed = new java.util.HashSet<>();
        listing.candidates().forEach(f -> listed.add(f.uri()));
        Map<String, GenericRecord> earlier = CatalogReader.latestWhere(CatalogReader.files(output, CatalogSchema.CATALOG_DIR), EARLIER_FIELDS,
                r -> listed.contains(r.get("uri").toString()));
        // the newest verified record of each listed file: the size and time a file had when a re-run last read it unchanged
        Map<String, GenericRecord> verified = CatalogReader.newestPerUri(output, CatalogSchema.VERIFIED_DIR, listed::contains);
        java.util.function.Predicate<GenericRecord> standing = IngestPipeline.standing(options);
        if (tagger != null && !settings.redo()) {
            List<String> refs = tagger.rowRefs();
            long stale = earlier.values().stream().filter(r -> !TagWithModels.taggedBy(r, refs)).count();
            if (settings.retag()) {
                progressOut.printf(java.util.Locale.ROOT, "re-tagging: %d catalogued file(s) of this library carry tags of other models than the "
                        + "registry's %s (or none); they are analysed again%n", stale, refs);
            } else if (stale > 0) {
                progressOut.printf(java.util.Locale.ROOT, "note: %d catalogued file(s) of this library carry tags of other models than the "
                        + "registry's %s (or none) and are skipped as they are; --retag re-tags them%n", stale, refs);
            }
        }
        List<AudioFile> toAnalyse = toAnalyse(listing.candidates(), earlier, verified, standing, !settings.verify());
        long unchanged = listing.candidates().size() - toAnalyse.size();
        // --verify: the files whose size and modification time are as last seen; a new content hash there is a fixity failure
        // (a quick run leaves such files out of toAnalyse, so only --verify has any)
        Map<String, String> sameStat = new HashMap<>();
        for (AudioFile f : settings.verify() ? toAnalyse : List.<AudioFile>of()) {
            if (f.catalogued() != null && knownStat(f, earlier.get(f.uri()), verified.get(f.uri()))) {
                sameStat.put(f.uri(), f.catalogued());
            }
        }
        if (toAnalyse.isEmpty()) {
            // nothing new or changed: no pipeline to start, nothing written (an unchanged library re-runs in the time of its scan)
            return new IngestSummary(runId, listing.candidates().size(), listing.ignored().size(), 0, unchanged, List.of(), Map.of(), 0, 0,
                    (System.nanoTime() - t0) / 1e9, -1);
        }
        IngestProgress progress = IngestProgress.register(runId);
        // the progress line and 'first result' count from the pipeline's start, after models and index are ready
        ProgressLine line = new ProgressLine(progressOut, toAnalyse.size(), progress, System.nanoTime(),
                (settings.tagging() ? "tagging, " : "") + "grouping duplicates" + (settings.elastic() != null ? ", writing and indexing" : " and writing"));
        double firstResult = -1;
        try {
            line.start();
            PipelineResult result = IngestPipeline.run(options, toAnalyse);
            PipelineResult.State state = result.waitUntilFinish();
            firstResult = line.firstResultSeconds();
            line.stop();
            if (state != PipelineResult.State.DONE) {
                throw new IllegalStateException("the ingest pipeline ended in state " + state + "; see the log above");
            }
            long skipped = unchanged + counter(result, "skipped", progress.skipped.get());
            for (String dataset : DatasetCompaction.DATASETS) {
                try {
                    DatasetCompaction.compactIfNeeded(output, dataset, runId, DatasetCompaction.MAX_FILES);
                } catch (RuntimeException e) {
                    // housekeeping: this run's rows are written; the next run tries again
                    progressOut.println("audiocat: warning: " + e.getMessage());
                }
            }
            return summarise(output, runId, listing, skipped, sameStat, (System.nanoTime() - t0) / 1e9, firstResult);
        } finally {
            line.stop();
            IngestProgress.unregister(runId);
        }
    }

    /**
     * The files to analyse. A file whose standing catalog row has its size and modification time is left out
     * without being read when {@code quick} (the default): the quick check of rsync, make and media servers,
     * which keeps a re-run over a library of millions of unchanged files from reading every byte (an S3
     * object's bytes change only through a new PUT, which sets a new last-modified time). The size and time
     * are those of the row, or of the file's newest {@code verified} record when a later run read the file
     * and found the row's bytes (a touched or copied file is read once, then skipped again). Every other
     * file with a standing row carries that row's asset id ({@link AudioFile#withCatalogued}), and the
     * worker skips it if its content hash is unchanged; with {@code quick} off (--verify) every catalogued
     * file is read and checked. A row that does not {@code stand} (--redo; --retag: tagged by other models)
     * is analysed again whatever its file.
     *
     * @param earlier  uri → the newest catalog row of that URI (at least {@link #EARLIER_FIELDS})
     * @param verified uri → the newest {@link CatalogSchema#VERIFIED} record of that URI
     */
    static List<AudioFile> toAnalyse(List<AudioFile> candidates, Map<String, GenericRecord> earlier, Map<String, GenericRecord> verified,
            java.util.function.Predicate<GenericRecord> standing, boolean quick) {
        List<AudioFile> out = new ArrayList<>();
        for (AudioFile f : candidates) {
            GenericRecord r = earlier.get(f.uri());
            if (r == null || !standing.test(r)) {
                out.add(f);
            } else if (!quick || !knownStat(f, r, verified.get(f.uri()))) {
                out.add(f.withCatalogued(r.get("asset_id").toString()));
            }
        }
        return out;
    }

    /**
     * Whether the listing gives {@code f} the size and modification time last seen with the bytes of its catalog
     * row {@code r}: the row's own, or those of {@code v}, a later read that found the row's bytes (each may be null).
     */
    static boolean knownStat(AudioFile f, GenericRecord r, GenericRecord v) {
        if (r == null || f.modifiedMillis() <= 0 || f.sizeBytes() < 0) {
            return false;
        }
        if (sameStat(f, r.get("size_bytes"), r.get("modified_time"))) {
            return true;
        }
        return v != null && v.get("asset_id").toString().equals(r.get("asset_id").toString())
                && (long) v.get("time") >= (long) r.get("analysis_time") && sameStat(f, v.get("size_bytes"), v.get("modified_time"));
    }

    private static boolean sameStat(AudioFile f, Object size, Object modified) {
        return size != null && modified != null && ((Number) size).longValue() == f.sizeBytes() && ((Number) modified).longValue() == f.modifiedMillis();
    }

    static IngestOptions options(String input, Path output, String runId, Settings s) {
        List<String> args = new ArrayList<>();
        args.add("--runner=" + s.runner());
        if (s.runner().toLowerCase().contains("flink")) {
            args.add("--flinkMaster=" + s.flinkMaster());
            args.add("--parallelism=" + s.parallelism());
        }
        args.addAll(s.extraBeamArgs());
        IngestOptions o = PipelineOptionsFactory.fromArgs(args.toArray(String[]::new)).as(IngestOptions.class);
        if ("FlinkRunner".equals(s.runner())) {
            o.setRunner(FlinkRunner.class);
        }
        o.setJobName("audiocat-ingest-" + runId.toLowerCase());
        o.setInput(input);
        o.setOutput(output.toAbsolutePath().toString());
        o.setRunId(runId);
        o.setFileTimeoutSeconds(s.fileTimeoutSeconds());
        o.setRedo(s.redo());
        o.setRetag(s.retag());
        o.setTagging(s.tagging());
        o.setLedger(s.ledger() == null ? "" : s.ledger());
        o.setReferences(s.references() == null ? "" : s.references());
        if (s.elastic() != null) {
            SearchConnection.Credentials c = s.elastic().credentials();
            o.setEsUrl(s.elastic().url().toString());
            o.setEsAlias(s.elastic().alias());
            o.setEsApiKey(c.apiKey());
            o.setEsUser(c.username());
            o.setEsPassword(c.password());
            o.setEsCaCert(c.caCert() == null ? null : c.caCert().toString());
        }
        return o;
    }

    /**
     * Pushes the index templates once, before any worker writes (idempotent). A new index takes the embedding
     * model's vector length; a live index whose length differs is refused here, before the run, since
     * Elasticsearch would reject every document of it.
     *
     * @param embedding the embedding model's {@code id@version} and vector length, or null (no tagging)
     */
    private static void prepareIndex(Elastic e, Map.Entry<String, Integer> embedding) {
        Integer live;
        try (SearchConnection c = SearchConnection.remote(e.url(), e.credentials())) {
            CatalogIndex probe = new CatalogIndex(c.client(), e.alias(), CatalogIndex.DEFAULT_EMBEDDING_DIMS);
            live = probe.liveEmbeddingDims().orElse(null);
            if (live == null || embedding == null || live.equals(embedding.getValue())) {
                int dims = live != null ? live : embedding != null ? embedding.getValue() : CatalogIndex.DEFAULT_EMBEDDING_DIMS;
                new CatalogIndex(c.client(), e.alias(), dims).ensure();
                return;
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot prepare the search index at " + e.url() + ": " + ex.getMessage()
                    + "; check --es-url, or pass --no-index to catalog without indexing", ex);
        }
        throw new IllegalStateException(String.format(java.util.Locale.ROOT,
                "search index %s holds %d-dimensional embeddings, but the embedding model %s makes %d-dimensional ones, so "
                        + "Elasticsearch would reject every document of this run. Ingest with --no-index (and --retag, to re-tag the "
                        + "catalogued files with this model), then run 'audiocat index rebuild CATALOG' to index the catalog anew; "
                        + "or give another --index-alias",
                e.alias(), live, embedding.getKey(), embedding.getValue()));
    }

    private static long counter(PipelineResult result, String name, long fallback) {
        try {
            MetricQueryResults q = result.metrics().queryMetrics(MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named(DecodeAndAnalyze.STAGE, name)).build());
            long sum = 0;
            boolean any = false;
            for (MetricResult<Long> c : q.getCounters()) {
                sum += c.getAttempted();
                any = true;
            }
            return any ? sum : fallback;
        } catch (RuntimeException e) {
            return fallback;
        }
    }

    /**
     * What an ingest needs of the rows already catalogued: the skip list and the S3 comparison (uri,
     * asset_id, size, modified time) and the --retag test (model_versions). Nothing else is read; the
     * duplicate grouping reads the fingerprints in the pipeline, one row at a time (GroupDuplicates).
     */
    static final Set<String> EARLIER_FIELDS = Set.of("uri", "asset_id", "size_bytes", "modified_time", "model_versions",
            "analysis_time");

    /** Reads back the rows this run wrote: the summary counts what is on disk, not what was intended. */
    static IngestSummary summarise(Path output, String runId, LibraryScanner.Listing listing, long skipped, Map<String, String> sameStat,
            double wall, double first) {
        long[] catalogued = {0};
        double[] audio = {0};
        List<String> changedInPlace = new ArrayList<>();
        Set<String> fields = sameStat.isEmpty() ? Set.of("run_id", "duration_seconds") : Set.of("run_id", "duration_seconds", "uri", "asset_id");
        CatalogReader.forEach(output, CatalogSchema.CATALOG_DIR, fields, r -> {
            if (runId.equals(r.get("run_id").toString())) {
                catalogued[0]++;
                Object d = r.get("duration_seconds");
                audio[0] += d == null ? 0 : (double) d;
                String before = sameStat.isEmpty() ? null : sameStat.get(r.get("uri").toString());
                if (before != null && !before.equals(r.get("asset_id").toString())) {
                    changedInPlace.add(r.get("uri").toString());
                }
            }
        });
        changedInPlace.sort(null);
        Map<String, Long> reasons = new HashMap<>();
        long[] notIndexed = {0};
        CatalogReader.forEach(output, CatalogSchema.DEAD_LETTER_DIR, Set.of("run_id", "stage", "reason"), (GenericRecord r) -> {
            if (runId.equals(r.get("run_id").toString())) {
                if (DecodeAndAnalyze.STAGE.equals(r.get("stage").toString())) {
                    reasons.merge(r.get("reason").toString(), 1L, Long::sum);
                } else {
                    notIndexed[0]++; // catalogued, but a later step (search indexing) failed for it
                }
            }
        });
        return new IngestSummary(runId, listing.candidates().size(), listing.ignored().size(), catalogued[0], skipped, changedInPlace, reasons,
                notIndexed[0], audio[0], wall, first);
    }
}
