package dev.audiocat.tagging.train;

import java.util.Random;

/**
 * Seeded "production" augmentation of a training clip, applied once per clip before the front end
 * (so every patch of a clip shares it, as excerpts of one real recording share its mix):
 * tilt EQ (two-band shelf around a random corner), Schroeder reverb (synthetic, 4 combs + 2
 * all-passes), feed-forward compression, additive white or pink noise, and a random peak level.
 * All steps are O(n); each is applied with its own probability.
 *
 * <p>Optional (experimental, off by default) band limiting, applied first as to a band-limited source:
 * small General MIDI soundfonts and cheap sample libraries hold samples recorded at 11-22 kHz, and
 * archive transfers (tape, AM/FM broadcast, 22.05 kHz or low-bitrate MP3 sources) are band-limited,
 * while the training soundfonts are full band. With probability {@code bandLimit} a 4th-order
 * Butterworth low-pass at a cutoff drawn log-uniformly in 3.5-10 kHz (the analysis stream's Nyquist is
 * 11,025 Hz), and with a quarter of those also a 2nd-order Butterworth high-pass at 80-300 Hz
 * (telephone/AM). With {@code bandLimit = 0} no random number is drawn for it, so the other steps
 * (and a training without it) are unchanged.
 */
public final class Augment {

    private static final double RATE = MidiCorpus.RATE;

    private Augment() {
    }

    /** Low-pass cutoff range of the band-limiting step, Hz (log-uniform). */
    static final double LOW_PASS_MIN_HZ = 3500;
    static final double LOW_PASS_MAX_HZ = 10000;
    /** High-pass corner range (log-uniform) and its share among band-limited clips. */
    static final double HIGH_PASS_MIN_HZ = 80;
    static final double HIGH_PASS_MAX_HZ = 300;
    static final double HIGH_PASS_SHARE = 0.25;

    /** Returns an augmented copy of {@code x}, peak-normalised to a random level of -30..-1 dBFS. */
    public static float[] apply(float[] x, Random rnd) {
        return apply(x, rnd, 0);
    }

    /**
     * As {@link #apply(float[], Random)}, first band-limiting the clip with probability {@code bandLimit}
     * (see the class comment); {@code bandLimit = 0} draws nothing for it and gives the same result.
     */
    public static float[] apply(float[] x, Random rnd, double bandLimit) {
        float[] y = x.clone();
        if (bandLimit > 0 && rnd.nextDouble() < bandLimit) {
            double lowPass = logUniform(rnd, LOW_PASS_MIN_HZ, LOW_PASS_MAX_HZ);
            double highPass = rnd.nextDouble() < HIGH_PASS_SHARE ? logUniform(rnd, HIGH_PASS_MIN_HZ, HIGH_PASS_MAX_HZ) : 0;
            bandLimit(y, lowPass, highPass);
        }
        if (rnd.nextDouble() < 0.7) {
            tilt(y, 200 + 3000 * rnd.nextDouble(), -10 + 20 * rnd.nextDouble(), -10 + 20 * rnd.nextDouble());
        }
        if (rnd.nextDouble() < 0.4) {
            y = reverb(y, 0.2 + 1.6 * rnd.nextDouble(), 0.1 + 0.4 * rnd.nextDouble(), rnd.nextLong());
        }
        if (rnd.nextDouble() < 0.3) {
            compress(y, -30 + 20 * rnd.nextDouble(), 2 + 6 * rnd.nextDouble());
        }
        if (rnd.nextDouble() < 0.3) {
            noise(y, 20 + 35 * rnd.nextDouble(), rnd.nextBoolean(), rnd.nextLong());
        }
        float peak = 1e-6f;
        for (float v : y) {
            peak = Math.max(peak, Math.abs(v));
        }
        float g = (float) (Math.pow(10, (-30 + 29 * rnd.nextDouble()) / 20) / peak);
        for (int i = 0; i < y.length; i++) {
            y[i] *= g;
        }
        return y;
    }

    private static double logUniform(Random rnd, double lo, double hi) {
        return lo * Math.pow(hi / lo, rnd.nextDouble());
    }

    /**
     * In place: 4th-order Butterworth low-pass at {@code lowPassHz} (two cascaded biquads, Q = 0.5412
     * and 1.3066), then, if {@code highPassHz > 0}, a 2nd-order Butterworth high-pass there (Q = 0.7071).
     * Bilinear-transform biquads (RBJ cookbook), direct form I in double precision.
     */
    static void bandLimit(float[] x, double lowPassHz, double highPassHz) {
        biquad(x, lowPassHz, 0.54119610, false);
        biquad(x, lowPassHz, 1.30656296, false);
        if (highPassHz > 0) {
            biquad(x, highPassHz, Math.sqrt(0.5), true);
        }
    }

    /** One RBJ-cookbook low- or high-pass biquad at {@code hz} with quality {@code q}, in place. */
    static void biquad(float[] x, double hz, double q, boolean highPass) {
        double w0 = 2 * Math.PI * hz / RATE;
        double cos = Math.cos(w0);
        double alpha = Math.sin(w0) / (2 * q);
        double a0 = 1 + alpha;
        double b1 = (highPass ? -(1 + cos) : 1 - cos) / a0;
        double b0 = (highPass ? (1 + cos) / 2 : (1 - cos) / 2) / a0;
        double b2 = b0;
        double a1 = -2 * cos / a0;
        double a2 = (1 - alpha) / a0;
        double x1 = 0;
        double x2 = 0;
        double y1 = 0;
        double y2 = 0;
        for (int i = 0; i < x.length; i++) {
            double in = x[i];
            double out = b0 * in + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
            x2 = x1;
            x1 = in;
            y2 = y1;
            y1 = out;
            x[i] = (float) out;
        }
    }

    /** Two bands split by a one-pole low-pass at {@code cornerHz}, gains in dB. */
    static void tilt(float[] x, double cornerHz, double lowDb, double highDb) {
        double a = 1 - Math.exp(-2 * Math.PI * cornerHz / RATE);
        double gl = Math.pow(10, lowDb / 20);
        double gh = Math.pow(10, highDb / 20);
        double lp = 0;
        for (int i = 0; i < x.length; i++) {
            lp += a * (x[i] - lp);
            x[i] = (float) (gl * lp + gh * (x[i] - lp));
        }
    }

    /** Schroeder reverb with decay time {@code rt60} seconds, mixed {@code wet} (0..1) with the dry signal. */
    static float[] reverb(float[] x, double rt60, double wet, long seed) {
        Random r = new Random(seed);
        int[] combs = new int[4];
        double[] gains = new double[4];
        for (int c = 0; c < 4; c++) {
            double ms = 25 + 20 * r.nextDouble() + 3 * c;
            combs[c] = (int) (ms / 1000 * RATE);
            gains[c] = Math.pow(10, -3 * combs[c] / (rt60 * RATE));
        }
        double damp = 0.2 + 0.4 * r.nextDouble();
        float[] out = new float[x.length];
        for (int c = 0; c < 4; c++) {
            float[] buf = new float[combs[c]];
            int p = 0;
            double lp = 0;
            for (int i = 0; i < x.length; i++) {
                double d = buf[p];
                lp = (1 - damp) * d + damp * lp;
                buf[p] = (float) (x[i] + gains[c] * lp);
                p = (p + 1) % buf.length;
                out[i] += (float) (d / 4);
            }
        }
        for (int ms : new int[] {5, 2}) {
            int n = (int) (ms / 1000.0 * RATE * (0.8 + 0.4 * r.nextDouble()));
            float[] buf = new float[n];
            int p = 0;
            double g = 0.6;
            for (int i = 0; i < out.length; i++) {
                double d = buf[p];
                double in = out[i];
                double v = in + g * d;
                buf[p] = (float) v;
                out[i] = (float) (d - g * v);
                p = (p + 1) % n;
            }
        }
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = (float) ((1 - wet) * x[i] + wet * 2 * out[i]);
        }
        return y;
    }

    /** Feed-forward compressor on a 5 ms attack / 100 ms release peak envelope, make-up to the input peak. */
    static void compress(float[] x, double thresholdDbRelPeak, double ratio) {
        double peak = 1e-9;
        for (float v : x) {
            peak = Math.max(peak, Math.abs(v));
        }
        double thr = peak * Math.pow(10, thresholdDbRelPeak / 20);
        double att = Math.exp(-1 / (0.005 * RATE));
        double rel = Math.exp(-1 / (0.1 * RATE));
        double env = 0;
        double outPeak = 1e-9;
        for (int i = 0; i < x.length; i++) {
            double a = Math.abs(x[i]);
            env = a > env ? att * env + (1 - att) * a : rel * env + (1 - rel) * a;
            double g = env > thr ? Math.pow(env / thr, 1 / ratio - 1) : 1;
            x[i] = (float) (x[i] * g);
            outPeak = Math.max(outPeak, Math.abs(x[i]));
        }
        double makeUp = peak / outPeak;
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (x[i] * makeUp);
        }
    }

    /** Adds white or pink (Kellett's economy filter) noise at {@code snrDb} below the clip's RMS. */
    static void noise(float[] x, double snrDb, boolean pink, long seed) {
        Random r = new Random(seed);
        double rms = SpeechCorpus.rms(x);
        if (rms <= 0) {
            return;
        }
        double level = rms * Math.pow(10, -snrDb / 20);
        double b0 = 0;
        double b1 = 0;
        double b2 = 0;
        for (int i = 0; i < x.length; i++) {
            double w = r.nextGaussian();
            double v = w;
            if (pink) {
                b0 = 0.99765 * b0 + w * 0.0990460;
                b1 = 0.96300 * b1 + w * 0.2965164;
                b2 = 0.57000 * b2 + w * 1.0526913;
                v = (b0 + b1 + b2 + w * 0.1848) / 3.5;
            }
            x[i] += (float) (v * level);
        }
    }
}
