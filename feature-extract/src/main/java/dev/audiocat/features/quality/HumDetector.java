package dev.audiocat.features.quality;

import dev.audiocat.features.decode.PcmSink;
import org.jtransforms.fft.DoubleFFT_1D;

/**
 * Mains hum at 50 or 60 Hz and harmonics, with where it starts and stops.
 *
 * <p>Hum is a stationary line spectrum at exact multiples of the mains frequency; music rarely holds
 * two or more of those lines at once within a fraction of a hertz. The mono analysis stream is
 * low-passed at {@link #ANTI_ALIAS_HZ} and decimated by {@link #DECIMATION} (boxcar mean, 1378 Hz), and every {@link #HOP} decimated samples
 * a {@link #BLOCK}-sample Hann window (1.49 s, 0.67 Hz bins) is transformed. Decisions use the
 * per-bin minimum of the last {@link #MIN_BLOCKS} spectra (3.7 s): a hum line survives the minimum,
 * notes and drums that come and go do not, and the music's own floor under the line drops. In that
 * floor spectrum, harmonic h of mains f is present when the strongest bin within {@code 0.5 + 0.2h}
 * Hz of {@code h*f} stands {@link #LINE_DB} above the median of its +-12 Hz neighbourhood and
 * {@link #NARROW_DB} above the bins 2 Hz either side (a steady line, not a kick drum's decaying body). A block hums when at least
 * {@link #MIN_HARMONICS} of the first six harmonics are present, the fundamental or second among
 * them. Runs of humming blocks closer than {@link #MERGE_GAP_S} are merged; merged runs covering
 * at least {@link #MIN_SECONDS} whose lines hold at least {@link #MIN_SHARE} of the energy below
 * 689 Hz are flagged.
 */
final class HumDetector implements PcmSink {

    static final int DECIMATION = 16;
    static final int BLOCK = 2048;
    static final int HOP = 1024;
    static final double LINE_DB = 10;
    /** A line must also stand this far above the spectrum 3 bins (2 Hz) either side of its peak. */
    static final double NARROW_DB = 10;
    static final int MIN_HARMONICS = 1;
    static final double MIN_SECONDS = 3.0;
    /** Consecutive blocks whose per-bin minimum is examined: hum persists, notes come and go. */
    static final int MIN_BLOCKS = 4;
    /** Runs of the same mains frequency this close together are merged. */
    static final double MERGE_GAP_S = 6.0;
    /** Lines holding less than this share of the energy below 689 Hz (-35 dB) are not reported. */
    static final double MIN_SHARE = Math.pow(10, -35 / 10.0);
    private static final int HARMONICS = 6;
    private static final int[] MAINS_HZ = {50, 60};
    static final double ANTI_ALIAS_HZ = 450;
    private final double[][] bq = new double[2][5]; // b0 b1 b2 a1 a2 per section
    private final double[] z = new double[4];        // filter state

    private final double[] ring = new double[BLOCK];       // circular: the last BLOCK decimated samples
    private final double[] fftBuf = new double[BLOCK];     // preallocated: realForward works in place
    private final double[] power = new double[BLOCK / 2 + 1];
    private final double[][] recent = new double[MIN_BLOCKS][BLOCK / 2 + 1]; // last spectra, ring
    private final double[] floorSpectrum = new double[BLOCK / 2 + 1];         // per-bin minimum of recent
    private final double[] neighbourhood = new double[64]; // scratch for the median, never reallocated
    private final double[] window = new double[BLOCK];
    private final DoubleFFT_1D fft = new DoubleFFT_1D(BLOCK);
    private final FlagList flags = new FlagList(QcFlag.MAINS_HUM);
    private double rate;       // decimated rate
    private double acc;
    private int accN;
    private long count;        // decimated samples so far
    private long analysed;     // blocks transformed so far
    private int runMains;      // 0 = no run
    private double runStart;
    private double runEnd;
    private double runLevelSum;
    private int runBlocks;
    private int pendingMains;  // the last closed run, held back to merge with the next one
    private double pendingStart;
    private double pendingEnd;
    private double pendingLevelSum;
    private int pendingBlocks;

    HumDetector() {
        for (int i = 0; i < BLOCK; i++) {
            window[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / BLOCK);
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
    }

    private void design(int s, double fs, double q) {
        double w = 2 * Math.PI * ANTI_ALIAS_HZ / fs;
        double alpha = Math.sin(w) / (2 * q);
        double a0 = 1 + alpha;
        double c = Math.cos(w);
        bq[s][0] = (1 - c) / 2 / a0;
        bq[s][1] = (1 - c) / a0;
        bq[s][2] = (1 - c) / 2 / a0;
        bq[s][3] = -2 * c / a0;
        bq[s][4] = (1 - alpha) / a0;
    }

    @Override
    public void accept(float[][] data, int frames) {
        float[] x = data[0];
        // Filter coefficients and state in locals: array and field traffic per sample cost more than the arithmetic.
        double b00 = bq[0][0], b01 = bq[0][1], b02 = bq[0][2], a01 = bq[0][3], a02 = bq[0][4];
        double b10 = bq[1][0], b11 = bq[1][1], b12 = bq[1][2], a11 = bq[1][3], a12 = bq[1][4];
        double z0 = z[0], z1 = z[1], z2 = z[2], z3 = z[3];
        double sum = acc;
        int n = accN;
        for (int i = 0; i < frames; i++) {
            double v = x[i] + 1e-30; // keeps the recursion out of subnormal numbers in silence (10x slower); adds nothing measurable
            double y0 = b00 * v + z0; // two transposed direct form II sections
            z0 = b01 * v - a01 * y0 + z1;
            z1 = b02 * v - a02 * y0;
            double y1 = b10 * y0 + z2;
            z2 = b11 * y0 - a11 * y1 + z3;
            z3 = b12 * y0 - a12 * y1;
            sum += y1;
            if (++n == DECIMATION) {
                push(sum / DECIMATION);
                sum = 0;
                n = 0;
            }
        }
        z[0] = z0;
        z[1] = z1;
        z[2] = z2;
        z[3] = z3;
        acc = sum;
        accN = n;
    }

    private void push(double v) {
        ring[(int) (count & (BLOCK - 1))] = v; // BLOCK is a power of two
        count++;
        if (count >= BLOCK && ((count - BLOCK) & (HOP - 1)) == 0) {
            analyse();
        }
    }

    private void analyse() {
        double total = 0;
        long first = count - BLOCK;
        for (int i = 0; i < BLOCK; i++) {
            fftBuf[i] = ring[(int) ((first + i) % BLOCK)] * window[i];
        }
        fft.realForward(fftBuf);
        double[] slot = recent[(int) (analysed % MIN_BLOCKS)];
        int maxBin = Math.min(BLOCK / 2, (int) (420 / (rate / BLOCK)) + 1); // up to 7 x 60 Hz
        for (int k = 1; k < BLOCK / 2; k++) {
            power[k] = fftBuf[2 * k] * fftBuf[2 * k] + fftBuf[2 * k + 1] * fftBuf[2 * k + 1];
            total += power[k];
        }
        System.arraycopy(power, 0, slot, 0, maxBin + 1);
        analysed++;
        if (analysed < MIN_BLOCKS) {
            return;
        }
        for (int k = 0; k <= maxBin; k++) {
            double m = recent[0][k];
            for (int j = 1; j < MIN_BLOCKS; j++) {
                m = Math.min(m, recent[j][k]);
            }
            floorSpectrum[k] = m;
        }
        double binHz = rate / BLOCK;
        // The decision covers the last MIN_BLOCKS windows.
        double blockStart = (first - (long) (MIN_BLOCKS - 1) * HOP) / rate;
        int mains = 0;
        double level = 0;
        if (total > 0) {
            for (int f : MAINS_HZ) {
                int present = 0;
                boolean low = false;
                double linePower = 0;
                for (int h = 1; h <= HARMONICS; h++) {
                    double hz = h * f;
                    if (hz + 14 >= rate / 2) {
                        break;
                    }
                    double tol = 0.5 + 0.2 * h;
                    int k0 = (int) Math.floor((hz - tol) / binHz);
                    int k1 = (int) Math.ceil((hz + tol) / binHz);
                    double peak = 0;
                    int kp = k0;
                    for (int k = k0; k <= k1; k++) {
                        if (floorSpectrum[k] > peak) {
                            peak = floorSpectrum[k];
                            kp = k;
                        }
                    }
                    // A mains line is a steady sinusoid: nothing left 3 bins (2 Hz) away but Hann
                    // side lobes (-31 dB). A kick drum's body near 50-60 Hz recurs in every block and
                    // survives the minimum, but it decays, so its peak is several hertz wide.
                    double shoulder = Math.max(floorSpectrum[kp - 3], floorSpectrum[kp + 3]);
                    boolean narrow = peak >= shoulder * Math.pow(10, NARROW_DB / 10);
                    int m = 0;
                    for (int k = (int) ((hz - 12) / binHz); k <= (int) ((hz + 12) / binHz); k++) {
                        if ((k < k0 - 2 || k > k1 + 2) && m < neighbourhood.length) {
                            neighbourhood[m++] = floorSpectrum[k];
                        }
                    }
                    java.util.Arrays.sort(neighbourhood, 0, m);
                    double median = m == 0 ? 0 : neighbourhood[m / 2];
                    if (narrow && peak > median * Math.pow(10, LINE_DB / 10)) {
                        present++;
                        low |= h <= 2;
                        linePower += peak;
                    }
                }
                if (present >= MIN_HARMONICS && low) {
                    mains = f;
                    level = linePower / (total / MIN_BLOCKS);
                    break;
                }
            }
        }
        double blockEnd = (first + BLOCK) / rate;
        if (mains != 0 && mains == runMains) {
            runEnd = blockEnd;
            runLevelSum += level;
            runBlocks++;
        } else {
            closeRun();
            if (mains != 0) {
                runMains = mains;
                runStart = blockStart;
                runEnd = blockEnd;
                runLevelSum = level;
                runBlocks = 1;
            }
        }
    }

    private void closeRun() {
        if (runMains != 0) {
            // Music masks the lines now and then: runs of the same mains closer than MERGE_GAP_S are one hum.
            if (pendingMains == runMains && runStart - pendingEnd <= MERGE_GAP_S) {
                pendingEnd = runEnd;
                pendingLevelSum += runLevelSum;
                pendingBlocks += runBlocks;
            } else {
                flushPending();
                pendingMains = runMains;
                pendingStart = runStart;
                pendingEnd = runEnd;
                pendingLevelSum = runLevelSum;
                pendingBlocks = runBlocks;
            }
        }
        runMains = 0;
    }

    private void flushPending() {
        if (pendingMains != 0 && pendingEnd - pendingStart >= MIN_SECONDS) {
            double share = pendingLevelSum / pendingBlocks;
            if (share >= MIN_SHARE) {
                // A line shows once about half a window holds it: trim half a window at both ends.
                double pad = BLOCK / rate / 2;
                flags.add(share >= 0.01 ? QcFlag.WARNING : QcFlag.INFO, pendingStart + pad, pendingEnd - pad,
                        String.format("%d Hz hum and harmonics, %.0f dB of the signal below %.0f Hz", pendingMains,
                                10 * Math.log10(share), rate / 2));
            }
        }
        pendingMains = 0;
    }

    @Override
    public void finish() {
        closeRun();
        flushPending();
    }

    java.util.List<QcFlag> flags() {
        return flags.flags();
    }
}
