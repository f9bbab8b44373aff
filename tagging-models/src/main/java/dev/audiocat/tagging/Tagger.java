package dev.audiocat.tagging;

import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import dev.audiocat.features.AnalysisResult;
import dev.audiocat.features.AudioAnalyzer;
import dev.audiocat.features.decode.DecodeException;
import dev.audiocat.tagging.frontend.FrontEndSpec;
import dev.audiocat.tagging.frontend.PatchSet;
import dev.audiocat.tagging.inference.InferenceDevice;
import dev.audiocat.tagging.inference.OnnxModel;
import dev.audiocat.tagging.inference.OrtRuntime;
import dev.audiocat.tagging.inference.PatchBatch;
import dev.audiocat.tagging.mood.DescriptorMood;
import dev.audiocat.tagging.mood.MoodEstimate;
import dev.audiocat.tagging.registry.ModelCard;
import dev.audiocat.tagging.registry.ModelRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs the registry's models over the {@link ModelInput}s of many files at once: patches of all files
 * are packed into batches (one tensor per batch, across files), outputs are split back per file and
 * aggregated as each card says. Thread-safe: one instance (one ONNX Runtime session per model) serves
 * every thread of a JVM.
 *
 * <p>For each output role (instruments, content, embedding, mood) the first model in registry order
 * that provides it is used (models from registry folders come before built-ins). Without a mood
 * model the interpretable {@link DescriptorMood} formula gives arousal and valence.
 */
public final class Tagger implements AutoCloseable {

    /** Patches whose loudest mel band is below this are skipped unless a file has nothing louder. */
    public static final float SILENT_PATCH_DB = -70f;

    private record Loaded(ModelCard card, OnnxModel model, Map<String, Integer> roles) {
    }

    /** One file to tag, with the catalog facts the mood formula can use (each may be null). */
    public record Request(ModelInput input, Double lufs, Double bpm, String keyMode) {
    }

    private final List<Loaded> models;
    private final List<FrontEndSpec> frontEnds;
    private final int maxPatches;
    private final InferenceDevice device;

    private Tagger(List<Loaded> models, InferenceDevice device) {
        this.models = models;
        this.device = device;
        LinkedHashSet<FrontEndSpec> specs = new LinkedHashSet<>();
        int max = 1;
        for (Loaded m : models) {
            specs.add(m.card().input().frontEnd());
            max = Math.max(max, m.card().input().maxPatchesPerFile());
        }
        this.frontEnds = List.copyOf(specs);
        this.maxPatches = max;
    }

    /**
     * Opens every ONNX model of {@code registry} that provides a role no earlier model provides.
     *
     * @param intraOpThreads ONNX Runtime threads per call (0: its default)
     * @param warn           receives the CPU-fallback message when CUDA is unavailable
     */
    public static Tagger open(ModelRegistry registry, InferenceDevice requested, int intraOpThreads, Consumer<String> warn) throws IOException {
        InferenceDevice device = OrtRuntime.resolve(requested, warn);
        List<Loaded> loaded = new ArrayList<>();
        LinkedHashSet<String> taken = new LinkedHashSet<>();
        try {
            for (ModelRegistry.Entry e : registry.entries()) {
                if (!ModelCard.ONNX.equals(e.card().kind())) {
                    continue;
                }
                Map<String, Integer> roles = new LinkedHashMap<>();
                List<ModelCard.Output> outs = e.card().outputs();
                for (int i = 0; i < outs.size(); i++) {
                    if (!taken.contains(outs.get(i).role())) {
                        roles.put(outs.get(i).role(), i);
                    }
                }
                if (roles.isEmpty()) {
                    continue;
                }
                taken.addAll(roles.keySet());
                loaded.add(new Loaded(e.card(), OnnxModel.load(e.card(), e.weights(), device, intraOpThreads), roles));
            }
        } catch (IOException | RuntimeException ex) {
            loaded.forEach(l -> l.model().close());
            throw ex;
        }
        return new Tagger(List.copyOf(loaded), device);
    }

    public InferenceDevice device() {
        return device;
    }

    /** The front ends the analysis pass must compute for these models. */
    public List<FrontEndSpec> frontEnds() {
        return frontEnds;
    }

    /**
     * {@code id@version} of every model that tags a file, as a row's {@code model_versions} lists them:
     * the loaded ONNX models (every file yields at least one patch, so each contributes), and the
     * descriptor mood when no loaded model gives mood.
     */
    public List<String> rowRefs() {
        List<String> refs = new ArrayList<>(modelRefs());
        if (models.stream().noneMatch(m -> m.roles().containsKey("mood"))) {
            refs.add(DescriptorMood.ID + "@" + DescriptorMood.VERSION);
        }
        return List.copyOf(refs);
    }

    /** A fresh per-file collector for {@code AudioAnalyzer.analyze(file, collector.stages())}. */
    public ModelInputCollector newCollector() {
        return new ModelInputCollector(frontEnds, maxPatches);
    }

    /** The embedding model's {@code id@version} and vector length, if a loaded model gives embeddings. */
    public java.util.Optional<Map.Entry<String, Integer>> embeddingModel() {
        for (Loaded m : models) {
            Integer i = m.roles().get("embedding");
            if (i != null) {
                return java.util.Optional.of(Map.entry(m.card().ref(), m.card().outputs().get(i).dim()));
            }
        }
        return java.util.Optional.empty();
    }

    /** {@code id@version} of the loaded ONNX models. */
    public List<String> modelRefs() {
        return models.stream().map(m -> m.card().ref()).toList();
    }

    /** Decodes and analyses one file with the model front end riding the analysis pass. */
    public ModelInput analyze(AudioAnalyzer analyzer, Path file, AnalysisResult[] resultOut) throws DecodeException, IOException {
        ModelInputCollector c = newCollector();
        AnalysisResult r = analyzer.analyze(file, c.stages());
        if (resultOut != null && resultOut.length > 0) {
            resultOut[0] = r;
        }
        return c.result();
    }

    /** Tags many files with batches of at most {@code batchSize} patches each (packed across files). */
    public List<TrackTags> tag(List<Request> requests, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        int n = requests.size();
        // per model, per file: aggregated output per role
        List<Map<String, float[]>> perFile = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            perFile.add(new LinkedHashMap<>());
        }
        int[] patchCount = new int[n];
        for (Loaded m : models) {
            runModel(m, requests, batchSize, perFile, patchCount);
        }
        List<TrackTags> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(compose(requests.get(i), perFile.get(i), patchCount[i]));
        }
        return out;
    }

    private void runModel(Loaded m, List<Request> requests, int batchSize, List<Map<String, float[]>> perFile, int[] patchCount) {
        FrontEndSpec spec = m.card().input().frontEnd();
        int size = spec.patchSize();
        int limit = m.card().input().maxPatchesPerFile();
        // which patches of which file go in, in order
        List<int[]> refs = new ArrayList<>(); // {file, patch}
        List<PatchSet> sets = new ArrayList<>();
        for (int f = 0; f < requests.size(); f++) {
            PatchSet ps = find(requests.get(f).input(), spec);
            sets.add(ps);
            List<Integer> keep = new ArrayList<>();
            for (int p = 0; p < ps.size(); p++) {
                if (ps.peakDb()[p] >= SILENT_PATCH_DB) {
                    keep.add(p);
                }
            }
            if (keep.isEmpty() && ps.size() > 0) {
                keep.add(0);
            }
            int step = (keep.size() + limit - 1) / limit;
            for (int k = 0; k < keep.size(); k += Math.max(1, step)) {
                refs.add(new int[] {f, keep.get(k)});
            }
        }
        List<ModelCard.Output> outs = m.card().outputs();
        // outputs per file: list of rows per role
        List<Map<String, List<float[]>>> rows = new ArrayList<>();
        for (int f = 0; f < requests.size(); f++) {
            rows.add(new LinkedHashMap<>());
        }
        float[] buf = new float[Math.min(batchSize, Math.max(1, refs.size())) * size];
        try (Predictor<PatchBatch, float[][][]> predictor = m.model().newPredictor()) {
            for (int b0 = 0; b0 < refs.size(); b0 += batchSize) {
                int count = Math.min(batchSize, refs.size() - b0);
                for (int i = 0; i < count; i++) {
                    int[] r = refs.get(b0 + i);
                    System.arraycopy(sets.get(r[0]).patches()[r[1]], 0, buf, i * size, size);
                }
                float[][][] result = predictor.predict(new PatchBatch(buf, count, size));
                for (Map.Entry<String, Integer> role : m.roles().entrySet()) {
                    float[][] o = result[role.getValue()];
                    for (int i = 0; i < count; i++) {
                        rows.get(refs.get(b0 + i)[0]).computeIfAbsent(role.getKey(), k -> new ArrayList<>()).add(o[i]);
                    }
                }
            }
        } catch (TranslateException e) {
            throw new IllegalStateException("inference failed in model " + m.card().ref() + ": " + e.getMessage(), e);
        }
        for (int f = 0; f < requests.size(); f++) {
            for (Map.Entry<String, Integer> role : m.roles().entrySet()) {
                List<float[]> r = rows.get(f).get(role.getKey());
                if (r != null) {
                    perFile.get(f).put(role.getKey(), aggregate(r, outs.get(role.getValue()).aggregation()));
                    patchCount[f] = Math.max(patchCount[f], r.size());
                }
            }
        }
    }

    private static PatchSet find(ModelInput input, FrontEndSpec spec) {
        for (PatchSet ps : input.patchSets()) {
            if (ps.spec().equals(spec)) {
                return ps;
            }
        }
        throw new IllegalArgumentException("the model input has no patches for front end " + spec
                + "; it was collected with another model set (use Tagger.newCollector() of the same Tagger)");
    }

    /** Patch outputs to one vector per file, as a card's {@code aggregation} says. */
    public static float[] aggregate(List<float[]> rows, String how) {
        int dim = rows.get(0).length;
        float[] out = new float[dim];
        switch (how) {
            case "max" -> {
                Arrays.fill(out, Float.NEGATIVE_INFINITY);
                for (float[] r : rows) {
                    for (int j = 0; j < dim; j++) {
                        out[j] = Math.max(out[j], r[j]);
                    }
                }
            }
            case "top_quarter_mean" -> {
                int k = Math.max(1, (rows.size() + 3) / 4);
                float[] col = new float[rows.size()];
                for (int j = 0; j < dim; j++) {
                    for (int i = 0; i < rows.size(); i++) {
                        col[i] = rows.get(i)[j];
                    }
                    Arrays.sort(col);
                    double s = 0;
                    for (int i = col.length - k; i < col.length; i++) {
                        s += col[i];
                    }
                    out[j] = (float) (s / k);
                }
            }
            case "mean", "mean_l2" -> {
                for (float[] r : rows) {
                    for (int j = 0; j < dim; j++) {
                        out[j] += r[j] / rows.size();
                    }
                }
                if (how.equals("mean_l2")) {
                    double norm = 0;
                    for (float v : out) {
                        norm += v * v;
                    }
                    norm = Math.sqrt(norm);
                    if (norm > 0) {
                        for (int j = 0; j < dim; j++) {
                            out[j] /= (float) norm;
                        }
                    }
                }
            }
            default -> throw new IllegalArgumentException("unknown aggregation '" + how + "'");
        }
        return out;
    }

    private TrackTags compose(Request req, Map<String, float[]> roles, int patches) {
        List<String> refs = new ArrayList<>();
        float[] embedding = null;
        String embeddingModel = null;
        List<LabelScore> instruments = null;
        String contentClass = null;
        List<LabelScore> content = null;
        Double arousal;
        Double valence;
        for (Loaded m : models) {
            boolean used = false;
            for (Map.Entry<String, Integer> role : m.roles().entrySet()) {
                float[] v = roles.get(role.getKey());
                if (v == null) {
                    continue;
                }
                used = true;
                ModelCard.Output o = m.card().outputs().get(role.getValue());
                switch (role.getKey()) {
                    case "embedding" -> {
                        embedding = v;
                        embeddingModel = m.card().ref();
                    }
                    case "instruments" -> instruments = labelled(o.labels(), v);
                    case "content" -> {
                        content = labelled(o.labels(), v);
                        contentClass = content.get(0).label();
                    }
                    default -> { }
                }
            }
            if (used) {
                refs.add(m.card().ref());
            }
        }
        float[] mood = roles.get("mood");
        if (mood != null) {
            arousal = clamp(mood[0]);
            valence = clamp(mood[1]);
        } else {
            MoodEstimate e = DescriptorMood.estimate(req.input().mood(), req.lufs(), req.bpm(), req.keyMode());
            arousal = e.arousal();
            valence = e.valence();
            refs.add(DescriptorMood.ID + "@" + DescriptorMood.VERSION);
        }
        return new TrackTags(embedding, embeddingModel, instruments, contentClass, content,
                quadrants(arousal, valence), arousal, valence, List.copyOf(refs), patches);
    }

    /** Soft membership of the four quadrants: (1±a)/2 × (1±v)/2, highest first. */
    public static List<LabelScore> quadrants(double arousal, double valence) {
        double pa = (1 + arousal) / 2;
        double pv = (1 + valence) / 2;
        List<LabelScore> q = new ArrayList<>(List.of(
                new LabelScore(Labels.MOODS.get(0), pa * pv),
                new LabelScore(Labels.MOODS.get(1), pa * (1 - pv)),
                new LabelScore(Labels.MOODS.get(2), (1 - pa) * (1 - pv)),
                new LabelScore(Labels.MOODS.get(3), (1 - pa) * pv)));
        q.sort(Comparator.comparingDouble(LabelScore::score).reversed());
        return List.copyOf(q);
    }

    private static double clamp(float v) {
        return Math.max(-1, Math.min(1, v));
    }

    private static List<LabelScore> labelled(List<String> labels, float[] v) {
        List<LabelScore> l = new ArrayList<>();
        for (int i = 0; i < v.length && i < labels.size(); i++) {
            l.add(new LabelScore(labels.get(i), v[i]));
        }
        l.sort(Comparator.comparingDouble(LabelScore::score).reversed());
        return List.copyOf(l);
    }

    @Override
    public void close() {
        models.forEach(m -> m.model().close());
    }
}
