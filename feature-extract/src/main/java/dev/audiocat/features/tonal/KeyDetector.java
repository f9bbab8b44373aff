package dev.audiocat.features.tonal;

import dev.audiocat.features.dsp.Frame;
import dev.audiocat.features.dsp.FrameProcessor;

/**
 * Estimates key, mode and concert pitch from the frames of the mono analysis stream, in O(1) memory.
 *
 * <p>Per frame: spectral peaks between {@link #MIN_HZ} and {@link #MAX_HZ} (local maxima above -60 dB of
 * the frame's strongest peak, frequency and amplitude refined by parabolic interpolation of the log
 * magnitude) are folded into a 120-bin pitch-class profile (10 cents per bin, bin 0 = A at 440 Hz)
 * with harmonic weighting: a peak at f also votes for f/2, f/3, f/4 with weights 0.6^(h-1), as in
 * Essentia's HPCP, so the third harmonic of a root counts for the root rather than for its fifth.
 * Each frame's profile is normalised to its maximum and added to a running sum.
 *
 * <p>Tuning is not assumed: every peak's amplitude goes into a 1-cent histogram of its deviation
 * from the 440 Hz equal-tempered grid; the circular mean of that histogram is the file's tuning
 * offset in cents. At {@link #finish()} the 120-bin sum is folded into 12 semitone bins centred on the tuned
 * grid, log-compressed, and correlated with 24 rotated key profiles (the average of the
 * Krumhansl-Kessler and Temperley profiles, see docs/analysis.md).
 *
 * <p>Final chord: beside the sum, the frame profiles also feed an exponentially decaying profile
 * (time constant {@link #END_SECONDS} of tonal frames), which at the end holds the last chord. Its
 * correlation with each key's tonic triad, weighted {@link #END_WEIGHT}, is added to the profile
 * correlation: tonal music mostly ends on its tonic, and that is what tells a minor key from its
 * relative major, whose pitch classes are nearly the same. Confidence is how far the best score
 * stands above the runner-up.
 */
public final class KeyDetector implements FrameProcessor {

    static final String[] PITCH_CLASSES = {"C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"};
    static final double MIN_HZ = 55.0;
    static final double MAX_HZ = 4200.0;
    private static final int BINS_PER_OCTAVE = 120;
    private static final int HARMONICS = 4;
    private static final double HARMONIC_DECAY = 0.6;
    private static final double PEAK_FLOOR = 1e-3; // -60 dB below the frame's largest bin
    private static final double SILENT_FRAME = 1e-4; // frame max magnitude below this: skip

    // Krumhansl-Kessler and Temperley (Kostka-Payne) probe-tone profiles, C = index 0.
    private static final double[] KK_MAJOR = {6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88};
    private static final double[] KK_MINOR = {6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17};
    private static final double[] TP_MAJOR = {0.748, 0.060, 0.488, 0.082, 0.670, 0.460, 0.096, 0.715, 0.104, 0.366, 0.057, 0.400};
    private static final double[] TP_MINOR = {0.712, 0.084, 0.474, 0.618, 0.049, 0.460, 0.105, 0.747, 0.404, 0.067, 0.133, 0.330};
    static final double[] MAJOR = blend(KK_MAJOR, TP_MAJOR);
    static final double[] MINOR = blend(KK_MINOR, TP_MINOR);
    /** Time constant of the decaying "final chord" profile, in seconds of tonal frames. */
    static final double END_SECONDS = 1.0;
    /** Weight of the final chord's match with each key's tonic triad beside the profile correlation (weight 1). */
    static final double END_WEIGHT = 0.3;

    // Preallocated so process() never allocates: the current frame's profile and the running sum.
    private final double[] frameProfile = new double[BINS_PER_OCTAVE];
    private final double[] profileSum = new double[BINS_PER_OCTAVE];
    private final double[] endProfile = new double[BINS_PER_OCTAVE]; // exponentially decaying: the last seconds
    private final double[] harmonicWeight = new double[HARMONICS + 1];
    private final double[] harmonicShift = new double[HARMONICS + 1];
    private final double[] deviation = new double[100]; // amplitude per cent of deviation from A440's grid, -50..49
    private final double endSeconds;
    private final double endWeight;
    private double endDecay = -1; // per frame, set from the first frame's rate and hop
    private long tonalFrames;
    private KeyEstimate result;

    public KeyDetector() {
        this(END_SECONDS, END_WEIGHT);
    }

    /**
     * Profile correlation alone, without the final-chord cue: for music that does not end on its
     * tonic (fade-outs, excerpts), and for the bench's ablation row.
     */
    public static KeyDetector withoutFinalChord() {
        return new KeyDetector(END_SECONDS, 0);
    }

    /** For tuning on a labelled corpus; the public constructor uses the documented defaults. */
    KeyDetector(double endSeconds, double endWeight) {
        this.endSeconds = endSeconds;
        this.endWeight = endWeight;
        for (int h = 1; h <= HARMONICS; h++) {
            harmonicWeight[h] = Math.pow(HARMONIC_DECAY, h - 1);
            harmonicShift[h] = BINS_PER_OCTAVE * Math.log(h) / Math.log(2);
        }
    }

    private static double[] blend(double[] a, double[] b) {
        double sa = 0;
        double sb = 0;
        for (int i = 0; i < 12; i++) {
            sa += a[i];
            sb += b[i];
        }
        double[] out = new double[12];
        for (int i = 0; i < 12; i++) {
            out[i] = a[i] / sa + b[i] / sb;
        }
        return out;
    }

    @Override
    public void process(Frame frame) {
        float[] mag = frame.magnitude;
        double binHz = frame.sampleRate / (double) frame.size;
        int lo = Math.max(2, (int) Math.ceil(MIN_HZ / binHz));
        int hi = Math.min(mag.length - 2, (int) Math.floor(MAX_HZ / binHz));
        float max = 0;
        for (int k = lo; k <= hi; k++) {
            if (mag[k] > max) {
                max = mag[k];
            }
        }
        if (max < SILENT_FRAME * frame.size) {
            return;
        }
        java.util.Arrays.fill(frameProfile, 0);
        double floor = max * PEAK_FLOOR;
        boolean any = false;
        for (int k = lo; k <= hi; k++) {
            float b = mag[k];
            if (b <= floor || b <= mag[k - 1] || b < mag[k + 1]) {
                continue;
            }
            double la = Math.log(mag[k - 1] + 1e-12);
            double lb = Math.log(b);
            double lc = Math.log(mag[k + 1] + 1e-12);
            double den = la - 2 * lb + lc;
            double p = den < 0 ? 0.5 * (la - lc) / den : 0;
            double hz = (k + p) * binHz;
            double amp = Math.exp(lb - 0.25 * (la - lc) * p);
            double pos = BINS_PER_OCTAVE * Math.log(hz / 440.0) / Math.log(2); // 10-cent bins from A440
            double cents = pos * 10;
            double dev = cents - 100 * Math.rint(cents / 100); // -50..50 around the nearest semitone
            int cent = (int) Math.floor(dev + 50);
            deviation[Math.min(99, Math.max(0, cent))] += amp;
            for (int h = 1; h <= HARMONICS; h++) {
                if (hz / h < MIN_HZ) {
                    break;
                }
                addLinear(pos - harmonicShift[h], amp * harmonicWeight[h]);
            }
            any = true;
        }
        if (!any) {
            return;
        }
        double fmax = 0;
        for (double v : frameProfile) {
            fmax = Math.max(fmax, v);
        }
        if (endDecay < 0) {
            endDecay = Math.exp(-frame.hop / (endSeconds * frame.sampleRate));
        }
        for (int i = 0; i < BINS_PER_OCTAVE; i++) {
            double v = frameProfile[i] / fmax;
            profileSum[i] += v;
            endProfile[i] = endProfile[i] * endDecay + v;
        }
        tonalFrames++;
    }

    private void addLinear(double pos, double w) {
        double m = pos - BINS_PER_OCTAVE * Math.floor(pos / BINS_PER_OCTAVE);
        int i0 = (int) m;
        double frac = m - i0;
        frameProfile[i0 % BINS_PER_OCTAVE] += w * (1 - frac);
        frameProfile[(i0 + 1) % BINS_PER_OCTAVE] += w * frac;
    }

    @Override
    public void finish() {
        if (tonalFrames == 0) {
            result = null;
            return;
        }
        double re = 0;
        double im = 0;
        for (int c = 0; c < 100; c++) {
            double phase = 2 * Math.PI * (c - 50 + 0.5) / 100;
            re += deviation[c] * Math.cos(phase);
            im += deviation[c] * Math.sin(phase);
        }
        double offsetCents = Math.atan2(im, re) / (2 * Math.PI) * 100;
        double[] chroma = foldToSemitones(profileSum, offsetCents / 10);
        double[] end = foldToSemitones(endProfile, offsetCents / 10);
        result = matchProfiles(chroma, end, endWeight, 440.0 * Math.pow(2, offsetCents / 1200));
    }

    /** The key, or null when no frame held a tonal peak (silence, or before {@link #finish()}). */
    public KeyEstimate result() {
        return result;
    }

    /** Folds a 120-bin profile into 12 pitch classes (C = 0) centred {@code offsetBins} from the A440 grid. */
    static double[] foldToSemitones(double[] profile, double offsetBins) {
        int per = BINS_PER_OCTAVE / 12;
        double[] chroma = new double[12];
        for (int b = 0; b < BINS_PER_OCTAVE; b++) {
            double rel = (b - offsetBins) / per; // semitones above A
            int s = (int) Math.rint(rel);
            double d = rel - s;                  // -0.5..0.5
            double w = Math.cos(Math.PI * d);
            int pc = Math.floorMod(s + 9, 12);
            chroma[pc] += profile[b] * w * w;
        }
        return chroma;
    }

    /**
     * Scores the 24 keys: correlation of the compressed chroma (C = 0) with each rotated profile,
     * plus {@code endWeight} times the correlation of the final-chord chroma (not compressed: its
     * strongest pitch classes are the chord) with the key's tonic triad.
     */
    static KeyEstimate matchProfiles(double[] chroma, double[] end, double endWeight, double tuningHz) {
        double[] x = compress(chroma);
        if (x == null) {
            return null;
        }
        double best = -2;
        double second = -2;
        int bestKey = 0;
        double[] scores = new double[24];
        for (int key = 0; key < 24; key++) {
            boolean isMinor = key >= 12;
            scores[key] = correlation(x, isMinor ? MINOR : MAJOR, key % 12);
            if (endWeight > 0) {
                scores[key] = (scores[key] + endWeight * correlation(end, isMinor ? MINOR_TRIAD : MAJOR_TRIAD, key % 12)) / (1 + endWeight);
            }
            if (scores[key] > best) {
                best = scores[key];
                bestKey = key;
            }
        }
        for (int key = 0; key < 24; key++) {
            if (key != bestKey && scores[key] > second) {
                second = scores[key];
            }
        }
        double confidence = Math.max(0, Math.min(1, best)) * Math.min(1, (best - second) / 0.15);
        return new KeyEstimate(PITCH_CLASSES[bestKey % 12], bestKey < 12 ? "major" : "minor", confidence, tuningHz);
    }

    private static final double[] MAJOR_TRIAD = {1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0};
    private static final double[] MINOR_TRIAD = {1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0};

    /** {@code log1p(20 c / max)}: a loud bass note must not outvote the harmony; null for an empty chroma. */
    private static double[] compress(double[] chroma) {
        double max = 0;
        for (double v : chroma) {
            max = Math.max(max, v);
        }
        if (max <= 0) {
            return null;
        }
        double[] x = new double[12];
        for (int i = 0; i < 12; i++) {
            x[i] = Math.log1p(20 * chroma[i] / max);
        }
        return x;
    }

    /**
     * Pearson correlation between a 12-bin pitch-class profile {@code x} rotated to {@code tonic}
     * and a key profile {@code prof} (index 0 = tonic); 0 when either is flat.
     */
    public static double correlation(double[] x, double[] prof, int tonic) {
        double mx = 0;
        double mp = 0;
        for (int i = 0; i < 12; i++) {
            mx += x[i];
            mp += prof[i];
        }
        mx /= 12;
        mp /= 12;
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < 12; i++) {
            double a = x[(i + tonic) % 12] - mx;
            double b = prof[i] - mp;
            sxy += a * b;
            sxx += a * a;
            syy += b * b;
        }
        return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0;
    }
}
