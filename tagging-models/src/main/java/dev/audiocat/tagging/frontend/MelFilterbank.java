package dev.audiocat.tagging.frontend;

/**
 * Triangular HTK-mel filters over the bins of a magnitude spectrum, stored sparsely (each band's
 * first bin and weights), and the log compression of {@link FrontEndSpec}.
 */
public final class MelFilterbank {

    private final FrontEndSpec spec;
    private final int[] firstBin;
    private final float[][] weights;
    private final float powerNorm;

    public MelFilterbank(FrontEndSpec spec) {
        this.spec = spec;
        int bins = spec.nFft() / 2 + 1;
        int bands = spec.melBands();
        double melMin = hzToMel(spec.fMin());
        double melMax = hzToMel(spec.fMax());
        double[] edges = new double[bands + 2];
        for (int i = 0; i < edges.length; i++) {
            edges[i] = melToHz(melMin + (melMax - melMin) * i / (bands + 1));
        }
        double binHz = spec.sampleRate() / (double) spec.nFft();
        firstBin = new int[bands];
        weights = new float[bands][];
        for (int b = 0; b < bands; b++) {
            double lo = edges[b];
            double mid = edges[b + 1];
            double hi = edges[b + 2];
            int k0 = (int) Math.ceil(lo / binHz);
            int k1 = Math.min(bins - 1, (int) Math.floor(hi / binHz));
            // a band narrower than one bin still gets its nearest bin, so no band is always silent
            if (k1 < k0) {
                k0 = k1 = Math.min(bins - 1, (int) Math.round(mid / binHz));
            }
            float[] w = new float[k1 - k0 + 1];
            for (int k = k0; k <= k1; k++) {
                double f = k * binHz;
                double v = f <= mid ? (f - lo) / (mid - lo) : (hi - f) / (hi - mid);
                w[k - k0] = (float) Math.max(0, Math.min(1, v));
            }
            if (w.length == 1) {
                w[0] = 1f;
            }
            firstBin[b] = k0;
            weights[b] = w;
        }
        this.powerNorm = 1f / ((spec.nFft() / 4f) * (spec.nFft() / 4f));
    }

    public static double hzToMel(double hz) {
        return 2595.0 * Math.log10(1.0 + hz / 700.0);
    }

    public static double melToHz(double mel) {
        return 700.0 * (Math.pow(10.0, mel / 2595.0) - 1.0);
    }

    public FrontEndSpec spec() {
        return spec;
    }

    /**
     * Writes the model-input value of every band for one magnitude spectrum into {@code out} and
     * returns the frame's loudest band in dB (used to skip silent patches).
     */
    public float apply(float[] magnitude, float[] out) {
        float maxDb = -100f;
        double ref = spec.dbRef();
        double scale = spec.dbScale();
        for (int b = 0; b < weights.length; b++) {
            float[] w = weights[b];
            int k0 = firstBin[b];
            double sum = 0;
            for (int i = 0; i < w.length; i++) {
                float m = magnitude[k0 + i];
                sum += w[i] * m * m;
            }
            double db = 10.0 * Math.log10(Math.max(sum * powerNorm, 1e-10));
            if (db > maxDb) {
                maxDb = (float) db;
            }
            out[b] = (float) ((db - ref) / scale);
        }
        return maxDb;
    }
}
