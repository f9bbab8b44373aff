package dev.audiocat.pipelines.transforms;

import dev.audiocat.features.AudioAnalyzer;
import dev.audiocat.pipelines.AudiocatHome;
import dev.audiocat.pipelines.catalog.CatalogSchema;
import dev.audiocat.tagging.LabelScore;
import dev.audiocat.tagging.ModelInput;
import dev.audiocat.tagging.ModelInputCollector;
import dev.audiocat.tagging.Tagger;
import dev.audiocat.tagging.TrackTags;
import dev.audiocat.tagging.inference.InferenceDevice;
import dev.audiocat.tagging.registry.ModelRegistry;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Instant;

/**
 * Fills the model fields of catalog rows ({@code embedding}, {@code embedding_model},
 * {@code instruments}, {@code content_class}, {@code content_scores}, {@code moods}, {@code arousal},
 * {@code valence}, {@code model_versions}) with the models of the registry, on ONNX Runtime.
 *
 * <p>Input per row: the {@link ModelInput} (bounded log-mel patches + mood descriptors) that the
 * analysis pass computed, joined by {@code asset_id} ({@link #withModelInputs}). Rows without one
 * (analysis pass not wired, or an older catalog) are decoded once more here and counted as
 * {@code decoded_again}. Patches of many rows are packed into one tensor per inference call
 * ({@link Config#batchSize()} patches); rows wait in the bundle until a batch is full or the bundle
 * ends. Every worker JVM holds one ONNX Runtime session per model, shared by its threads.
 *
 * <p>A row whose tagging fails is passed on untagged (tag fields null) and counted as
 * {@code tagging_failed}: the file is still catalogued, and a later run with {@code --retag} retries.
 */
public final class TagWithModels extends PTransform<PCollection<GenericRecord>, PCollection<GenericRecord>> {

    public static final String STAGE = "TagWithModels";

    /** Pipeline options of this step; {@code IngestOptions} extends them. */
    public interface Options extends PipelineOptions {
        @Description("Where models run: cpu, cuda or cuda:N (CUDA needs the onnxruntime_gpu build: mvn -Dgpu package; "
                + "falls back to CPU with a message otherwise)")
        @Default.String("cpu")
        String getInferenceDevice();

        void setInferenceDevice(String value);

        @Description("Model registry folder scanned for model cards (*.json beside *.onnx); empty: $AUDIOCAT_HOME/models")
        @Default.String("")
        String getModelsDir();

        void setModelsDir(String value);

        @Description("Patches per inference call, packed across files")
        @Default.Integer(128)
        Integer getInferenceBatch();

        void setInferenceBatch(Integer value);

        @Description("Run the tagging models (embedding, instruments, speech/music, mood)")
        @Default.Boolean(true)
        Boolean getTagging();

        void setTagging(Boolean value);
    }

    /**
     * Settings of the step; also the key of the per-JVM shared {@link Tagger}.
     *
     * @param device         cpu or cuda:N
     * @param modelDirs      registry folders (absolute paths)
     * @param batchSize      patches per inference call
     * @param intraOpThreads ONNX Runtime threads per call, 0 for its default
     */
    public record Config(String device, List<String> modelDirs, int batchSize, int intraOpThreads) implements Serializable {
        public Config {
            InferenceDevice.parse(device); // fail fast with a message naming the value
            if (batchSize < 1 || batchSize > 4096) {
                throw new IllegalArgumentException("--inference-batch must be in 1..4096, got " + batchSize);
            }
            if (intraOpThreads < 0) {
                throw new IllegalArgumentException("intra-op threads must be >= 0, got " + intraOpThreads);
            }
            modelDirs = List.copyOf(modelDirs);
        }

        public static Config from(Options o) {
            String dir = o.getModelsDir() == null || o.getModelsDir().isBlank()
                    ? AudiocatHome.get().resolve("models").toString() : Path.of(o.getModelsDir()).toAbsolutePath().toString();
            return new Config(o.getInferenceDevice(), List.of(dir), o.getInferenceBatch(), 0);
        }

        public static Config defaults() {
            return new Config("cpu", List.of(AudiocatHome.get().resolve("models").toString()), 128, 0);
        }
    }

    private static final Map<Config, Tagger> SHARED = new ConcurrentHashMap<>();

    /**
     * The JVM-wide tagger for {@code config}: loaded once (registry scan, SHA-256 checks, one ONNX
     * Runtime session per model) and shared by every DoFn instance and thread; lives as long as the JVM.
     */
    public static Tagger sharedTagger(Config config) {
        return SHARED.computeIfAbsent(config, c -> {
            try {
                ModelRegistry registry = ModelRegistry.load(c.modelDirs().stream().map(Path::of).toList(),
                        AudiocatHome.dir("cache", "models"));
                return Tagger.open(registry, InferenceDevice.parse(c.device()), c.intraOpThreads(), System.err::println);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot load the tagging models: " + e.getMessage(), e);
            }
        });
    }

    /**
     * For the analysis pass: a per-file collector whose {@link ModelInputCollector#stages()} go into
     * {@code AudioAnalyzer.analyze(file, stages)}; {@code collector.result()} is the model input to emit
     * keyed by asset_id.
     */
    public static ModelInputCollector newCollector(Config config) {
        return sharedTagger(config).newCollector();
    }

    private final Config config;
    private final PCollection<KV<String, ModelInput>> modelInputs;

    private TagWithModels(Config config, PCollection<KV<String, ModelInput>> modelInputs) {
        this.config = config;
        this.modelInputs = modelInputs;
    }

    public static TagWithModels with(Config config) {
        return new TagWithModels(config, null);
    }

    /** Model inputs computed by the analysis pass, keyed by asset_id; rows without one are decoded again. */
    public TagWithModels withModelInputs(PCollection<KV<String, ModelInput>> inputs) {
        return new TagWithModels(config, inputs);
    }

    /** Coder for the analysis pass's model-input output. */
    public static KvCoder<String, ModelInput> modelInputCoder() {
        return KvCoder.of(StringUtf8Coder.of(), SerializableCoder.of(ModelInput.class));
    }

    @Override
    public PCollection<GenericRecord> expand(PCollection<GenericRecord> rows) {
        PCollection<KV<GenericRecord, ModelInput>> pairs;
        AvroCoder<GenericRecord> rowCoder = AvroCoder.of(GenericRecord.class, CatalogSchema.CATALOG);
        if (modelInputs == null) {
            pairs = rows.apply("WithoutInputs", ParDo.of(new DoFn<GenericRecord, KV<GenericRecord, ModelInput>>() {
                private static final long serialVersionUID = 1L;

                @ProcessElement
                public void process(@Element GenericRecord r, OutputReceiver<KV<GenericRecord, ModelInput>> out) {
                    out.output(KV.of(r, null));
                }
            })).setCoder(KvCoder.of(rowCoder, org.apache.beam.sdk.coders.NullableCoder.of(SerializableCoder.of(ModelInput.class))));
        } else {
            TupleTag<GenericRecord> rowTag = new TupleTag<>();
            TupleTag<ModelInput> inputTag = new TupleTag<>();
            PCollection<KV<String, GenericRecord>> keyed = rows
                    .apply("KeyByAsset", WithKeys.of((GenericRecord r) -> r.get("asset_id").toString()).withKeyType(TypeDescriptors.strings()))
                    .setCoder(KvCoder.of(StringUtf8Coder.of(), rowCoder));
            pairs = KeyedPCollectionTuple.of(rowTag, keyed)
                    .and(inputTag, modelInputs.setCoder(modelInputCoder()))
                    .apply("JoinInputs", CoGroupByKey.create())
                    .apply("Pair", ParDo.of(new PairFn(rowTag, inputTag)))
                    .setCoder(KvCoder.of(rowCoder, org.apache.beam.sdk.coders.NullableCoder.of(SerializableCoder.of(ModelInput.class))));
        }
        return pairs.apply("Tag", ParDo.of(new TagFn(config))).setCoder(rowCoder);
    }

    static final class PairFn extends DoFn<KV<String, CoGbkResult>, KV<GenericRecord, ModelInput>> {
        private static final long serialVersionUID = 1L;
        private final TupleTag<GenericRecord> rowTag;
        private final TupleTag<ModelInput> inputTag;

        PairFn(TupleTag<GenericRecord> rowTag, TupleTag<ModelInput> inputTag) {
            this.rowTag = rowTag;
            this.inputTag = inputTag;
        }

        @ProcessElement
        public void process(@Element KV<String, CoGbkResult> e, OutputReceiver<KV<GenericRecord, ModelInput>> out) {
            Iterator<ModelInput> in = e.getValue().getAll(inputTag).iterator();
            // identical bytes give identical inputs: one input serves every row of the asset
            ModelInput input = in.hasNext() ? in.next() : null;
            for (GenericRecord r : e.getValue().getAll(rowTag)) {
                out.output(KV.of(r, input));
            }
        }
    }

    /** Buffers rows until a batch of patches is full, tags them together, emits them. */
    static final class TagFn extends DoFn<KV<GenericRecord, ModelInput>, GenericRecord> {
        private static final long serialVersionUID = 1L;

        private record Pending(GenericRecord row, ModelInput input, Instant timestamp, BoundedWindow window) {
        }

        private final Config config;
        private final Counter tagged = Metrics.counter(STAGE, "tagged");
        private final Counter failed = Metrics.counter(STAGE, "tagging_failed");
        private final Counter decodedAgain = Metrics.counter(STAGE, "decoded_again");
        private final Distribution batchPatches = Metrics.distribution(STAGE, "batch_patches");
        private transient Tagger tagger;
        private transient List<Pending> pending;
        private transient int pendingPatches;

        TagFn(Config config) {
            this.config = config;
        }

        @Setup
        public void setup() {
            tagger = sharedTagger(config);
        }

        @StartBundle
        public void startBundle() {
            pending = new ArrayList<>();
            pendingPatches = 0;
        }

        @ProcessElement
        public void process(@Element KV<GenericRecord, ModelInput> e, @Timestamp Instant ts, BoundedWindow window,
                OutputReceiver<GenericRecord> out) {
            ModelInput input = e.getValue();
            GenericRecord row = e.getKey();
            if (input == null) {
                input = decodeAgain(row);
                if (input == null) {
                    failed.inc();
                    out.output(row);
                    return;
                }
            }
            pending.add(new Pending(row, input, ts, window));
            pendingPatches += input.patchSets().isEmpty() ? 1 : input.patchSets().get(0).size();
            if (pendingPatches >= config.batchSize()) {
                for (Pending p : flush()) {
                    out.output(p.row());
                }
            }
        }

        @FinishBundle
        public void finishBundle(FinishBundleContext c) {
            for (Pending p : flush()) {
                c.output(p.row(), p.timestamp(), p.window());
            }
        }

        private ModelInput decodeAgain(GenericRecord row) {
            String uri = row.get("uri").toString();
            try {
                Path path = uri.startsWith("file:") ? Path.of(URI.create(uri)) : Path.of(uri);
                ModelInputCollector c = tagger.newCollector();
                AudioAnalyzer.builder().build().analyze(path, c.stages());
                decodedAgain.inc();
                return c.result();
            } catch (Exception ex) {
                System.err.println("audiocat: " + STAGE + ": cannot decode " + uri + " for tagging (" + ex.getMessage() + "); row kept untagged");
                return null;
            }
        }

        /** Tags the pending rows; returns them with their model fields set (or untouched if inference failed). */
        private List<Pending> flush() {
            if (pending.isEmpty()) {
                return List.of();
            }
            List<Pending> batch = pending;
            pending = new ArrayList<>();
            pendingPatches = 0;
            List<Tagger.Request> requests = new ArrayList<>();
            for (Pending p : batch) {
                requests.add(new Tagger.Request(p.input(), asDouble(p.row().get("integrated_lufs")), asDouble(p.row().get("bpm")),
                        p.row().get("key_mode") == null ? null : p.row().get("key_mode").toString()));
            }
            List<TrackTags> tags;
            try {
                tags = tagger.tag(requests, config.batchSize());
            } catch (RuntimeException ex) {
                System.err.println("audiocat: " + STAGE + ": inference failed for " + batch.size() + " files (" + ex.getMessage() + "); rows kept untagged");
                failed.inc(batch.size());
                return batch;
            }
            int patches = 0;
            List<Pending> out = new ArrayList<>(batch.size());
            for (int i = 0; i < batch.size(); i++) {
                Pending p = batch.get(i);
                out.add(new Pending(apply(p.row(), tags.get(i)), p.input(), p.timestamp(), p.window()));
                patches += tags.get(i).patches();
                tagged.inc();
            }
            batchPatches.update(patches);
            return out;
        }

        private static Double asDouble(Object o) {
            return o instanceof Number n ? n.doubleValue() : null;
        }
    }

    /**
     * Whether {@code row} was tagged by exactly the models {@code refs} (id@version, as
     * {@link Tagger#rowRefs()}): its {@code model_versions} hold the same set. False for an
     * untagged row (tagging off or failed).
     */
    public static boolean taggedBy(GenericRecord row, java.util.Collection<String> refs) {
        if (!(row.get("model_versions") instanceof List<?> l) || l.isEmpty()) {
            return false;
        }
        return l.stream().map(Object::toString).collect(java.util.stream.Collectors.toSet()).equals(java.util.Set.copyOf(refs));
    }

    /** A copy of {@code row} with the model fields of {@code t} set. */
    public static GenericRecord apply(GenericRecord row, TrackTags t) {
        GenericData.Record r = new GenericData.Record((GenericData.Record) row, true);
        Schema label = CatalogSchema.itemSchema(CatalogSchema.CATALOG, "instruments");
        if (t.embedding() != null) {
            List<Float> emb = new ArrayList<>(t.embedding().length);
            for (float v : t.embedding()) {
                emb.add(v);
            }
            r.put("embedding", emb);
            r.put("embedding_model", t.embeddingModel());
        }
        r.put("instruments", labels(label, t.instruments()));
        r.put("content_class", t.contentClass());
        r.put("content_scores", labels(label, t.contentScores()));
        r.put("moods", labels(label, t.moods()));
        r.put("arousal", t.arousal());
        r.put("valence", t.valence());
        LinkedHashSet<String> versions = new LinkedHashSet<>();
        Object existing = row.get("model_versions");
        if (existing instanceof List<?> l) {
            l.forEach(v -> versions.add(v.toString()));
        }
        versions.addAll(t.modelVersions());
        r.put("model_versions", new ArrayList<>(versions));
        return r;
    }

    private static List<GenericRecord> labels(Schema schema, List<LabelScore> scores) {
        if (scores == null) {
            return null;
        }
        List<GenericRecord> out = new ArrayList<>();
        for (LabelScore s : scores) {
            GenericData.Record l = new GenericData.Record(schema);
            l.put("label", s.label());
            l.put("score", Math.round(s.score() * 1e4) / 1e4);
            out.add(l);
        }
        return out;
    }
}
