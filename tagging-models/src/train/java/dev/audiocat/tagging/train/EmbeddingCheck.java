package dev.audiocat.tagging.train;

import dev.audiocat.tagging.Labels;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Validation of the embedding on clips of the training soundfonts that are held out of training (for
 * choices during development; the bench's held-out sets are not used): "same clip" = precision@1 of
 * a patch's nearest other patch being from the same clip (non-overlapping patches, a proxy for
 * "another excerpt of the same recording"), and "same family" = precision@10 between one-family
 * music clips (clip embedding = mean of its patches). Both against log-mel band statistics
 * (per band mean and standard deviation over the patch, z-scored over the set) as a baseline.
 */
final class EmbeddingCheck {

    final List<Integer> all = new ArrayList<>();
    final List<float[]> melStats;
    private final PatchData data;
    private final List<Clip> clips;

    EmbeddingCheck(PatchData data, List<Clip> clips) {
        this.data = data;
        this.clips = clips;
        List<float[]> stats = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            all.add(i);
            float[] v = MelStats.stats(data.patches.get(i), dev.audiocat.tagging.frontend.FrontEndSpec.DEFAULT.patchFrames());
            stats.add(v);
        }
        melStats = BenchMain.standardise(stats);
    }

    /** Precision@1 of "nearest other patch is from the same clip", over patches whose clip has two or more. */
    double sameClip(List<float[]> v) {
        Map<Integer, Integer> count = new HashMap<>();
        for (int c : data.clipIndex) {
            count.merge(c, 1, Integer::sum);
        }
        float[][] n = normalised(v);
        int queries = 0;
        int hits = 0;
        for (int q = 0; q < n.length; q++) {
            if (count.get(data.clipIndex.get(q)) < 2) {
                continue;
            }
            int best = -1;
            double bestSim = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < n.length; j++) {
                if (j != q) {
                    double d = dot(n[q], n[j]);
                    if (d > bestSim) {
                        bestSim = d;
                        best = j;
                    }
                }
            }
            queries++;
            if (data.clipIndex.get(best).equals(data.clipIndex.get(q))) {
                hits++;
            }
        }
        return hits / (double) Math.max(1, queries);
    }

    /** Precision@10 of the same instrument family between one-family music clips. */
    double family(List<float[]> v) {
        Map<Integer, float[]> sum = new HashMap<>();
        for (int i = 0; i < v.size(); i++) {
            int c = data.clipIndex.get(i);
            Clip clip = clips.get(c);
            if (clip.family() < 0 || clip.content() != Labels.CONTENT.indexOf("music")) {
                continue;
            }
            float[] s = sum.computeIfAbsent(c, k -> new float[v.get(0).length]);
            for (int d = 0; d < s.length; d++) {
                s[d] += v.get(i)[d];
            }
        }
        List<float[]> vecs = new ArrayList<>();
        List<Integer> fam = new ArrayList<>();
        sum.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            vecs.add(e.getValue());
            fam.add(clips.get(e.getKey()).family());
        });
        return BenchMain.precisionAtK(vecs, fam);
    }

    private static float[][] normalised(List<float[]> v) {
        float[][] n = new float[v.size()][];
        for (int i = 0; i < n.length; i++) {
            float[] x = v.get(i);
            double s = 1e-12;
            for (float f : x) {
                s += f * f;
            }
            float k = (float) (1 / Math.sqrt(s));
            n[i] = new float[x.length];
            for (int d = 0; d < x.length; d++) {
                n[i][d] = x[d] * k;
            }
        }
        return n;
    }

    private static double dot(float[] a, float[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d += a[i] * b[i];
        }
        return d;
    }
}
