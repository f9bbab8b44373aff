package dev.audiocat.features.loudness;

import dev.audiocat.features.decode.PcmSink;

/**
 * EBU R128 loudness meter: integrated loudness, loudness range and true peak in one streaming pass
 * over the native-rate channels, in bounded memory.
 *
 * <p>Follows ITU-R BS.1770-4 and EBU Tech 3341/3342 the way FFmpeg's {@code ebur128} filter does, so
 * the figures agree with it: K-weighting by two biquads designed for the actual sample rate, 400 ms
 * momentary blocks and 3 s short-term windows evaluated every 100 ms ({@code rate / 10} samples),
 * absolute gate -70 LUFS, relative gates -10 LU (integrated) and -20 LU (range), range = 95th minus
 * 10th percentile. Gated quantities are accumulated in histograms of 0.01 LU (energy sums are exact
 * per bin), so memory does not grow with file length.
 */
public final class LoudnessMeter implements PcmSink {

    private static final double ANTI_DENORMAL = 1e-30;
    private static final double ABS_GATE = -70.0;
    private static final double HIST_MIN = -70.0;
    private static final double HIST_MAX = 10.0;
    private static final int HIST_GRAIN = 100;
    private static final int HIST_BINS = (int) ((HIST_MAX - HIST_MIN) * HIST_GRAIN) + 1;

    // K-weighting state per channel: two cascaded biquads (direct form I).
    private double[] pb = new double[3];
    private double[] pa = new double[3];
    private double[] rb = new double[3];
    private double[] ra = new double[3];
    private double[][] x1; // pre-filter history x[n-1], x[n-2]
    private double[][] y1; // pre-filter output history
    private double[][] y2; // RLB output history
    private double[] weights;

    private int channels;
    private int rate;
    private int step;           // samples per 100 ms
    private int blocksPer400 = 4;
    private int blocksPer3000 = 30;
    private int inStep;
    private double[] ring;       // weighted mean-square of the last 30 steps
    private int ringPos;
    private long stepsDone;

    private final long[] intCount = new long[HIST_BINS];
    private final double[] intEnergy = new double[HIST_BINS];
    private final long[] stCount = new long[HIST_BINS];
    private final double[] stEnergy = new double[HIST_BINS];
    private double maxMomentary = Double.NEGATIVE_INFINITY;
    private double maxShortTerm = Double.NEGATIVE_INFINITY;

    private TruePeakMeter truePeak;
    private LoudnessResult result;
    private double currentStepSum;

    @Override
    public void start(int sampleRate, int channelCount) {
        this.rate = sampleRate;
        this.channels = channelCount;
        designFilters(sampleRate);
        x1 = new double[channelCount][2];
        y1 = new double[channelCount][2];
        y2 = new double[channelCount][2];
        weights = channelWeights(channelCount);
        step = Math.max(1, sampleRate / 10);
        ring = new double[blocksPer3000];
        inStep = 0;
        ringPos = 0;
        stepsDone = 0;
        currentStepSum = 0;
        truePeak = new TruePeakMeter(sampleRate, channelCount);
        result = null;
    }

    /** BS.1770 channel weights for the usual layouts: LFE excluded, surrounds +1.5 dB. */
    private static double[] channelWeights(int n) {
        double[] w = new double[n];
        java.util.Arrays.fill(w, 1.0);
        if (n == 6) { // FL FR FC LFE BL BR (FFmpeg's default 5.1 order)
            w[3] = 0.0;
            w[4] = 1.41;
            w[5] = 1.41;
        } else if (n == 5) { // FL FR FC BL BR
            w[3] = 1.41;
            w[4] = 1.41;
        }
        return w;
    }

    private void designFilters(double fs) {
        double f0 = 1681.974450955533;
        double g = 3.999843853973347;
        double q = 0.7071752369554196;
        double k = Math.tan(Math.PI * f0 / fs);
        double vh = Math.pow(10.0, g / 20.0);
        double vb = Math.pow(vh, 0.4996667741545416);
        double a0 = 1.0 + k / q + k * k;
        pb = new double[] {(vh + vb * k / q + k * k) / a0, 2.0 * (k * k - vh) / a0, (vh - vb * k / q + k * k) / a0};
        pa = new double[] {1.0, 2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0};
        f0 = 38.13547087602444;
        q = 0.5003270373238773;
        k = Math.tan(Math.PI * f0 / fs);
        rb = new double[] {1.0, -2.0, 1.0};
        double d = 1.0 + k / q + k * k;
        ra = new double[] {1.0, 2.0 * (k * k - 1.0) / d, (1.0 - k / q + k * k) / d};
    }

    @Override
    public void accept(float[][] data, int frames) {
        truePeak.accept(data, frames);
        // Channel by channel over each stretch up to the next 100 ms step boundary: filter state stays
        // in registers and each channel's recursion runs without the others' in between.
        int i = 0;
        while (i < frames) {
            int n = Math.min(frames - i, step - inStep);
            double sum = 0;
            for (int c = 0; c < channels; c++) {
                if (weights[c] != 0.0) {
                    sum += weights[c] * kWeightedEnergy(c, data[c], i, n);
                }
            }
            currentStepSum += sum;
            inStep += n;
            i += n;
            if (inStep == step) {
                closeStep();
            }
        }
    }

    /**
     * A filter input: the sample plus {@value #ANTI_DENORMAL}. Without it the recursions decay into
     * subnormal numbers in silence and fades (ten times slower arithmetic); the RLB high-pass removes
     * the constant, so it adds nothing measurable to the energy.
     */
    private static double in(float x) {
        return x + ANTI_DENORMAL;
    }

    /** Runs channel c's K-weighting over in[from, from + n) and returns the sum of squared outputs. */
    private double kWeightedEnergy(int c, float[] in, int from, int n) {
        double pb0 = pb[0], pb1 = pb[1], pb2 = pb[2], pa1 = pa[1], pa2 = pa[2];
        double ra1 = ra[1], ra2 = ra[2];
        double[] xh = x1[c];
        double[] yh = y1[c];
        double[] zh = y2[c];
        double xa = xh[0], xb = xh[1], ya = yh[0], yb = yh[1], za = zh[0], zb = zh[1];
        double e = 0;
        for (int k = from, end = from + n; k < end; k++) {
            double x = in(in[k]);
            // Every term as an FMA, the previous outputs' terms last: the recursions' critical paths are
            // one FMA per sample (through y[n-1]) and two per two samples (through y[n-2]).
            double y = Math.fma(-pa1, ya, Math.fma(-pa2, yb, Math.fma(pb2, xb, Math.fma(pb1, xa, pb0 * x))));
            xb = xa;
            xa = x;
            // RLB high-pass: numerator 1, -2, 1 on the pre-filter output history.
            double z = Math.fma(-ra1, za, Math.fma(-ra2, zb, Math.fma(-2.0, ya, y) + yb));
            yb = ya;
            ya = y;
            zb = za;
            za = z;
            e = Math.fma(z, z, e);
        }
        xh[0] = xa;
        xh[1] = xb;
        yh[0] = ya;
        yh[1] = yb;
        zh[0] = za;
        zh[1] = zb;
        return e;
    }

    private void closeStep() {
        ring[ringPos] = currentStepSum;
        ringPos = (ringPos + 1) % blocksPer3000;
        stepsDone++;
        currentStepSum = 0;
        inStep = 0;
        if (stepsDone >= blocksPer400) {
            double e = 0;
            for (int j = 1; j <= blocksPer400; j++) {
                e += ring[(ringPos - j + blocksPer3000) % blocksPer3000];
            }
            e /= (double) step * blocksPer400;
            double l = lufs(e);
            maxMomentary = Math.max(maxMomentary, l);
            add(intCount, intEnergy, l, e);
        }
        if (stepsDone >= blocksPer3000) {
            double e = 0;
            for (double v : ring) {
                e += v;
            }
            e /= (double) step * blocksPer3000;
            double l = lufs(e);
            maxShortTerm = Math.max(maxShortTerm, l);
            add(stCount, stEnergy, l, e);
        }
    }

    private static void add(long[] count, double[] energy, double lufs, double e) {
        if (!(lufs >= ABS_GATE)) {
            return;
        }
        int bin = (int) Math.round((Math.min(lufs, HIST_MAX) - HIST_MIN) * HIST_GRAIN);
        count[bin]++;
        energy[bin] += e;
    }

    private static double lufs(double meanSquare) {
        return -0.691 + 10.0 * Math.log10(meanSquare);
    }

    @Override
    public void finish() {
        double integrated = gatedMean(intCount, intEnergy, -10.0);
        double range = loudnessRange();
        double tp = truePeak.finish();
        double samplePeak = truePeak.samplePeak();
        result = new LoudnessResult(integrated, range, db(Math.max(tp, samplePeak)), db(samplePeak), maxMomentary, maxShortTerm);
    }

    private static double db(double amplitude) {
        return amplitude > 0 ? 20.0 * Math.log10(amplitude) : Double.NEGATIVE_INFINITY;
    }

    /** Power mean over blocks above the absolute gate and above (ungated mean + relative gate). */
    private static double gatedMean(long[] count, double[] energy, double relativeGate) {
        long n = 0;
        double e = 0;
        for (int i = 0; i < HIST_BINS; i++) {
            n += count[i];
            e += energy[i];
        }
        if (n == 0) {
            return Double.NEGATIVE_INFINITY;
        }
        double threshold = lufs(e / n) + relativeGate;
        int first = firstBinAtOrAbove(threshold);
        n = 0;
        e = 0;
        for (int i = first; i < HIST_BINS; i++) {
            n += count[i];
            e += energy[i];
        }
        return n == 0 ? Double.NEGATIVE_INFINITY : lufs(e / n);
    }

    private static int firstBinAtOrAbove(double lufs) {
        int bin = (int) Math.ceil((lufs - HIST_MIN) * HIST_GRAIN - 1e-9);
        return Math.max(0, Math.min(HIST_BINS, bin));
    }

    private double loudnessRange() {
        long n = 0;
        double e = 0;
        for (int i = 0; i < HIST_BINS; i++) {
            n += stCount[i];
            e += stEnergy[i];
        }
        if (n == 0) {
            return 0.0;
        }
        int first = firstBinAtOrAbove(lufs(e / n) - 20.0);
        long total = 0;
        for (int i = first; i < HIST_BINS; i++) {
            total += stCount[i];
        }
        if (total < 2) {
            return 0.0;
        }
        double low = percentile(first, total, 0.10);
        double high = percentile(first, total, 0.95);
        return Math.max(0.0, high - low);
    }

    private double percentile(int first, long total, double p) {
        long target = (long) Math.floor((total - 1) * p);
        long seen = 0;
        for (int i = first; i < HIST_BINS; i++) {
            seen += stCount[i];
            if (seen > target) {
                return HIST_MIN + i / (double) HIST_GRAIN;
            }
        }
        return HIST_MAX;
    }

    /** Available after {@link #finish()}. */
    public LoudnessResult result() {
        if (result == null) {
            throw new IllegalStateException("LoudnessMeter.result() called before finish()");
        }
        return result;
    }
}
