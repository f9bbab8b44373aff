package dev.audiocat.tagging.train;

import java.util.List;

/**
 * The log-mel statistics half of the published embedding: per band mean and standard deviation of a
 * patch over its frames (2 x mel bands values, means first), z-scored with constants measured on the
 * training patches and scaled by {@code weight / sqrt(2 x mel bands)}, so the z-scored half has about
 * the norm {@code weight} beside the unit-norm learned half. Experimental ({@code TrainMain
 * --melstats-weight 0.5}; 0.5 was chosen on the same-song validation of the training soundfonts,
 * {@link SongCheck} seed 31): not in the shipped model, see docs/models.md.
 * {@link OnnxExporter} writes the same arithmetic into the graph; {@link #publish} is its Java twin
 * (used to check ONNX Runtime against DJL).
 *
 * @param mean  per statistic, the training patches' mean
 * @param scale per statistic, {@code weight / (sd * sqrt(dim))}
 */
public record MelStats(float[] mean, float[] scale) {

    static final float EPS = 1e-12f;

    /** Constants from the given patches (rows of {@code patches}). */
    public static MelStats of(List<float[]> patches, List<Integer> rows, int frames, double weight) {
        int dim = 2 * patches.get(0).length / frames;
        double[] s = new double[dim];
        double[] s2 = new double[dim];
        for (int r : rows) {
            float[] v = stats(patches.get(r), frames);
            for (int j = 0; j < dim; j++) {
                s[j] += v[j];
                s2[j] += (double) v[j] * v[j];
            }
        }
        float[] mean = new float[dim];
        float[] scale = new float[dim];
        for (int j = 0; j < dim; j++) {
            double m = s[j] / rows.size();
            double sd = Math.sqrt(Math.max(0, s2[j] / rows.size() - m * m)) + 1e-6;
            mean[j] = (float) m;
            scale[j] = (float) (weight / (sd * Math.sqrt(dim)));
        }
        return new MelStats(mean, scale);
    }

    /** Per band mean and standard deviation over a patch's frames (layout: band-major, {@code b * frames + t}). */
    public static float[] stats(float[] patch, int frames) {
        int bands = patch.length / frames;
        float[] v = new float[2 * bands];
        for (int b = 0; b < bands; b++) {
            double s = 0;
            double s2 = 0;
            for (int t = 0; t < frames; t++) {
                double x = patch[b * frames + t];
                s += x;
                s2 += x * x;
            }
            double m = s / frames;
            v[b] = (float) m;
            v[bands + b] = (float) Math.sqrt(Math.max(0, s2 / frames - m * m));
        }
        return v;
    }

    /** The published per-patch embedding: the learned vector L2-normalised, then the scaled z-scored statistics. */
    public float[] publish(float[] learned, float[] patch, int frames) {
        double n = 0;
        for (float f : learned) {
            n += f * f;
        }
        float k = (float) (1 / Math.max(Math.sqrt(n), EPS));
        float[] st = stats(patch, frames);
        float[] out = new float[learned.length + st.length];
        for (int i = 0; i < learned.length; i++) {
            out[i] = learned[i] * k;
        }
        for (int j = 0; j < st.length; j++) {
            out[learned.length + j] = (st[j] - mean[j]) * scale[j];
        }
        return out;
    }
}
