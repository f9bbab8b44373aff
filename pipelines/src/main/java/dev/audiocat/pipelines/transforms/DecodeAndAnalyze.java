package dev.audiocat.pipelines.transforms;

import dev.audiocat.features.AnalysisResult;
import dev.audiocat.features.AudioAnalyzer;
import dev.audiocat.features.decode.DecodeException;
import dev.audiocat.ledger.store.S3Store;
import dev.audiocat.pipelines.AudioFile;
import dev.audiocat.pipelines.IngestProgress;
import dev.audiocat.pipelines.S3Library;
import dev.audiocat.pipelines.catalog.CatalogRecords;
import dev.audiocat.pipelines.catalog.CatalogSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.generic.GenericRecord;
import dev.audiocat.tagging.ModelInput;
import dev.audiocat.tagging.ModelInputCollector;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Hashes, decodes and analyses every file in one streaming pass ({@link AudioAnalyzer}), producing a
 * catalog row, a dead letter, or, when a file that carries its catalogued asset id
 * ({@link dev.audiocat.pipelines.AudioFile#catalogued}) still hashes to it, a {@link #SKIPPED} record of
 * the size and time it was read with, and no analysis.
 *
 * <p>Each file runs under a wall-clock limit on its own thread: a file that hangs FFmpeg becomes a
 * {@code timeout} dead letter and the worker moves on.
 */
public final class DecodeAndAnalyze extends PTransform<PCollection<AudioFile>, PCollectionTuple> {

    public static final TupleTag<GenericRecord> CATALOGUED = new TupleTag<>() {};
    public static final TupleTag<GenericRecord> DEAD_LETTERS = new TupleTag<>() {};
    /** Files skipped because the catalog already holds them with the same content hash: {@link CatalogSchema#VERIFIED} records. */
    public static final TupleTag<GenericRecord> SKIPPED = new TupleTag<>() {};
    /** Model inputs (log-mel patches, mood descriptors) from the same pass, keyed by asset_id, for TagWithModels. */
    public static final TupleTag<KV<String, ModelInput>> MODEL_INPUTS = new TupleTag<>() {};
    /** Landmark hashes from the same pass, keyed by asset_id, for CheckFingerprints. */
    public static final TupleTag<KV<String, byte[]>> LANDMARKS = new TupleTag<>() {};
    public static final String STAGE = "DecodeAndAnalyze";

    private final String runId;
    private final String pipelineVersion;
    private final long timeLimitMillis;
    private final TagWithModels.Config models;
    private final S3Access s3;

    private DecodeAndAnalyze(String runId, String pipelineVersion, long timeLimitMillis, TagWithModels.Config models, S3Access s3) {
        this.runId = runId;
        this.pipelineVersion = pipelineVersion;
        this.timeLimitMillis = timeLimitMillis;
        this.models = models;
        this.s3 = s3;
    }

    /** Also computes the model inputs of {@code config}'s models in the same pass ({@link #MODEL_INPUTS}). */
    public DecodeAndAnalyze withModelInputs(TagWithModels.Config config) {
        return new DecodeAndAnalyze(runId, pipelineVersion, timeLimitMillis, config, s3);
    }

    /**
     * Where {@code s3://} files are fetched from: an S3-compatible endpoint and a region, each empty
     * for the AWS default (the worker's environment). Each file is downloaded to the worker's temp
     * folder inside its time limit, analysed, and deleted.
     */
    public DecodeAndAnalyze withS3(String endpoint, String region) {
        return new DecodeAndAnalyze(runId, pipelineVersion, timeLimitMillis, models, new S3Access(endpoint, region));
    }

    /** Endpoint and region of the S3 library (serialisable; the client is made on the worker). */
    record S3Access(String endpoint, String region) implements java.io.Serializable {
        /** Blank endpoint or region: the worker's own configuration (environment, AWS chains). */
        S3Client client() {
            return S3Store.configuredClient(endpoint, region);
        }
    }

    /**
     * Analyses every file it is given; a file that carries its catalogued asset id ({@link AudioFile#catalogued})
     * is skipped when its content hash still equals it.
     */
    public static DecodeAndAnalyze of(String runId, String pipelineVersion, long timeLimitMillis) {
        if (timeLimitMillis <= 0) {
            throw new IllegalArgumentException("per-file time limit must be > 0 ms, got " + timeLimitMillis);
        }
        return new DecodeAndAnalyze(runId, pipelineVersion, timeLimitMillis, null, new S3Access("", ""));
    }

    @Override
    public PCollectionTuple expand(PCollection<AudioFile> files) {
        PCollectionTuple out = files.apply("Analyze", ParDo.of(new AnalyzeFn(runId, pipelineVersion, timeLimitMillis, models, s3))
                .withOutputTags(CATALOGUED, TupleTagList.of(DEAD_LETTERS).and(SKIPPED).and(MODEL_INPUTS).and(LANDMARKS)));
        out.get(CATALOGUED).setCoder(AvroCoder.of(GenericRecord.class, CatalogSchema.CATALOG));
        out.get(DEAD_LETTERS).setCoder(AvroCoder.of(GenericRecord.class, CatalogSchema.DEAD_LETTER));
        out.get(SKIPPED).setCoder(AvroCoder.of(GenericRecord.class, CatalogSchema.VERIFIED));
        out.get(MODEL_INPUTS).setCoder(TagWithModels.modelInputCoder());
        out.get(LANDMARKS).setCoder(KvCoder.of(StringUtf8Coder.of(), ByteArrayCoder.of()));
        return out;
    }

    static final class AnalyzeFn extends DoFn<AudioFile, GenericRecord> {
        private static final long serialVersionUID = 1L;

        private final String runId;
        private final String pipelineVersion;
        private final long timeLimitMillis;
        private final TagWithModels.Config models;
        private final Counter catalogued = Metrics.counter(STAGE, "catalogued");
        private final Counter deadLetters = Metrics.counter(STAGE, "dead_letters");
        private final Counter skipped = Metrics.counter(STAGE, "skipped");
        private final Distribution audioMillis = Metrics.distribution(STAGE, "audio_millis");
        private final S3Access s3;
        private transient ExecutorService executor;
        private transient AudioAnalyzer analyzer;
        private transient S3Client s3Client;

        AnalyzeFn(String runId, String pipelineVersion, long timeLimitMillis, TagWithModels.Config models, S3Access s3) {
            this.runId = runId;
            this.pipelineVersion = pipelineVersion;
            this.timeLimitMillis = timeLimitMillis;
            this.models = models;
            this.s3 = s3;
        }

        @Setup
        public void setup() {
            executor = newExecutor();
            // the decoder checks the same deadline between packets; the future below catches hangs inside FFmpeg
            analyzer = AudioAnalyzer.builder().timeLimitMillis(timeLimitMillis).build();
        }

        private static ExecutorService newExecutor() {
            return Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "audiocat-analyze");
                t.setDaemon(true);
                return t;
            });
        }

        @ProcessElement
        public void process(ProcessContext c) {
            AudioFile f = c.element();
            IngestProgress progress = IngestProgress.of(runId);
            long now = System.currentTimeMillis();
            boolean remote = f.localPath() == null;
            if (remote && !S3Library.isS3(f.uri())) {
                deadLetter(c, f, "unsupported_location", f.uri() + ": only local files and s3:// objects can be analysed; copy the file to a local folder",
                        null, progress);
                return;
            }
            String knownAsset = f.catalogued();
            Future<?> job = null;
            Path fetched = null;
            String limited = "analysis";
            try {
                Path path;
                if (remote) {
                    // an object is downloaded to the worker's temp folder, under the same per-file limit as its analysis
                    limited = "download";
                    Future<Path> fetch = executor.submit(() -> S3Library.fetch(s3Client(), f.uri(), tempDir()));
                    job = fetch;
                    fetched = fetch.get(timeLimitMillis, TimeUnit.MILLISECONDS);
                    path = fetched;
                    limited = "analysis";
                } else {
                    path = Path.of(f.localPath());
                }
                if (knownAsset != null && knownAsset.equals(AudioAnalyzer.sha256(path))) {
                    skipped.inc();
                    if (progress != null) {
                        progress.skipped.incrementAndGet();
                        progress.filesDone.incrementAndGet();
                    }
                    c.output(SKIPPED, CatalogRecords.verified(f.uri(), f.sizeBytes() >= 0 ? f.sizeBytes() : Files.size(path),
                            f.modifiedMillis() > 0 || remote ? f.modifiedMillis() : Files.getLastModifiedTime(path).toMillis(), knownAsset, runId, now));
                    return;
                }
                // the model front end rides the same pass: one collector per file
                ModelInputCollector collector = models == null ? null : TagWithModels.newCollector(models);
                Future<AnalysisResult> analysis = executor.submit(() -> analyzer.analyze(path, collector == null ? List.of() : collector.stages()));
                job = analysis;
                AnalysisResult r = analysis.get(timeLimitMillis + 5_000, TimeUnit.MILLISECONDS);
                long modified = f.modifiedMillis() > 0 ? f.modifiedMillis() : Files.getLastModifiedTime(path).toMillis();
                GenericRecord row = CatalogRecords.fromAnalysis(r,
                        new CatalogRecords.Source(f.uri(), f.fileName(), modified, runId, pipelineVersion), now);
                catalogued.inc();
                long ms = Math.round(r.durationSeconds() * 1000);
                audioMillis.update(ms);
                if (progress != null) {
                    progress.catalogued.incrementAndGet();
                    progress.audioMillis.addAndGet(ms);
                    progress.filesDone.incrementAndGet();
                }
                c.output(row);
                if (collector != null) {
                    c.output(MODEL_INPUTS, KV.of(r.assetId(), collector.result()));
                }
                if (r.landmarks() != null) {
                    c.output(LANDMARKS, KV.of(r.assetId(), r.landmarks().toBytes()));
                }
            } catch (TimeoutException e) {
                job.cancel(true);
                // the stuck thread may never return from native code: abandon it and start a fresh one
                executor.shutdownNow();
                executor = newExecutor();
                deadLetter(c, f, "timeout", f.uri() + ": " + limited + " exceeded the per-file limit of " + timeLimitMillis / 1000
                        + " s; raise --file-timeout for very long files", e, progress);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof DecodeException de) {
                    // a downloaded object's message names the object, not the worker's temp copy
                    String message = fetched == null ? de.getMessage() : de.getMessage().replace(fetched.toString(), f.uri());
                    deadLetter(c, f, de.reason(), message.contains(f.uri()) ? message : f.uri() + ": " + message, de, progress);
                } else if (cause instanceof NoSuchFileException) {
                    missing(c, f, cause, progress);
                } else if (cause instanceof IOException) {
                    deadLetter(c, f, "unreadable", f.uri() + ": cannot read the file (" + cause.getMessage() + ")", cause, progress);
                } else {
                    deadLetter(c, f, "analysis_failed", f.uri() + ": analysis failed (" + cause + "); please report this with the file", cause, progress);
                }
            } catch (NoSuchFileException e) {
                missing(c, f, e, progress);
            } catch (IOException e) {
                deadLetter(c, f, "unreadable", f.uri() + ": cannot read the file (" + e.getMessage() + ")", e, progress);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while analysing " + f.uri(), e);
            } finally {
                if (fetched != null) {
                    try {
                        Files.deleteIfExists(fetched);
                    } catch (IOException e) {
                        // the temp folder is the worker's; a leftover download is harmless
                    }
                }
            }
        }

        private S3Client s3Client() {
            synchronized (this) {
                if (s3Client == null) {
                    s3Client = s3.client();
                }
                return s3Client;
            }
        }

        private static Path tempDir() {
            return Path.of(System.getProperty("java.io.tmpdir"));
        }

        /** A file that is not there: a symbolic link to nothing (a dead letter that says so), or one removed during the run. */
        private void missing(ProcessContext c, AudioFile f, Throwable error, IngestProgress progress) {
            Path link = f.localPath() == null ? null : Path.of(f.localPath());
            if (link != null && Files.isSymbolicLink(link) && !Files.exists(link)) {
                String target;
                try {
                    target = Files.readSymbolicLink(link).toString();
                } catch (IOException e) {
                    target = "a path that cannot be read";
                }
                deadLetter(c, f, "broken_link", f.uri() + ": a symbolic link to " + target
                        + ", which does not exist; point the link at the file or remove it", error, progress);
            } else {
                deadLetter(c, f, "file_vanished", f.uri() + ": the file disappeared during the run", error, progress);
            }
        }

        private void deadLetter(ProcessContext c, AudioFile f, String reason, String message, Throwable error, IngestProgress progress) {
            deadLetters.inc();
            Metrics.counter(STAGE, "dead_letter_" + reason).inc();
            if (progress != null) {
                progress.deadLetters.incrementAndGet();
                progress.filesDone.incrementAndGet();
            }
            c.output(DEAD_LETTERS, CatalogRecords.deadLetter(f.uri(), f.fileName(), f.sizeBytes(), STAGE, reason, message, error, runId,
                    System.currentTimeMillis()));
        }

        @Teardown
        public void teardown() {
            if (executor != null) {
                executor.shutdownNow();
            }
            if (s3Client != null) {
                s3Client.close();
            }
        }
    }
}
