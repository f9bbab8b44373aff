package dev.audiocat.features.loudness;

/**
 * True-peak meter after ITU-R BS.1770-4 Annex 2: the signal is oversampled (4x below 96 kHz, 2x
 * below 192 kHz, none above) with a windowed-sinc polyphase interpolator and the largest absolute
 * interpolated value is the true peak. Also keeps the sample peak.
 *
 * <p>Interpolation is the costly part, so it is skipped around samples whose neighbourhood (the four
 * samples nearest the interpolated points) is more than 6 dB below the true peak found so far: a
 * band-limited signal's inter-sample overshoot over its nearest samples stays well under that for
 * real audio (the worst cases of about +3 dB need full-scale alternating patterns, which the guard
 * still catches because they raise the neighbourhood maximum). The guard is first applied to whole
 * segments of {@link #SEGMENT} samples (one compare per sample, early exit), then sample by sample.
 */
final class TruePeakMeter {

    private static final int TAPS_PER_PHASE = 16;
    /** The guard's neighbourhood: window indices [LOCAL_FROM, LOCAL_TO) around the interpolated points. */
    private static final int LOCAL_FROM = TAPS_PER_PHASE / 2 - 2;
    private static final int LOCAL_TO = TAPS_PER_PHASE / 2 + 2;
    /** Samples per guard segment: long enough to amortise the check, short enough that quiet spans skip. */
    static final int SEGMENT = 64;

    private final int factor;
    private final int channels;
    private final float[][] coef;      // [phase][tap]
    // Per channel: the last TAPS-1 samples of the previous blocks followed by the current block, so
    // every window is a contiguous slice. Grown (rarely) when a longer block arrives.
    private float[][] line;
    private double peak;
    private double samplePeak;

    TruePeakMeter(int sampleRate, int channels) {
        this.factor = sampleRate < 96000 ? 4 : sampleRate < 192000 ? 2 : 1;
        this.channels = channels;
        this.coef = new float[factor][TAPS_PER_PHASE];
        // Window indices 0..TAPS-1 run oldest..newest; phase ph interpolates at m + ph/factor,
        // m = TAPS/2 - 1, from a Kaiser-windowed sinc.
        int m = TAPS_PER_PHASE / 2 - 1;
        for (int ph = 0; ph < factor; ph++) {
            for (int j = 0; j < TAPS_PER_PHASE; j++) {
                double t = m + ph / (double) factor - j;
                double sinc = t == 0 ? 1.0 : Math.sin(Math.PI * t) / (Math.PI * t);
                coef[ph][j] = (float) (sinc * kaiser(t / (TAPS_PER_PHASE / 2.0), 7.0));
            }
        }
        this.line = new float[channels][TAPS_PER_PHASE - 1 + 4096];
    }

    private static double kaiser(double x, double beta) {
        if (Math.abs(x) > 1) {
            return 0;
        }
        return bessel0(beta * Math.sqrt(1 - x * x)) / bessel0(beta);
    }

    private static double bessel0(double x) {
        double sum = 1;
        double term = 1;
        for (int k = 1; k < 30; k++) {
            term *= (x / (2 * k)) * (x / (2 * k));
            sum += term;
        }
        return sum;
    }

    void accept(float[][] data, int frames) {
        final int hist = TAPS_PER_PHASE - 1;
        if (line[0].length < hist + frames) {
            for (int c = 0; c < channels; c++) {
                float[] grown = new float[hist + frames];
                System.arraycopy(line[c], 0, grown, 0, hist);
                line[c] = grown;
            }
        }
        for (int c = 0; c < channels; c++) {
            float[] h = line[c];
            System.arraycopy(data[c], 0, h, hist, frames);
            float blockMax = maxAbs(data[c], frames);
            if (blockMax > samplePeak) {
                samplePeak = blockMax;
            }
            if (blockMax > peak) {
                // the per-sample order matters only when samples raise the peak: keep it exact
                peakUpTo(h, frames);
            }
            if (factor > 1) {
                interpolate(h, frames);
            }
            // keep the last TAPS-1 samples (history) for the next block
            System.arraycopy(h, frames, h, 0, hist);
        }
    }

    /** Raises the peak by the raw samples of the block (sample i sits at h[hist + i]). */
    private void peakUpTo(float[] h, int frames) {
        for (int i = 0; i < frames; i++) {
            double ax = Math.abs(h[TAPS_PER_PHASE - 1 + i]);
            if (ax > peak) {
                peak = ax;
            }
        }
    }

    /**
     * Window of sample i (its newest sample h[hist + i]) is h[i .. i + TAPS). Raw samples were
     * already counted; only the phases between samples are computed here.
     */
    private void interpolate(float[] h, int frames) {
        for (int s = 0; s < frames; s += SEGMENT) {
            int e = Math.min(frames, s + SEGMENT);
            if (!anyAtLeast(h, s + LOCAL_FROM, e - 1 + LOCAL_TO, (float) (peak / 2))) {
                continue; // every sample's neighbourhood is below half the peak
            }
            float half = (float) (peak / 2);
            float best = 0;
            for (int i = s; i < e; i++) {
                if (Math.abs(h[i + LOCAL_FROM]) < half && Math.abs(h[i + LOCAL_FROM + 1]) < half
                        && Math.abs(h[i + LOCAL_FROM + 2]) < half && Math.abs(h[i + LOCAL_FROM + 3]) < half) {
                    continue;
                }
                if (factor == 4) {
                    best = threePhases(h, i, best);
                    continue;
                }
                for (int ph = 1; ph < factor; ph++) {
                    float[] k = coef[ph];
                    float a = 0;
                    for (int j = 0; j < TAPS_PER_PHASE; j++) {
                        a += k[j] * h[i + j];
                    }
                    a = Math.abs(a);
                    if (a > best) {
                        best = a;
                    }
                }
            }
            if (best > peak) {
                peak = best;
            }
        }
    }

    /**
     * Phases 1-3 of 4x oversampling at sample i, each summed in the generic loop's order, but in one
     * loop: three independent addition chains overlap instead of running one after the other.
     * Returns the larger of best and the three |values|, compared in phase order as that loop does.
     */
    private float threePhases(float[] h, int i, float best) {
        float[] k1 = coef[1];
        float[] k2 = coef[2];
        float[] k3 = coef[3];
        float a1 = 0;
        float a2 = 0;
        float a3 = 0;
        for (int j = 0; j < TAPS_PER_PHASE; j++) {
            float v = h[i + j];
            a1 += k1[j] * v;
            a2 += k2[j] * v;
            a3 += k3[j] * v;
        }
        a1 = Math.abs(a1);
        if (a1 > best) {
            best = a1;
        }
        a2 = Math.abs(a2);
        if (a2 > best) {
            best = a2;
        }
        a3 = Math.abs(a3);
        if (a3 > best) {
            best = a3;
        }
        return best;
    }

    /** Whether any |x[k]| for k in [from, to) is at least {@code level}; compares, no Math.max (NaN handling is slow). */
    private static boolean anyAtLeast(float[] x, int from, int to, float level) {
        for (int k = from; k < to; k++) {
            if (Math.abs(x[k]) >= level) {
                return true;
            }
        }
        return false;
    }

    private static float maxAbs(float[] x, int n) {
        float m = 0;
        for (int i = 0; i < n; i++) {
            float a = Math.abs(x[i]);
            if (a > m) {
                m = a;
            }
        }
        return m;
    }

    /** The true peak as linear amplitude. */
    double finish() {
        return peak;
    }

    /** The largest absolute sample value. */
    double samplePeak() {
        return samplePeak;
    }
}
