package dev.audiocat.tagging.train;

import dev.audiocat.features.dsp.FrameDispatcher;
import dev.audiocat.features.dsp.FrameProcessor;
import dev.audiocat.tagging.frontend.FrontEndSpec;
import dev.audiocat.tagging.frontend.PatchSet;
import dev.audiocat.tagging.inference.InferenceDevice;
import dev.audiocat.tagging.inference.OnnxModel;
import dev.audiocat.tagging.registry.ModelCard;
import dev.audiocat.tagging.registry.ModelRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Development validation of the track embedding on "another excerpt of the same recording", built
 * from the TRAINING soundfonts only (FluidR3_GM, MuseScore General), never from the bench's sets:
 * long random General MIDI "songs" (fixed programs, key and tempo, 112 s) rendered with a seed of
 * their own, one production augmentation per song, cut into 11 non-overlapping 10 s excerpts (the
 * bench's excerpt layout); precision@10 of "same song" between excerpts, and precision@10 of "same
 * family" between the first excerpts of one-family songs. Compares ways of turning an ONNX tagger's
 * patch outputs into one vector per excerpt, beside the bench's MFCC-statistics baseline.
 *
 * <pre>mvn -B -pl tagging-models -Ptrain compile exec:java -Dmodels.main=dev.audiocat.tagging.train.SongCheck \
 *   -Dmodels.args="--card DIR/audiocat-tagger-X.json --seed 31"</pre>
 */
public final class SongCheck {

    public static void main(String[] args) throws Exception {
        var a = TrainMain.parse(args);
        Path work = Path.of(a.getOrDefault("out", System.getProperty("audiocat.home") + "/models-train"));
        long seed = Long.parseLong(a.getOrDefault("seed", "31"));
        int songs = Integer.parseInt(a.getOrDefault("songs", "24"));
        // > 0: arrangements change every this many seconds (MidiCorpus.withSections); 0: one pattern per song
        double sections = Double.parseDouble(a.getOrDefault("sections", "0"));
        String tag = sections > 0 ? "-sec" + (int) sections : "";
        Path cardFile = Path.of(a.get("card"));
        Files.createDirectories(work);
        ClipCache.preload(FrameDispatcher.class, FrontEndSpec.class, SongCheck.class);
        long t0 = System.nanoTime();
        List<Clip> all = new ArrayList<>();
        all.addAll(ClipCache.get(work, "valsongs" + tag + "-fluidr3-" + songs + "-" + seed, () -> new MidiCorpus(
                Path.of("/usr/share/sounds/sf2/FluidR3_GM.sf2"), work).withEnsembleSeconds(112).withSections(sections)
                .render("valsongs-fluidr3", songs, seed, 0, 0.4)));
        all.addAll(ClipCache.get(work, "valsongs" + tag + "-musescore-" + songs + "-" + (seed + 1000), () -> new MidiCorpus(
                Path.of("/usr/share/sounds/sf3/MuseScore_General.sf3"), work).withEnsembleSeconds(112).withSections(sections)
                .render("valsongs-musescore", songs, seed + 1000, 0, 0.4)));
        TrainMain.log(t0, "%d songs rendered", all.size());

        ModelCard card = ModelRegistry.readCard(cardFile);
        Path onnx = cardFile.resolveSibling(card.weights());
        FrontEndSpec spec = card.input().frontEnd(); // the card's patch size and hop, as at inference
        Random rnd = new Random(seed + 7);
        PatchData pd = new PatchData();
        List<Integer> songOf = new ArrayList<>();
        List<Integer> famOf = new ArrayList<>();
        List<float[]> mfcc = new ArrayList<>();
        int excerpts = 11;
        int len = 10 * MidiCorpus.RATE;
        for (int s = 0; s < all.size(); s++) {
            float[] x = Augment.apply(all.get(s).samples(), rnd);
            for (int e = 0; e < excerpts; e++) {
                int start = (int) ((long) (x.length - len) * e / (excerpts - 1));
                float[] ex = Arrays.copyOfRange(x, start, start + len);
                int id = songOf.size();
                BenchMain.Mfcc m = new BenchMain.Mfcc();
                FrameDispatcher d = new FrameDispatcher(spec.nFft(), spec.hop(), List.<FrameProcessor>of(m));
                d.start(spec.sampleRate(), 1);
                d.accept(new float[][] {ex}, ex.length);
                d.finish();
                mfcc.add(m.stats());
                PatchSet ps = PatchData.patchesOf(ex, spec, 32);
                for (int i = 0; i < ps.size(); i++) {
                    if (ps.peakDb()[i] < -80 && i > 0) {
                        continue;
                    }
                    pd.patches.add(ps.patches()[i]);
                    pd.clipIndex.add(id);
                }
                songOf.add(s);
                famOf.add(all.get(s).family());
            }
        }
        List<Integer> rows = new ArrayList<>();
        for (int i = 0; i < pd.size(); i++) {
            rows.add(i);
        }
        float[][] emb;
        try (OnnxModel ort = OnnxModel.load(card, onnx, InferenceDevice.CPU, 0)) {
            emb = TrainMain.run(ort, pd, rows)[2];
        }
        TrainMain.log(t0, "%d excerpts, %d patches, model %s@%s (embedding dim %d)", songOf.size(), pd.size(), card.id(), card.version(), emb[0].length);
        List<float[]> stats = new ArrayList<>();
        for (float[] p : pd.patches) {
            stats.add(MelStats.stats(p, spec.patchFrames()));
        }
        // z-scoring constants from this set's patches (the shipped graph uses the training patches')
        double[][] z = zConstants(stats);
        report(t0, "MFCC statistics (bench baseline, z-scored over the set)", BenchMain.standardise(mfcc), songOf, famOf);
        report(t0, "card output, mean then L2 (as shipped)", pool(pd, emb, songOf.size(), false, null, z, 0), songOf, famOf);
        if (emb[0].length != dev.audiocat.tagging.train.NetSpec.EMBEDDING) {
            return; // a published embedding that already holds the statistics: only the card's own pooling is meaningful
        }
        report(t0, "per-patch L2, mean", pool(pd, emb, songOf.size(), true, null, z, 0), songOf, famOf);
        report(t0, "per-patch L2, mean + std", poolMeanStd(pd, emb, songOf.size()), songOf, famOf);
        report(t0, "log-mel stats only", pool(pd, null, songOf.size(), true, stats, z, 1), songOf, famOf);
        for (double alpha : new double[] {0.25, 0.5, 0.75, 1, 1.5, 2, 3}) {
            report(t0, "per-patch L2 learned + " + alpha + " x log-mel stats", pool(pd, emb, songOf.size(), true, stats, z, alpha), songOf, famOf);
        }
    }

    private static void report(long t0, String what, List<float[]> v, List<Integer> songOf, List<Integer> famOf) {
        double song = BenchMain.precisionAtK(v, songOf);
        List<float[]> fv = new ArrayList<>();
        List<Integer> fc = new ArrayList<>();
        for (int i = 0; i < v.size(); i += 11) {
            if (famOf.get(i) >= 0) {
                fv.add(v.get(i));
                fc.add(famOf.get(i));
            }
        }
        TrainMain.log(t0, "P@10 same song %.4f, same family %.4f (%d one-family songs): %s", song, BenchMain.precisionAtK(fv, fc), fv.size(), what);
    }

    static double[][] zConstants(List<float[]> v) {
        int dim = v.get(0).length;
        double[] mean = new double[dim];
        double[] sd = new double[dim];
        for (float[] x : v) {
            for (int j = 0; j < dim; j++) {
                mean[j] += x[j] / (double) v.size();
            }
        }
        for (float[] x : v) {
            for (int j = 0; j < dim; j++) {
                sd[j] += (x[j] - mean[j]) * (x[j] - mean[j]) / v.size();
            }
        }
        for (int j = 0; j < dim; j++) {
            sd[j] = Math.sqrt(sd[j] + 1e-12);
        }
        return new double[][] {mean, sd};
    }

    private static List<float[]> pool(PatchData pd, float[][] emb, int n, boolean patchL2, List<float[]> stats, double[][] z, double alpha) {
        int de = emb == null ? 0 : emb[0].length;
        int ds = stats == null ? 0 : stats.get(0).length;
        float[][] sum = new float[n][de + ds];
        for (int i = 0; i < pd.size(); i++) {
            float[] acc = sum[pd.clipIndex.get(i)];
            if (emb != null) {
                double k = 1;
                if (patchL2) {
                    double s = 1e-12;
                    for (float f : emb[i]) {
                        s += f * f;
                    }
                    k = 1 / Math.sqrt(s);
                }
                for (int d = 0; d < de; d++) {
                    acc[d] += (float) (emb[i][d] * k);
                }
            }
            if (stats != null) {
                for (int d = 0; d < ds; d++) {
                    acc[de + d] += (float) (alpha * (stats.get(i)[d] - z[0][d]) / z[1][d] / Math.sqrt(ds));
                }
            }
        }
        return Arrays.asList(sum);
    }

    private static List<float[]> poolMeanStd(PatchData pd, float[][] emb, int n) {
        int de = emb[0].length;
        double[][] s1 = new double[n][de];
        double[][] s2 = new double[n][de];
        int[] cnt = new int[n];
        for (int i = 0; i < pd.size(); i++) {
            int c = pd.clipIndex.get(i);
            double s = 1e-12;
            for (float f : emb[i]) {
                s += f * f;
            }
            double k = 1 / Math.sqrt(s);
            for (int d = 0; d < de; d++) {
                s1[c][d] += emb[i][d] * k;
                s2[c][d] += emb[i][d] * k * emb[i][d] * k;
            }
            cnt[c]++;
        }
        List<float[]> out = new ArrayList<>();
        for (int c = 0; c < n; c++) {
            float[] v = new float[2 * de];
            for (int d = 0; d < de; d++) {
                double m = s1[c][d] / Math.max(1, cnt[c]);
                v[d] = (float) m;
                v[de + d] = (float) Math.sqrt(Math.max(0, s2[c][d] / Math.max(1, cnt[c]) - m * m));
            }
            out.add(v);
        }
        return out;
    }
}
