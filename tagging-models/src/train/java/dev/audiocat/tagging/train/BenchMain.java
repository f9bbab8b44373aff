package dev.audiocat.tagging.train;

import dev.audiocat.features.AudioAnalyzer;
import dev.audiocat.features.decode.AudioDecoder;
import dev.audiocat.features.decode.PcmSink;
import dev.audiocat.features.dsp.Frame;
import dev.audiocat.features.dsp.FrameDispatcher;
import dev.audiocat.features.dsp.FrameProcessor;
import dev.audiocat.tagging.Labels;
import dev.audiocat.tagging.ModelInput;
import dev.audiocat.tagging.ModelInputCollector;
import dev.audiocat.tagging.Tagger;
import dev.audiocat.tagging.TrackTags;
import dev.audiocat.tagging.frontend.FrontEndSpec;
import dev.audiocat.tagging.frontend.MelFilterbank;
import dev.audiocat.tagging.inference.InferenceDevice;
import dev.audiocat.tagging.inference.OnnxModel;
import dev.audiocat.tagging.inference.PatchBatch;
import dev.audiocat.tagging.registry.ModelRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The model bench (docs/benchmarks.md, "Tagging models"): instrument ROC/PR-AUC on a held-out
 * soundfont and on real samples, embedding precision@10 against an MFCC-statistics baseline, speech
 * vs music accuracy, and inference speed per core. Everything runs through the runtime path
 * ({@link ModelInputCollector} on the analysis frames, {@link Tagger} on ONNX Runtime).
 *
 * <pre>bench/models/run.sh   (= mvn -B -q -pl tagging-models -Ptrain compile exec:java -Dmodels.main=dev.audiocat.tagging.train.BenchMain)</pre>
 */
public final class BenchMain {

    private static final int K = 10;

    public static void main(String[] args) throws Exception {
        Map<String, String> a = TrainMain.parse(args);
        Path work = Path.of(a.getOrDefault("out", System.getProperty("audiocat.home", System.getProperty("user.home") + "/.audiocat") + "/models-bench"));
        Path models = Path.of(a.getOrDefault("models", ""));
        long seed = Long.parseLong(a.getOrDefault("seed", "7"));
        int heldClips = Integer.parseInt(a.getOrDefault("clips", "300"));
        int hydrogenMax = Integer.parseInt(a.getOrDefault("hydrogen-max", "240"));
        int maxTracks = Integer.parseInt(a.getOrDefault("tracks", "30"));
        boolean realSamples = !a.getOrDefault("real-samples", "true").equals("false");
        // excerpts come from the first 150 s of each track: decoding all 4 hours of warzone2100-music is not needed
        double trackSeconds = Double.parseDouble(a.getOrDefault("track-seconds", "150"));
        Files.createDirectories(work);
        ClipCache.preload(dev.audiocat.features.dsp.FrameDispatcher.class, FrontEndSpec.class, BenchMain.class);
        long t0 = System.nanoTime();
        List<Path> dirs = a.containsKey("models") ? List.of(models) : List.of();
        ModelRegistry registry = ModelRegistry.load(dirs, work.resolve("model-cache"));
        Map<String, Double> results = new LinkedHashMap<>();
        try (Tagger tagger = Tagger.open(registry, InferenceDevice.CPU, 0, System.err::println)) {
            TrainMain.log(t0, "models: %s", tagger.modelRefs());

            // 1. held-out soundfont, clip level
            List<Clip> held = ClipCache.get(work, "bench-timgm6mb-" + heldClips + "-" + seed,
                    () -> new MidiCorpus(Path.of("/usr/share/sounds/sf2/TimGM6mb.sf2"), work).render("bench-timgm6mb", heldClips, seed, 0.2, 0.5));
            List<float[]> heldMfcc = new ArrayList<>();
            List<TrackTags> heldTags = tagClips(tagger, held, heldMfcc);
            double[] auc = instrumentAuc(heldTags, held.stream().map(Clip::instruments).toList(), "held-out TimGM6mb", t0);
            results.put("heldout_soundfont_macro_roc_auc", auc[0]);
            results.put("heldout_soundfont_macro_pr_auc", auc[1]);
            save(work, results);

            // 2. real samples: sonic-pi-samples and hydrogen-drumkits
            List<Path> files = new ArrayList<>();
            List<float[]> labels = new ArrayList<>();
            if (realSamples) {
                realSamples(files, labels, hydrogenMax);
            }
            List<TrackTags> realTags = new ArrayList<>();
            AudioAnalyzer analyzer = AudioAnalyzer.builder().build();
            List<Tagger.Request> reqs = new ArrayList<>();
            for (Path f : files) {
                reqs.add(new Tagger.Request(tagger.analyze(analyzer, f, null), null, null, null));
            }
            realTags.addAll(tagger.tag(reqs, 128));
            double[] realAuc = files.isEmpty() ? new double[] {Double.NaN, Double.NaN} : instrumentAuc(realTags, labels, "real samples (" + files.size() + " files)", t0);
            results.put("real_samples_macro_roc_auc", realAuc[0]);
            results.put("real_samples_macro_pr_auc", realAuc[1]);
            results.put("real_samples_files", (double) files.size());
            save(work, results);

            // 3a. embedding: same instrument family, one-family held-out clips
            OneFamily one = OneFamily.of(held, heldTags, heldMfcc);
            List<Integer> fam = one.family();
            List<float[]> famEmb = one.embedding();
            List<float[]> famMfcc = one.mfcc();
            double pFamModel = precisionAtK(famEmb, fam);
            double pFamMfcc = precisionAtK(standardise(famMfcc), fam);
            results.put("p_at_10_family_model", pFamModel);
            results.put("p_at_10_family_mfcc", pFamMfcc);
            TrainMain.log(t0, "precision@10 same family (%d one-family clips): model %.3f, MFCC baseline %.3f", fam.size(), pFamModel, pFamMfcc);
            normalisationCheck(results, "family", famEmb, famMfcc, fam, t0);
            dump("family", held.stream().filter(c -> c.family() >= 0).toList(), famEmb, fam);

            // 3b. embedding: same recording, warzone2100-music excerpts
            List<Path> tracks = new ArrayList<>();
            try (Stream<Path> s = Files.walk(Path.of("/usr/share/games/warzone2100/music"))) {
                s.filter(p -> p.toString().endsWith(".opus")).sorted().forEach(tracks::add);
            }
            List<float[]> excerpts = new ArrayList<>();
            List<Integer> trackOf = new ArrayList<>();
            for (int t = 0; t < Math.min(maxTracks, tracks.size()); t++) {
                float[] pcm = decode(tracks.get(t), (int) (trackSeconds * 22050));
                int len = 10 * 22050;
                int per = 11;
                if (pcm.length < len * 2) {
                    continue;
                }
                for (int e = 0; e < per; e++) {
                    int start = (int) ((long) (pcm.length - len) * e / (per - 1));
                    excerpts.add(Arrays.copyOfRange(pcm, start, start + len));
                    trackOf.add(t);
                }
            }
            List<Clip> exClips = new ArrayList<>();
            for (int i = 0; i < excerpts.size(); i++) {
                exClips.add(new Clip("wz-" + i, excerpts.get(i), new float[Labels.INSTRUMENTS.size()], 1, -1, trackOf.get(i)));
            }
            List<float[]> exMfcc = new ArrayList<>();
            List<TrackTags> exTags = tagClips(tagger, exClips, exMfcc);
            List<float[]> exEmb = exTags.stream().map(TrackTags::embedding).toList();
            double pRecModel = precisionAtK(exEmb, trackOf);
            double pRecMfcc = precisionAtK(standardise(exMfcc), trackOf);
            results.put("p_at_10_recording_model", pRecModel);
            results.put("p_at_10_recording_mfcc", pRecMfcc);
            save(work, results);
            TrainMain.log(t0, "precision@10 same recording (%d excerpts of %d tracks): model %.3f, MFCC baseline %.3f",
                    excerpts.size(), Math.min(maxTracks, tracks.size()), pRecModel, pRecMfcc);
            dump("recording", exClips, exEmb, trackOf);
            normalisationCheck(results, "recording", exEmb, exMfcc, trackOf, t0);
            save(work, results);

            // 4. speech / music / mixes
            List<Clip> speech = ClipCache.get(work, "bench-speech-120-" + (seed + 1), () -> new SpeechCorpus(work).render("bench", 120, seed + 1, 10.0));
            List<Clip> musicClips = exClips.subList(0, Math.min(exClips.size(), 120 * 3));
            List<Clip> mixes = SpeechCorpus.mixes("bench", speech.subList(0, 60), musicClips, seed + 2);
            int speechIdx = Labels.CONTENT.indexOf("speech");
            int musicIdx = Labels.CONTENT.indexOf("music");
            double accSpeech = accuracy(tagClips(tagger, speech, null), speechIdx);
            double accMusic = accuracy(exTags, musicIdx);
            double accMix = accuracy(tagClips(tagger, mixes, null), speechIdx);
            double accAll = (accSpeech * speech.size() + accMusic * exTags.size()) / (speech.size() + exTags.size());
            results.put("speech_accuracy", accSpeech);
            results.put("music_accuracy", accMusic);
            results.put("speech_vs_music_accuracy", accAll);
            results.put("mix_accuracy_as_speech", accMix);
            save(work, results);
            TrainMain.log(t0, "speech/music: speech %.3f (%d espeak-ng clips), music %.3f (%d warzone2100 excerpts), overall %.3f; speech over music beds %.3f (%d)",
                    accSpeech, speech.size(), accMusic, exTags.size(), accAll, accMix, mixes.size());

            // 5. speed, one ONNX Runtime thread = one core
            speed(registry, results, t0);
            frontEndSpeed(results, t0);
        }
        ModelRegistry.json().writeValue(work.resolve("results.json").toFile(), results);
        TrainMain.log(t0, "results written to %s", work.resolve("results.json"));
    }

    private static void save(Path work, Map<String, Double> results) throws IOException {
        ModelRegistry.json().writeValue(work.resolve("results.json").toFile(), results);
    }

    /** The one-family clips of a set (the "same family" measure): family, published embedding and MFCC statistics of each. */
    record OneFamily(List<Integer> family, List<float[]> embedding, List<float[]> mfcc) {
        static OneFamily of(List<Clip> clips, List<TrackTags> tags, List<float[]> mfcc) {
            OneFamily o = new OneFamily(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
            for (int i = 0; i < clips.size(); i++) {
                if (clips.get(i).family() >= 0) {
                    o.family.add(clips.get(i).family());
                    o.embedding.add(tags.get(i).embedding());
                    o.mfcc.add(mfcc.get(i));
                }
            }
            return o;
        }
    }

    static List<TrackTags> tagClips(Tagger tagger, List<Clip> clips, List<float[]> mfccOut) {
        List<Tagger.Request> reqs = new ArrayList<>();
        for (Clip c : clips) {
            ModelInputCollector col = tagger.newCollector();
            Mfcc mfcc = new Mfcc();
            List<FrameProcessor> stages = new ArrayList<>(col.stages());
            stages.add(mfcc);
            FrameDispatcher d = new FrameDispatcher(AudioAnalyzer.FRAME_SIZE, AudioAnalyzer.HOP, stages);
            d.start(AudioAnalyzer.ANALYSIS_RATE, 1);
            d.accept(new float[][] {c.samples()}, c.samples().length);
            d.finish();
            reqs.add(new Tagger.Request(col.result(), null, null, null));
            if (mfccOut != null) {
                mfccOut.add(mfcc.stats());
            }
        }
        return tagger.tag(reqs, 128);
    }

    static double[] instrumentAuc(List<TrackTags> tags, List<float[]> labels, String what, long t0) {
        double rocSum = 0;
        double prSum = 0;
        int n = 0;
        StringBuilder per = new StringBuilder();
        for (int c = 0; c < Labels.INSTRUMENTS.size(); c++) {
            String label = Labels.INSTRUMENTS.get(c);
            double[] s = new double[tags.size()];
            boolean[] y = new boolean[tags.size()];
            int pos = 0;
            for (int i = 0; i < tags.size(); i++) {
                s[i] = tags.get(i).instruments().stream().filter(l -> l.label().equals(label)).findFirst().orElseThrow().score();
                y[i] = labels.get(i)[c] > 0.5f;
                pos += y[i] ? 1 : 0;
            }
            double roc = Metrics.rocAuc(s, y);
            double pr = Metrics.prAuc(s, y);
            per.append(String.format(Locale.ROOT, " %s=%.3f/%.3f(n+=%d)", label, roc, pr, pos));
            if (!Double.isNaN(roc) && pos >= 3) {
                rocSum += roc;
                prSum += pr;
                n++;
            }
        }
        TrainMain.log(t0, "%s: macro ROC-AUC %.4f, PR-AUC %.4f over %d labels with >= 3 positives; per label ROC/PR:%s",
                what, rocSum / n, prSum / n, n, per);
        return new double[] {rocSum / n, prSum / n};
    }

    /** Real samples with categories from file names (sonic-pi) and kit files (hydrogen: every instrument is percussion). */
    static void realSamples(List<Path> files, List<float[]> labels, int hydrogenMax) throws IOException {
        Path sonic = Path.of("/usr/share/sonic-pi/samples");
        Map<String, String> prefix = new LinkedHashMap<>();
        prefix.put("bd_", "drums");
        prefix.put("sn_", "drums");
        prefix.put("drum_", "drums");
        prefix.put("elec_", "drums");
        prefix.put("perc_", "drums");
        prefix.put("tabla_", "drums");
        prefix.put("loop_amen", "drums");
        prefix.put("loop_breakbeat", "drums");
        prefix.put("loop_tabla", "drums");
        prefix.put("loop_compus", "drums");
        prefix.put("loop_safari", "drums");
        prefix.put("bass_", "bass");
        prefix.put("guit_", "guitar");
        prefix.put("ambi_piano", "keys");
        prefix.put("ambi_choir", "voice");
        try (Stream<Path> s = Files.list(sonic)) {
            for (Path p : s.filter(f -> f.toString().endsWith(".flac")).sorted().toList()) {
                String name = p.getFileName().toString();
                float[] y = new float[Labels.INSTRUMENTS.size()];
                for (Map.Entry<String, String> e : prefix.entrySet()) {
                    if (name.startsWith(e.getKey())) {
                        y[Labels.INSTRUMENTS.indexOf(e.getValue())] = 1;
                        break;
                    }
                }
                files.add(p);
                labels.add(y);
            }
        }
        // hydrogen: instrument samples named in each kit's drumkit.xml; spread the budget over kits
        Path kits = Path.of("/usr/share/hydrogen/data/drumkits");
        List<Path> kitFiles = new ArrayList<>();
        try (Stream<Path> s = Files.walk(kits)) {
            s.filter(p -> p.getFileName().toString().equals("drumkit.xml")).sorted().forEach(kitFiles::add);
        }
        Pattern sample = Pattern.compile("<filename>([^<]+)</filename>");
        List<Path> hydrogen = new ArrayList<>();
        for (Path kit : kitFiles) {
            Matcher m = sample.matcher(Files.readString(kit));
            while (m.find()) {
                Path f = kit.resolveSibling(m.group(1));
                if (Files.isRegularFile(f) && !hydrogen.contains(f)) {
                    hydrogen.add(f);
                }
            }
        }
        Random r = new Random(11);
        java.util.Collections.shuffle(hydrogen, r);
        for (Path f : hydrogen.subList(0, Math.min(hydrogenMax, hydrogen.size()))) {
            float[] y = new float[Labels.INSTRUMENTS.size()];
            y[Labels.INSTRUMENTS.indexOf("drums")] = 1;
            files.add(f);
            labels.add(y);
        }
    }

    /**
     * With {@code AUDIOCAT_BENCH_DUMP=DIR}: writes the retrieval clips of one measure (PCM as little-endian
     * float32 at 22050 Hz, {@code i.f32}) and {@code index.tsv} (i, class, published embedding) under
     * {@code DIR/name}, for {@code bench/models/descriptor-check.py}. Off by default.
     */
    static void dump(String name, List<Clip> clips, List<float[]> emb, List<Integer> cls) throws java.io.IOException {
        String d = System.getenv("AUDIOCAT_BENCH_DUMP");
        if (d == null) {
            return;
        }
        Path dir = Path.of(d, name);
        Files.createDirectories(dir);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < clips.size(); i++) {
            float[] x = clips.get(i).samples();
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * x.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(x);
            Files.write(dir.resolve(i + ".f32"), b.array());
            sb.append(i).append('\t').append(cls.get(i)).append('\t');
            float[] e = emb.get(i);
            for (int k = 0; k < e.length; k++) {
                sb.append(k == 0 ? "" : ",").append(e[k]);
            }
            sb.append('\n');
        }
        Files.writeString(dir.resolve("index.tsv"), sb.toString());
    }

    /**
     * Diagnostic beside the two precision@10 figures: the baseline's vectors are z-scored per dimension
     * over the evaluated set (statistics of the set itself), the published embedding is not. Both are
     * also scored the other way round (model z-scored over the set, MFCC statistics raw), so the gap can
     * be read with the normalisation held equal. Not a goal figure: a catalog would need set statistics.
     */
    static void normalisationCheck(Map<String, Double> results, String what, List<float[]> model, List<float[]> mfcc,
            List<Integer> cls, long t0) {
        double modelStd = precisionAtK(standardise(model), cls);
        double mfccRaw = precisionAtK(mfcc, cls);
        results.put("p_at_10_" + what + "_model_zscored", modelStd);
        results.put("p_at_10_" + what + "_mfcc_raw", mfccRaw);
        TrainMain.log(t0, "precision@10 same %s, normalisation held equal: model z-scored over the set %.3f, MFCC statistics raw %.3f",
                what, modelStd, mfccRaw);
    }

    static double precisionAtK(List<float[]> vectors, List<Integer> cls) {
        int n = vectors.size();
        double sum = 0;
        for (int q = 0; q < n; q++) {
            double[] sim = new double[n];
            Integer[] idx = new Integer[n];
            for (int j = 0; j < n; j++) {
                idx[j] = j;
                sim[j] = j == q ? Double.NEGATIVE_INFINITY : cosine(vectors.get(q), vectors.get(j));
            }
            Arrays.sort(idx, (x, y) -> Double.compare(sim[y], sim[x]));
            int hits = 0;
            for (int k = 0; k < Math.min(K, n - 1); k++) {
                if (cls.get(idx[k]).equals(cls.get(q))) {
                    hits++;
                }
            }
            sum += hits / (double) K;
        }
        return sum / n;
    }

    private static double cosine(float[] a, float[] b) {
        double d = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            d += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return d / Math.sqrt(Math.max(1e-20, na * nb));
    }

    /** Z-scores every dimension over the set, so cosine similarity is not dominated by MFCC 0. */
    static List<float[]> standardise(List<float[]> v) {
        int dim = v.get(0).length;
        double[] mean = new double[dim];
        double[] var = new double[dim];
        for (float[] x : v) {
            for (int j = 0; j < dim; j++) {
                mean[j] += x[j] / (double) v.size();
            }
        }
        for (float[] x : v) {
            for (int j = 0; j < dim; j++) {
                var[j] += (x[j] - mean[j]) * (x[j] - mean[j]) / v.size();
            }
        }
        List<float[]> out = new ArrayList<>();
        for (float[] x : v) {
            float[] z = new float[dim];
            for (int j = 0; j < dim; j++) {
                z[j] = (float) ((x[j] - mean[j]) / Math.sqrt(var[j] + 1e-12));
            }
            out.add(z);
        }
        return out;
    }

    private static double accuracy(List<TrackTags> tags, int expected) {
        String label = Labels.CONTENT.get(expected);
        return tags.stream().filter(t -> label.equals(t.contentClass())).count() / (double) tags.size();
    }

    /** Stops a decode early once enough samples arrived. */
    private static final class Enough extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Enough() {
            super(null, null, false, false);
        }
    }

    static float[] decode(Path file, int maxSamples) throws Exception {
        List<float[]> blocks = new ArrayList<>();
        int[] total = {0};
        PcmSink mono = new PcmSink() {
            @Override
            public void start(int sampleRate, int channels) {
            }

            @Override
            public void accept(float[][] ch, int n) {
                blocks.add(Arrays.copyOf(ch[0], n));
                total[0] += n;
                if (total[0] >= maxSamples) {
                    throw new Enough();
                }
            }

            @Override
            public void finish() {
            }
        };
        try (AudioDecoder d = AudioDecoder.open(file)) {
            d.decode(PcmSink.DISCARD, AudioAnalyzer.ANALYSIS_RATE, mono);
        } catch (Enough e) {
            // the first maxSamples samples are all that is needed
        }
        float[] out = new float[Math.min(total[0], maxSamples)];
        int p = 0;
        for (float[] b : blocks) {
            if (p >= out.length) {
                break;
            }
            int n = Math.min(b.length, out.length - p);
            System.arraycopy(b, 0, out, p, n);
            p += n;
        }
        return out;
    }

    private static void speed(ModelRegistry registry, Map<String, Double> results, long t0) throws IOException {
        for (ModelRegistry.Entry e : registry.entries()) {
            if (!"onnx".equals(e.card().kind())) {
                continue;
            }
            FrontEndSpec spec = e.card().input().frontEnd();
            double patchSeconds = spec.patchHop() * spec.hop() / (double) spec.sampleRate();
            try (OnnxModel m = OnnxModel.load(e.card(), e.weights(), InferenceDevice.CPU, 1)) {
                Random r = new Random(3);
                for (int batch : new int[] {1, 32, 128}) {
                    float[] buf = new float[batch * spec.patchSize()];
                    for (int i = 0; i < buf.length; i++) {
                        buf[i] = (float) r.nextGaussian();
                    }
                    PatchBatch pb = new PatchBatch(buf, batch, spec.patchSize());
                    for (int w = 0; w < 3; w++) {
                        m.run(pb);
                    }
                    int calls = Math.max(3, 256 / batch);
                    long s = System.nanoTime();
                    for (int c = 0; c < calls; c++) {
                        m.run(pb);
                    }
                    double sec = (System.nanoTime() - s) / 1e9;
                    double xrt = calls * batch * patchSeconds / sec;
                    results.put(e.card().id() + "_xrealtime_per_core_batch_" + batch, xrt);
                    TrainMain.log(t0, "%s speed, 1 thread, batch %d: %.2f ms per call, %.0f patches/s, %.0fx realtime per core",
                            e.card().ref(), batch, sec * 1000 / calls, calls * batch / sec, xrt);
                }
            }
        }
    }

    private static void frontEndSpeed(Map<String, Double> results, long t0) {
        MelFilterbank mel = new MelFilterbank(FrontEndSpec.DEFAULT);
        float[] mag = new float[1025];
        Random r = new Random(5);
        for (int i = 0; i < mag.length; i++) {
            mag[i] = (float) Math.abs(r.nextGaussian() * 10);
        }
        float[] out = new float[64];
        for (int i = 0; i < 20000; i++) {
            mel.apply(mag, out);
        }
        int frames = 200000;
        long s = System.nanoTime();
        for (int i = 0; i < frames; i++) {
            mag[i % 1025] += 1e-3f;
            mel.apply(mag, out);
        }
        double sec = (System.nanoTime() - s) / 1e9;
        double xrt = frames * 512.0 / 22050 / sec;
        results.put("mel_front_end_xrealtime_per_core", xrt);
        TrainMain.log(t0, "mel front end on the analysis pass's spectra: %.0fx realtime per core (the shared STFT is not included)", xrt);
    }

    /** MFCC statistics baseline: 20 DCT-II coefficients of 40 HTK-mel log energies, mean and std over frames. */
    static final class Mfcc implements FrameProcessor {
        private final MelFilterbank mel = new MelFilterbank(new FrontEndSpec(22050, 2048, 512, 40, 30, 11025, 0, 10, 1, 1));
        private final float[] bands = new float[40];
        private final double[] sum = new double[20];
        private final double[] sumSq = new double[20];
        private long n;

        @Override
        public void process(Frame frame) {
            mel.apply(frame.magnitude, bands); // bands hold dB / 10 = log10 energy
            for (int c = 0; c < 20; c++) {
                double v = 0;
                for (int b = 0; b < 40; b++) {
                    v += bands[b] * Math.cos(Math.PI * c * (b + 0.5) / 40);
                }
                sum[c] += v;
                sumSq[c] += v * v;
            }
            n++;
        }

        @Override
        public void finish() {
        }

        float[] stats() {
            float[] s = new float[40];
            for (int c = 0; c < 20; c++) {
                double m = sum[c] / Math.max(1, n);
                s[c] = (float) m;
                s[20 + c] = (float) Math.sqrt(Math.max(0, sumSq[c] / Math.max(1, n) - m * m));
            }
            return s;
        }
    }
}
