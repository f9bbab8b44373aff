package dev.audiocat.features.loudness;

/**
 * True-peak meter after ITU-R BS.1770-4 Annex 2: the signal is oversampled (4x below 96 kHz, 2x
 * below 192 kHz, none above) with a windowed-sinc polyphase interpolator and the largest absolute
 * interpolated value is the true peak.
 *
 * <p>Interpolation is the costly part, so it is skipped around samples whose neighbourhood is more
 * than 6 dB below the true peak found so far: a band-limited signal's inter-sample overshoot over its
 * nearest samples stays well under that for real audio (the worst cases of about +3 dB need full-scale
 * alternating patterns, which the guard still catches because they raise the neighbourhood maximum).
 */
final class TruePeakMeter {

    private static final int TAPS_PER_PHASE = 16;

    private final int factor;
    private final int channels;
    private final float[][] coef;      // [phase][tap]
    private final float[][] history;   // per channel, last TAPS_PER_PHASE samples (circular, doubled for contiguous reads)
    private final int[] pos;
    private double peak;

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
        this.history = new float[channels][2 * TAPS_PER_PHASE];
        this.pos = new int[channels];
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
        for (int c = 0; c < channels; c++) {
            float[] h = history[c];
            float[] in = data[c];
            int p = pos[c];
            for (int i = 0; i < frames; i++) {
                float x = in[i];
                h[p] = x;
                h[p + TAPS_PER_PHASE] = x;
                p = (p + 1) % TAPS_PER_PHASE;
                double ax = Math.abs(x);
                if (ax > peak) {
                    peak = ax;
                }
                if (factor == 1) {
                    continue;
                }
                // h[p .. p+TAPS) is the window oldest..newest; its centre lies TAPS/2 samples back.
                float local = 0;
                for (int j = TAPS_PER_PHASE / 2 - 2; j < TAPS_PER_PHASE / 2 + 2; j++) {
                    local = Math.max(local, Math.abs(h[p + j]));
                }
                if (local * 2.0 < peak) {
                    continue;
                }
                for (int ph = 1; ph < factor; ph++) {
                    float[] k = coef[ph];
                    double acc = 0;
                    for (int j = 0; j < TAPS_PER_PHASE; j++) {
                        acc += k[j] * h[p + j];
                    }
                    double a = Math.abs(acc);
                    if (a > peak) {
                        peak = a;
                    }
                }
            }
            pos[c] = p;
        }
    }

    /** The true peak as linear amplitude. */
    double finish() {
        return peak;
    }
}
