package dev.audiocat.features.quality;

import dev.audiocat.features.decode.PcmSink;
import org.jtransforms.fft.DoubleFFT_1D;

/**
 * Mains hum at 50 or 60 Hz and harmonics, with where it starts and stops.
 *
 * <p>Hum is a sinusoid at an exact multiple of the mains frequency that holds its frequency and phase
 * for many seconds; music puts its own partials near 50 and 60 Hz (bass notes, detuned or not), but
 * they seldom sit within a tenth of a hertz of the mains line for seconds on end. So each candidate
 * line (50 and 60 Hz, harmonics 1 to {@value #HARMONICS}) is measured coherently over a long window:
 * <ol>
 *   <li>the mono analysis stream is low-passed at {@link #ANTI_ALIAS_HZ} and decimated by
 *       {@link #DECIMATION} (boxcar mean; 1378 Hz at 22.05 kHz);</li>
 *   <li>each line is mixed down to 0 Hz with its own phasor (absolute time, so phase carries across
 *       blocks) and averaged over {@link #BASEBAND} samples: a complex baseband stream at 21.5 Hz
 *       holding the line's neighbourhood of about +-10 Hz;</li>
 *   <li>every {@link #HOP} baseband samples (0.74 s) the last {@link #WINDOW} (5.9 s, 0.17 Hz bins)
 *       are Hann-windowed and transformed; the line's score is the power of the 0 Hz bin over the
 *       median power of the bins 0.4-2 Hz either side.</li>
 * </ol>
 * A window hums at mains f when the fundamental or the second harmonic scores at least
 * {@link #LINE_DB} and is not a tooth of a comb (lines at -2d, -d, +d, +2d within {@link #COMB_DB} of
 * it, for a spacing d of 0.4-4 Hz: a steady beat or a re-struck bass note repeats, and a repeating
 * sound is a comb of lines whose teeth can fall on 50/60 Hz; hum is one line), and at least
 * {@link #MIN_HARMONICS} harmonics score {@link #WEAK_DB}; or, hum no louder than the teeth, when a
 * line taken for a tooth keeps its phase over {@link #LAG} windows while the comb is not centred on
 * it ({@code steadyOffComb}). Humming windows
 * of the same mains closer than {@link #MERGE_GAP_S} merge into one run; a run is reported from the
 * centre of its first window whose fundamental reaches half the run's largest amplitude to the centre
 * of the last such window (the coherent amplitude grows with the share of the window holding the hum).
 * A run below {@link #WARNING_DBFS} must hold in {@link #QUIET_MIN_WINDOWS} windows (fewer are chance in noise).
 * Memory and work per sample are constant; files shorter than one window are not checked.
 */
final class HumDetector implements PcmSink {

    static final int DECIMATION = 16;
    static final double ANTI_ALIAS_HZ = 450;
    static final int BASEBAND = 64;
    static final int WINDOW = 128;
    static final int HOP = 16;
    static final int HARMONICS = 3;
    /** Score (dB over the neighbourhood median) the fundamental or second harmonic must reach. */
    static final double LINE_DB = 12;
    /** Score a harmonic must reach to count towards {@link #MIN_HARMONICS}. */
    static final double WEAK_DB = 6;
    static final int MIN_HARMONICS = 2;
    /** Half-width of the line in Hz: mains frequency wanders a little. */
    static final double LINE_HZ = 0.1;
    static final double NEIGHBOURS_FROM_HZ = 0.4;
    static final double NEIGHBOURS_TO_HZ = 2.0;
    static final double MERGE_GAP_S = 3.0;
    /**
     * A line is a tooth of a comb, not hum, when at least {@link #COMB_TEETH} of the 4 bins at
     * -2d, -d, +d, +2d (for some spacing d from {@link #COMB_FROM_HZ} to {@link #COMB_TO_HZ}) lie
     * within {@link #COMB_DB} of it: a pattern repeating every 1/d seconds (a steady beat, a bass
     * note re-struck every beat or bar) has lines at every multiple of d.
     */
    static final double COMB_DB = 6;
    static final double COMB_FROM_HZ = 0.4;
    static final double COMB_TO_HZ = 4;
    static final int COMB_TEETH = 3;
    /** {@link #COMB_DB} as a power ratio: a tooth has at least this share of the line's power. */
    private static final double COMB_RATIO = Math.pow(10, -COMB_DB / 10);
    /**
     * Phase coherence: the 0 Hz bin of a line is compared with its value {@value #LAG} windows earlier
     * (2.97 s, half overlapping). Hum keeps one complex value; a partial or comb tooth f Hz off the
     * line turns by 2 pi f 2.97 s. Instability is |c - c'|^2 / (|c|^2 + |c'|^2): 0 for a steady line,
     * about 1 for unrelated values, 1 - cos(phi) for a rotation by phi at equal amplitude.
     */
    static final int LAG = 4;
    /** Instability at most this (a rotation of at most 26 degrees) makes a line steady. */
    static final double STEADY = 0.1;
    /**
     * Fundamental amplitude (dBFS) below which a line is not reported: -100 dBFS is below half the
     * least significant bit of 16-bit audio (-96 dBFS), so such a line is inaudible at any sane
     * playback gain and is not mains interference a transfer picked up. Without it, the decaying
     * tail of a single hit followed by near-digital silence scored as "hum" against neighbours of
     * almost zero power (the bench's tempo-less hit2.wav was flagged at -145 dBFS on every seed).
     */
    static final double MIN_DBFS = -100;
    private static final double MIN_AMPLITUDE = Math.pow(10, MIN_DBFS / 20);
    /**
     * Fundamental level (dBFS) from which a run is a warning rather than info, and from which a run of
     * fewer than {@link #QUIET_MIN_WINDOWS} humming windows is reported.
     */
    static final double WARNING_DBFS = -50;
    /**
     * Humming windows a run below {@link #WARNING_DBFS} must hold. In noise (tape hiss, room tone) two
     * harmonics come out steady and {@link #WEAK_DB} over their neighbours by chance, at the noise's level
     * in a 0.17 Hz bin (-70 to -100 dBFS in the transfers and tests seen): in 60 hours of seeded pink
     * noise, 46 runs of one window, 3 of two (overlapping windows share most of their samples), none of
     * three or more. Hum on a transfer lasts: four windows are 8.1 s of it.
     */
    static final int QUIET_MIN_WINDOWS = 4;
    /** Fraction of a window trimmed at both ends of a run: a line shows once most of a window holds it. */
    static final double PAD = 0.3;
    private static final int[] MAINS_HZ = {50, 60};
    private static final int LINES = MAINS_HZ.length * HARMONICS;

    // per section: b0, a1, a2 of an RBJ low-pass biquad (its b1 = 2 b0 and b2 = b0 are implied)
    private final double[][] bq = new double[2][3];
    private double[] decimated = new double[0]; // scratch: one block's decimated samples
    private final double[] z = new double[6];        // filter state: v[n-1], v[n-2], then each section's y[n-1], y[n-2]
    private final double[] window = new double[WINDOW];
    private final DoubleFFT_1D fft = new DoubleFFT_1D(WINDOW);
    // Preallocated per line: phasor, its step, the baseband accumulator and the last WINDOW baseband samples.
    private final double[] phRe = new double[LINES];
    private final double[] phIm = new double[LINES];
    private final double[] stepRe = new double[LINES];
    private final double[] stepIm = new double[LINES];
    private final double[] accRe = new double[LINES];
    private final double[] accIm = new double[LINES];
    private final double[][] ringRe = new double[LINES][WINDOW];
    private final double[][] ringIm = new double[LINES][WINDOW];
    private final double[] neighbours = new double[2 * WINDOW]; // scratch for the median
    private final double[] score = new double[HARMONICS];
    private final boolean[] comb = new boolean[HARMONICS]; // the line is a tooth of a comb
    private final double[] power = new double[WINDOW];
    // The last LAG + 1 spectra of every line (interleaved re, im), for phase coherence across windows.
    private final double[][][] spectra = new double[LINES][LAG + 1][2 * WINDOW];
    private final double[] unsteady = new double[HARMONICS];
    private final double[] linePower = new double[HARMONICS];
    private final double[] above = new double[WINDOW]; // scratch: frequencies of the teeth above and below the line
    private final double[] below = new double[WINDOW];
    private final double[] offsets = new double[WINDOW];
    private long analyses;
    private final FlagList flags = new FlagList(QcFlag.MAINS_HUM);
    private double rate;       // decimated rate
    private double acc;
    private int accN;
    private int inBaseband;    // decimated samples in the current baseband average
    private long baseband;     // baseband samples so far
    private boolean usable;    // all lines below the decimated Nyquist
    // One run per mains frequency (hum at both at once is possible on a badly wired site).
    private final double[] runStart = new double[MAINS_HZ.length];
    private final double[] runEnd = new double[MAINS_HZ.length];
    private final double[] runAmplitude = new double[MAINS_HZ.length];
    private final boolean[] running = new boolean[MAINS_HZ.length];
    private final int[] runWindows = new int[MAINS_HZ.length];
    // The first and the last EDGE windows of each run (start time, fundamental amplitude), for its edges.
    private static final int EDGE = 2 * WINDOW / HOP;
    private final double[][] headStart = new double[MAINS_HZ.length][EDGE];
    private final double[][] headAmp = new double[MAINS_HZ.length][EDGE];
    private final int[] headN = new int[MAINS_HZ.length];
    private final double[][] tailStart = new double[MAINS_HZ.length][EDGE];
    private final double[][] tailAmp = new double[MAINS_HZ.length][EDGE];
    private final long[] tailN = new long[MAINS_HZ.length];

    HumDetector() {
        for (int i = 0; i < WINDOW; i++) {
            window[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / WINDOW);
        }
    }

    @Override
    public void start(int sampleRate, int channelCount) {
        rate = sampleRate / (double) DECIMATION;
        // 4th-order Butterworth low-pass at ANTI_ALIAS_HZ (two RBJ biquads) before the boxcar:
        // without it, note partials near multiples of the decimated rate fold onto the mains lines.
        design(0, sampleRate, 0.54119610);
        design(1, sampleRate, 1.3065630);
        java.util.Arrays.fill(z, 0);
        usable = true;
        for (int m = 0; m < MAINS_HZ.length; m++) {
            for (int h = 1; h <= HARMONICS; h++) {
                int l = m * HARMONICS + h - 1;
                double w = -2 * Math.PI * h * MAINS_HZ[m] / rate;
                stepRe[l] = Math.cos(w);
                stepIm[l] = Math.sin(w);
                phRe[l] = 1;
                phIm[l] = 0;
                usable &= h * MAINS_HZ[m] + 2 * NEIGHBOURS_TO_HZ < Math.min(rate / 2, ANTI_ALIAS_HZ);
            }
        }
    }

    private void design(int s, double fs, double q) {
        double w = 2 * Math.PI * ANTI_ALIAS_HZ / fs;
        double alpha = Math.sin(w) / (2 * q);
        double a0 = 1 + alpha;
        double c = Math.cos(w);
        bq[s][0] = (1 - c) / 2 / a0;
        bq[s][1] = -2 * c / a0;
        bq[s][2] = (1 - alpha) / a0;
    }

    @Override
    public void accept(float[][] data, int frames) {
        if (!usable) {
            return;
        }
        float[] x = data[0];
        // Filter coefficients and state in locals: array and field traffic per sample cost more than the arithmetic.
        // Lowpass biquads: b2 = b0 and b1 = 2 b0, so b0 (v + v2 + 2 v1). Direct form I with the feedback
        // as two FMAs: the recursion's critical path is one FMA per sample (the transposed form II used until
        // session 8 chained a multiply, a subtraction and two additions through its state).
        double g0 = bq[0][0], a01 = bq[0][1], a02 = bq[0][2];
        double g1 = bq[1][0], a11 = bq[1][1], a12 = bq[1][2];
        double v1 = z[0], v2 = z[1], p1 = z[2], p2 = z[3], q1 = z[4], q2 = z[5];
        double sum = acc;
        int n = accN;
        // The recursion runs alone in this loop; the decimated samples are mixed down after it (a call
        // inside the loop kept the filter state from staying in registers).
        if (decimated.length < frames / DECIMATION + 1) {
            decimated = new double[frames / DECIMATION + 1];
        }
        double[] out = decimated;
        int outN = 0;
        for (int i = 0; i < frames; i++) {
            double v = x[i] + 1e-30; // keeps the recursion out of subnormal numbers in silence (10x slower); adds nothing measurable
            double p = Math.fma(-a01, p1, Math.fma(-a02, p2, g0 * Math.fma(2.0, v1, v + v2)));
            double q = Math.fma(-a11, q1, Math.fma(-a12, q2, g1 * Math.fma(2.0, p1, p + p2)));
            v2 = v1;
            v1 = v;
            p2 = p1;
            p1 = p;
            q2 = q1;
            q1 = q;
            sum += q;
            if (++n == DECIMATION) {
                out[outN++] = sum / DECIMATION;
                sum = 0;
                n = 0;
            }
        }
        z[0] = v1;
        z[1] = v2;
        z[2] = p1;
        z[3] = p2;
        z[4] = q1;
        z[5] = q2;
        acc = sum;
        accN = n;
        for (int k = 0; k < outN; k++) {
            mix(out[k]);
        }
    }

    /** One decimated sample: mixed down by every line's phasor into its baseband average. */
    private void mix(double v) {
        for (int l = 0; l < LINES; l++) {
            double re = phRe[l];
            double im = phIm[l];
            accRe[l] += v * re;
            accIm[l] += v * im;
            phRe[l] = re * stepRe[l] - im * stepIm[l];
            phIm[l] = re * stepIm[l] + im * stepRe[l];
        }
        if (++inBaseband == BASEBAND) {
            int slot = (int) (baseband % WINDOW);
            for (int l = 0; l < LINES; l++) {
                ringRe[l][slot] = accRe[l] / BASEBAND;
                ringIm[l][slot] = accIm[l] / BASEBAND;
                accRe[l] = 0;
                accIm[l] = 0;
                // keep the phasor on the unit circle: the recurrence drifts by rounding
                double g = 1 / Math.sqrt(phRe[l] * phRe[l] + phIm[l] * phIm[l]);
                phRe[l] *= g;
                phIm[l] *= g;
            }
            inBaseband = 0;
            baseband++;
            if (baseband >= WINDOW && (baseband - WINDOW) % HOP == 0) {
                analyse();
            }
        }
    }

    private void analyse() {
        analyses++;
        double bandRate = rate / BASEBAND;
        double binHz = bandRate / WINDOW;
        long first = baseband - WINDOW;
        double start = first * BASEBAND / rate;
        double end = baseband * BASEBAND / rate;
        for (int m = 0; m < MAINS_HZ.length; m++) {
            double amplitude = 0;
            for (int h = 1; h <= HARMONICS; h++) {
                int l = m * HARMONICS + h - 1;
                // the spectrum is computed in place in the slot of the oldest kept one
                double[] now = spectrum(l, 0);
                double[] then = spectrum(l, LAG);
                for (int i = 0; i < WINDOW; i++) {
                    int slot = (int) ((first + i) % WINDOW);
                    now[2 * i] = ringRe[l][slot] * window[i];
                    now[2 * i + 1] = ringIm[l][slot] * window[i];
                }
                fft.complexForward(now);
                boolean lagged = analyses > LAG;
                double change = (now[0] - then[0]) * (now[0] - then[0]) + (now[1] - then[1]) * (now[1] - then[1]);
                double energy = now[0] * now[0] + now[1] * now[1] + then[0] * then[0] + then[1] * then[1];
                unsteady[h - 1] = lagged && energy > 0 ? change / energy : 1;
                double line = 0;
                int nb = 0;
                for (int k = 0; k < WINDOW; k++) {
                    double d = Math.abs((k < WINDOW / 2 ? k : k - WINDOW) * binHz);
                    double p = now[2 * k] * now[2 * k] + now[2 * k + 1] * now[2 * k + 1];
                    power[k] = p;
                    if (d <= LINE_HZ) {
                        line = Math.max(line, p);
                    } else if (d >= NEIGHBOURS_FROM_HZ && d <= NEIGHBOURS_TO_HZ) {
                        neighbours[nb++] = p;
                    }
                }
                comb[h - 1] = combTooth(line, binHz);
                linePower[h - 1] = line;
                java.util.Arrays.sort(neighbours, 0, nb);
                double median = nb % 2 == 1 ? neighbours[nb / 2] : (neighbours[nb / 2 - 1] + neighbours[nb / 2]) / 2;
                score[h - 1] = median > 0 ? 10 * Math.log10(line / median) : line > 0 ? Double.POSITIVE_INFINITY : 0;
                if (h == 1) {
                    // baseband of A sin(2 pi f t) is A/2; the Hann window sums to WINDOW/2
                    amplitude = 4 * Math.sqrt(line) / WINDOW;
                }
            }
            int weak = 0;
            for (double s : score) {
                if (s >= WEAK_DB) {
                    weak++;
                }
            }
            boolean hums = (score[0] >= LINE_DB && !comb[0] || score[1] >= LINE_DB && !comb[1]) && weak >= MIN_HARMONICS
                    || steadyOffComb(m, binHz);
            if (hums && amplitude >= MIN_AMPLITUDE) {
                if (running[m] && start - runEnd[m] <= MERGE_GAP_S) {
                    runEnd[m] = end;
                    runAmplitude[m] = Math.max(runAmplitude[m], amplitude);
                    runWindows[m]++;
                } else {
                    closeRun(m);
                    running[m] = true;
                    runStart[m] = start;
                    runEnd[m] = end;
                    runAmplitude[m] = amplitude;
                    runWindows[m] = 1;
                    headN[m] = 0;
                    tailN[m] = 0;
                }
                if (headN[m] < EDGE) {
                    headStart[m][headN[m]] = start;
                    headAmp[m][headN[m]++] = amplitude;
                }
                int t = (int) (tailN[m]++ % EDGE);
                tailStart[m][t] = start;
                tailAmp[m][t] = amplitude;
            } else if (running[m] && start - runEnd[m] > MERGE_GAP_S) {
                closeRun(m);
            }
        }
    }

    /**
     * The second way a window hums: a line that the comb test took for a tooth, but that is steady in
     * phase while the comb around it is not centred on it. Under a drum pattern whose teeth fall near
     * 50/60 Hz (146-175 BPM in the bench), hum can be as loud as the teeth and so fail the comb test
     * and the {@link #LINE_DB} score; but a tooth 0.05-0.3 Hz off the line turns from window to window
     * and hum does not. A comb whose teeth sit exactly on the line (a tempo that divides the mains
     * frequency, e.g. 150 BPM) is as steady as hum there: it is recognised by its teeth lying
     * symmetrically about the line (their offset below {@code alignHz}, the frequency that turns less
     * than {@link #STEADY} allows over the lag) and then, as before, nothing can tell hum from the tooth.
     * Requires the 1st or 2nd harmonic steady inside an off-centre comb, at least
     * {@link #MIN_HARMONICS} harmonics steady and {@link #WEAK_DB} over their neighbourhood, and no
     * harmonic inside a centred comb.
     */
    private boolean steadyOffComb(int m, double binHz) {
        if (analyses <= LAG) {
            return false;
        }
        int steady = 0;
        boolean inComb = false;
        for (int h = 0; h < HARMONICS; h++) {
            if (unsteady[h] <= STEADY && score[h] >= WEAK_DB) {
                steady++;
                inComb |= h < 2 && comb[h];
            }
        }
        if (!inComb || steady < MIN_HARMONICS) {
            return false;
        }
        // Only now (rarely) the teeth's frequencies: is any harmonic's comb centred on its line?
        double lagSeconds = LAG * HOP * BASEBAND / rate;
        double alignHz = Math.acos(1 - STEADY) / (2 * Math.PI * lagSeconds);
        for (int h = 0; h < HARMONICS; h++) {
            int l = m * HARMONICS + h;
            if (comb[h] && toothOffset(spectrum(l, 0), spectrum(l, LAG), linePower[h], binHz, lagSeconds) < alignHz) {
                return false; // NaN (no symmetric teeth to judge) compares false
            }
        }
        return true;
    }

    /**
     * How far the comb around the line is from being centred on it, in Hz: each tooth (a local maximum
     * within {@link #COMB_DB} of the line, 2 bins to {@link #COMB_TO_HZ} away) gets its exact frequency
     * from its phase advance over the lag (a phase vocoder: the bin's centre plus the advance beyond
     * the centre's, +-1 bin), each tooth above the line is paired with the tooth below nearest to its
     * mirror image, and half the median mismatch is the offset (0 for a comb with a tooth on the line).
     * NaN when no tooth has a mirror within 1.5 bins.
     */
    private double toothOffset(double[] now, double[] then, double line, double binHz, double lagSeconds) {
        double floor = line * COMB_RATIO;
        int last = Math.min(WINDOW / 2 - 2, (int) (COMB_TO_HZ / binHz));
        int na = 0;
        int nb = 0;
        for (int k = -last; k <= last; k++) {
            int i = Math.floorMod(k, WINDOW);
            double p = power(now, k);
            if (Math.abs(k) < 2 || p < floor || p < power(now, k - 1) || p < power(now, k + 1)) {
                continue;
            }
            double re = now[2 * i] * then[2 * i] + now[2 * i + 1] * then[2 * i + 1];
            double im = now[2 * i + 1] * then[2 * i] - now[2 * i] * then[2 * i + 1];
            double advance = Math.atan2(im, re) - 2 * Math.PI * k * binHz * lagSeconds;
            advance -= 2 * Math.PI * Math.rint(advance / (2 * Math.PI));
            double hz = k * binHz + advance / (2 * Math.PI * lagSeconds);
            if (k > 0) {
                above[na++] = hz;
            } else {
                below[nb++] = hz;
            }
        }
        int n = 0;
        for (int a = 0; a < na; a++) {
            double best = Double.POSITIVE_INFINITY;
            for (int b = 0; b < nb; b++) {
                best = Math.min(best, Math.abs(above[a] + below[b]));
            }
            if (best < 1.5 * binHz) {
                offsets[n++] = best / 2;
            }
        }
        if (n == 0) {
            return Double.NaN;
        }
        java.util.Arrays.sort(offsets, 0, n);
        return offsets[n / 2];
    }

    /**
     * The spectrum of line {@code l} of the latest analysis ({@code ago} 0) or of {@code ago} analyses
     * before it (at most {@link #LAG}); the latest is computed in the slot of the oldest kept one.
     */
    private double[] spectrum(int l, int ago) {
        return spectra[l][(int) ((analyses - ago + LAG + 1) % (LAG + 1))];
    }

    private static double power(double[] spectrum, int k) {
        int i = Math.floorMod(k, WINDOW);
        return spectrum[2 * i] * spectrum[2 * i] + spectrum[2 * i + 1] * spectrum[2 * i + 1];
    }

    /**
     * Whether the 0 Hz line is one tooth of a comb: a sound repeating with period 1/d has lines at
     * every multiple of d, so lines at -2d, -d, +d, +2d around it (at least 3 of the 4, each within
     * {@link #COMB_DB} of the line) mean a repeating pattern (a steady beat, a note re-struck every
     * beat or bar) whose comb puts a tooth on the mains frequency, not hum.
     */
    private boolean combTooth(double line, double binHz) {
        double floor = line * COMB_RATIO;
        for (double d = COMB_FROM_HZ; d <= COMB_TO_HZ; d += binHz / 4) {
            int teeth = 0;
            for (int j = -2; j <= 2; j++) {
                if (j == 0) {
                    continue;
                }
                double k = j * d / binHz;
                int lo = (int) Math.floor(k);
                double p = Math.max(power[Math.floorMod(lo, WINDOW)], power[Math.floorMod(lo + 1, WINDOW)]);
                if (p >= floor) {
                    teeth++;
                }
            }
            if (teeth >= COMB_TEETH) {
                return true;
            }
        }
        return false;
    }

    private void closeRun(int m) {
        if (!running[m]) {
            return;
        }
        running[m] = false;
        double db = 20 * Math.log10(Math.max(1e-12, runAmplitude[m]));
        if (runWindows[m] < QUIET_MIN_WINDOWS && db < WARNING_DBFS) {
            return; // short and quiet: a chance line in noise
        }
        // The coherent amplitude grows with the share of the window that holds the hum: the hum starts
        // about the centre of the first window reaching half the run's amplitude, and ends about the
        // centre of the last one. Without such windows at an edge (a run longer than its edges'
        // buffers can tell), PAD of a window is trimmed instead.
        double span = WINDOW * BASEBAND / rate;
        double half = runAmplitude[m] / 2;
        double from = runStart[m] + PAD * span;
        for (int i = 0; i < headN[m]; i++) {
            if (headAmp[m][i] >= half) {
                from = headStart[m][i] + span / 2;
                break;
            }
        }
        double to = runEnd[m] - PAD * span;
        for (long i = tailN[m] - 1; i >= Math.max(0, tailN[m] - EDGE); i--) {
            int t = (int) (i % EDGE);
            if (tailAmp[m][t] >= half) {
                to = tailStart[m][t] + span / 2;
                break;
            }
        }
        flags.add(db >= WARNING_DBFS ? QcFlag.WARNING : QcFlag.INFO, from, Math.max(from, to),
                String.format("%d Hz hum and harmonics, fundamental at %.0f dBFS", MAINS_HZ[m], db));
    }

    @Override
    public void finish() {
        for (int m = 0; m < MAINS_HZ.length; m++) {
            closeRun(m);
        }
    }

    java.util.List<QcFlag> flags() {
        return flags.flags();
    }
}
