package dev.audiocat.features.quality;

import dev.audiocat.features.decode.PcmSink;
import org.jtransforms.fft.DoubleFFT_1D;

/**
 * Effective bandwidth of the native-rate signal: where the long-term spectrum falls off a cliff.
 *
 * <p>The mono analysis stream stops at 11 kHz, so this sink looks at the native channels (their
 * mean): one Hann-windowed {@link #FFT_SIZE}-sample snapshot every {@link #SNAPSHOT_INTERVAL}
 * samples (a quarter of the audio, enough for a long-term average), skipping snapshots quieter
 * than -50 dBFS. Two long-term spectra are kept in O(FFT_SIZE) memory: the power mean (each bin's
 * power summed) and the log mean (each bin's level in dB averaged, i.e. the geometric mean). At the
 * end each is smoothed and searched from the top for the highest "cliff": the band 200-1000 Hz below
 * a frequency lies at least a given drop above everything from 200 Hz above it to Nyquist
 * ({@link #CLIFF_DB} on the power mean, {@link #LOG_CLIFF_DB} on the log mean). Lossy encoders (MP3
 * at 16-19 kHz) and resamplers (at the old Nyquist) leave such a cliff; natural roll-off and noise
 * floors do not. The power mean is ruled by the loud passages; above an MP3 encoder's lowpass it
 * also holds the bursts of the few frames where the encoder kept its top bands (sfb21, up to about
 * 1 kHz above the edge most frames show), which can fill the gap below 30 dB. In the log mean every
 * snapshot counts alike, so those bursts add little and the cliff most frames show stands out.
 * A third test needs no cliff of a fixed size ({@link #floorEdge}): above a lowpass a 16-bit (or
 * dithered) file holds only its quantization noise, which is stationary (each bin's power mean stands
 * 2.5 dB over its log mean, as for any Gaussian noise; music's stands 5-20 dB over it, its level
 * changing from snapshot to snapshot) and flat. When such a floor spans the top of the spectrum and
 * the band just under where it begins stands {@link #FLOOR_DROP_DB} over it, that is where the content
 * ends, even when it had faded to within 20 dB of the floor before the lowpass cut it (quiet highs,
 * drumless music through an MP3 encoder). Hiss and pink noise meet the floor gradually; digital
 * silence above a lowpass is not noise (power and log mean alike) and is left to the cliff tests.
 * The highest cliff of the first two, or else the floor test's edge, below {@link #FLAG_FRACTION} of
 * Nyquist is flagged.
 */
final class BandwidthMeter implements PcmSink {

    static final int FFT_SIZE = 4096;
    static final int SNAPSHOT_INTERVAL = 4 * FFT_SIZE;
    static final double CLIFF_DB = 30;
    /**
     * Cliff on the log-mean spectrum. The bench's fixtures call a lowpass damage when it removed
     * at least 20 dB above its cutoff; a drop of as much within 400 Hz, in the typical snapshot, is
     * what such a lowpass leaves (natural roll-off and the renders' own top edges: at most 10 dB
     * below 85 % of Nyquist on the tuning seeds, docs/benchmarks.md).
     */
    static final double LOG_CLIFF_DB = 20;
    static final double FLAG_FRACTION = 0.85;
    /**
     * Stationary noise: power mean over log mean of a bin, in dB. For Gaussian noise each bin's power is
     * exponentially distributed and the gap is 10 log10(e) x Euler's gamma = 2.51 dB (the log mean's
     * float-bits approximation adds up to 0.26 dB); music's levels vary, and its gap is 5-20 dB.
     */
    static final double STATIONARY_MIN_DB = 1.5;
    static final double STATIONARY_MAX_DB = 4.0;
    /** A noise floor is flat: every bin of it within this of its level near Nyquist. */
    static final double FLOOR_FLAT_DB = 2.0;
    /** The floor spans at least this much of the top of the spectrum. */
    static final double FLOOR_MIN_WIDTH_HZ = 2000;
    /** The top bins, where resamplers and converters roll off, are left out of the floor. */
    static final double FLOOR_TOP_SKIP_HZ = 500;
    /**
     * The band 200-1000 Hz under the floor's start must stand this much over the floor (power mean).
     * On the bench's tuning seeds the lowpassed copies stood 14-30 dB over it; hiss, pink noise and
     * the renders' own top octave fade into their floors by a few dB per kHz.
     */
    static final double FLOOR_DROP_DB = 12;
    /**
     * The content under the floor is dense: the quieter quarter of its bins (unsmoothed power mean)
     * stands this much over the floor. A lowpass cuts dense content (a mix, its reverb, its own noise
     * floor: on the tuning seeds' cut copies at least 7 dB); the last partials of a tone that stop short
     * of the top leave their gaps at the floor (4 dB for a vibrato tone whose partials end at 16 kHz).
     */
    static final double FLOOR_DENSE_DB = 6;
    /** Fewer snapshots give too noisy a log mean to tell noise from music (8 are 0.75 s at 44.1 kHz). */
    static final int FLOOR_MIN_SNAPSHOTS = 8;
    private static final double MIN_SNAPSHOT_RMS = Math.pow(10, -50 / 20.0);

    private final double[] window = new double[FFT_SIZE];
    private final double[] buf = new double[FFT_SIZE];    // snapshot being filled (mean of channels)
    private final double[] fftBuf = new double[FFT_SIZE]; // preallocated: realForward works in place
    private final double[] power = new double[FFT_SIZE / 2 + 1];
    private final long[] powerBits = new long[FFT_SIZE / 2 + 1]; // sum over snapshots of the power's float bits
    private final DoubleFFT_1D fft = new DoubleFFT_1D(FFT_SIZE);
    private final boolean lossyCodec;
    private int rate;
    private int channels;
    private long pos;
    private int phase; // position within the current SNAPSHOT_INTERVAL
    private int filled;
    private long snapshots;
    private double bandwidthHz = Double.NaN;
    private QcFlag flag;

    BandwidthMeter(boolean lossyCodec) {
        this.lossyCodec = lossyCodec;
        for (int i = 0; i < FFT_SIZE; i++) {
            window[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / FFT_SIZE);
        }
    }

    @Override
    public void start(int sampleRate, int channelCount) {
        rate = sampleRate;
        channels = channelCount;
    }

    @Override
    public void accept(float[][] data, int frames) {
        int i = 0;
        while (i < frames) {
            if (phase >= FFT_SIZE) { // between snapshots: skip ahead in bulk
                int skip = (int) Math.min(SNAPSHOT_INTERVAL - phase, frames - i);
                i += skip;
                pos += skip;
                phase += skip;
                if (phase == SNAPSHOT_INTERVAL) {
                    phase = 0;
                }
                continue;
            }
            int take = Math.min(FFT_SIZE - filled, frames - i);
            downmix(data, i, take);
            filled += take;
            i += take;
            pos += take;
            phase += take;
            if (filled == FFT_SIZE) {
                snapshot();
                filled = 0;
            }
        }
    }

    /**
     * buf[filled + j] = mean of the channels' samples from + j, j < n: (0 + x0 + x1 + ...) / channels.
     * Stereo and mono have their own loops (a division and an inner loop over channels per sample were
     * most of this meter's time); halving is exact, so {@code * 0.5} is {@code / 2} to the bit.
     */
    private void downmix(float[][] data, int from, int n) {
        if (channels == 2) {
            float[] l = data[0];
            float[] r = data[1];
            for (int j = 0; j < n; j++) {
                buf[filled + j] = ((0.0 + l[from + j]) + r[from + j]) * 0.5;
            }
        } else if (channels == 1) {
            float[] x = data[0];
            for (int j = 0; j < n; j++) {
                buf[filled + j] = 0.0 + x[from + j];
            }
        } else {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int c = 0; c < channels; c++) {
                    s += data[c][from + j];
                }
                buf[filled + j] = s / channels;
            }
        }
    }

    private void snapshot() {
        double e = 0;
        for (int i = 0; i < FFT_SIZE; i++) {
            e += buf[i] * buf[i];
            fftBuf[i] = buf[i] * window[i];
        }
        if (Math.sqrt(e / FFT_SIZE) < MIN_SNAPSHOT_RMS) {
            return;
        }
        fft.realForward(fftBuf);
        double p0 = fftBuf[0] * fftBuf[0];
        double pn = fftBuf[1] * fftBuf[1];
        power[0] += p0;
        power[FFT_SIZE / 2] += pn;
        powerBits[0] += bits(p0);
        powerBits[FFT_SIZE / 2] += bits(pn);
        for (int k = 1; k < FFT_SIZE / 2; k++) {
            double p = fftBuf[2 * k] * fftBuf[2 * k] + fftBuf[2 * k + 1] * fftBuf[2 * k + 1];
            power[k] += p;
            powerBits[k] += bits(p);
        }
        snapshots++;
    }

    /** Powers are floored at 1e-20 (-200 dB, far below a 24-bit file's floor): a zero bin does not drag the log mean to minus infinity. */
    private static final float FLOOR = 1e-20f;

    /**
     * A positive float's bits, read as an integer, are 2^23 (log2(x) + 127) to within 0.086 (the
     * mantissa taken as its own logarithm, 0.26 dB): summed over the snapshots they give the log mean
     * with one conversion and one addition per bin (a quadratic log2 per bin added 28 % to this meter).
     */
    private static int bits(double power) {
        return Float.floatToRawIntBits((float) power + FLOOR);
    }

    @Override
    public void finish() {
        if (snapshots == 0) {
            return;
        }
        int n = power.length;
        double binHz = rate / (double) FFT_SIZE;
        double[] db = new double[n];
        double[] logDb = new double[n];
        for (int k = 0; k < n; k++) {
            db[k] = 10 * Math.log10(power[k] / snapshots + 1e-30);
            logDb[k] = 10 * Math.log10(2) * (powerBits[k] / (double) snapshots / (1 << 23) - 127);
        }
        double nyquist = rate / 2.0;
        double mean = highestCliff(db, binHz, CLIFF_DB);
        double typical = highestCliff(logDb, binHz, LOG_CLIFF_DB);
        bandwidthHz = Double.isNaN(mean) ? typical : Double.isNaN(typical) ? mean : Math.max(mean, typical);
        if (Double.isNaN(bandwidthHz) && snapshots >= FLOOR_MIN_SNAPSHOTS) {
            bandwidthHz = floorEdge(db, logDb, binHz);
        }
        if (Double.isNaN(bandwidthHz)) {
            bandwidthHz = nyquist;
        }
        if (bandwidthHz < FLAG_FRACTION * nyquist) {
            double duration = pos / (double) rate;
            flag = new QcFlag(QcFlag.LIMITED_BANDWIDTH, lossyCodec ? QcFlag.INFO : QcFlag.WARNING, 0, duration,
                    String.format("content ends at %.1f kHz of %.1f kHz%s", bandwidthHz / 1000, nyquist / 1000,
                            lossyCodec ? " (lossy codec)" : "; upsampled, or a lossy source in a lossless file"));
        }
    }

    /**
     * The highest cliff of a long-term spectrum in dB (bins of binHz from 0 Hz): smoothed over
     * +-100 Hz, searched from the top for the first frequency where the band 200-1000 Hz below lies
     * at least minDb above everything from 200 Hz above it to Nyquist. Returns the edge in Hz (the
     * last bin at or above the midpoint between the two levels), NaN when there is no such cliff.
     */
    static double highestCliff(double[] db, double binHz, double minDb) {
        int n = db.length;
        double[] smooth = smooth(db, binHz);
        // suffixMax[k] = max of smooth[k..n-1]
        double[] suffixMax = new double[n + 1];
        suffixMax[n] = Double.NEGATIVE_INFINITY;
        for (int k = n - 1; k >= 0; k--) {
            suffixMax[k] = Math.max(smooth[k], suffixMax[k + 1]);
        }
        int gap = (int) Math.round(200 / binHz);
        int band = (int) Math.round(800 / binHz);
        int lowest = (int) Math.round(2000 / binHz);
        for (int k = n - 1 - gap; k >= lowest + gap + band; k--) {
            double below = 0;
            for (int j = k - gap - band; j < k - gap; j++) {
                below += smooth[j];
            }
            below /= band;
            if (below - suffixMax[k + gap] >= minDb) {
                double mid = (below + suffixMax[k + gap]) / 2;
                int edge = k + gap;
                while (edge > k - gap && smooth[edge] < mid) {
                    edge--;
                }
                return edge * binHz;
            }
        }
        return Double.NaN;
    }

    /** A spectrum in dB averaged over +-100 Hz (fewer bins at the ends). */
    private static double[] smooth(double[] db, double binHz) {
        int n = db.length;
        double[] smooth = new double[n];
        int half = Math.max(1, (int) Math.round(100 / binHz));
        for (int k = 0; k < n; k++) {
            double s = 0;
            int c = 0;
            for (int j = Math.max(0, k - half); j <= Math.min(n - 1, k + half); j++) {
                s += db[j];
                c++;
            }
            smooth[k] = s / c;
        }
        return smooth;
    }

    /**
     * Where a flat floor of stationary noise that spans the top of the spectrum begins, when the band
     * 200-1000 Hz under it stands {@link #FLOOR_DROP_DB} over it; NaN otherwise. db is the power mean,
     * logDb the log mean (both in dB, bins of binHz from 0 Hz). The floor's level is its smoothed power
     * mean over the 1 kHz under the top {@link #FLOOR_TOP_SKIP_HZ}; it extends down while bins stay
     * stationary and within {@link #FLOOR_FLAT_DB} of that level. The content under it must also be
     * dense ({@link #FLOOR_DENSE_DB}).
     */
    static double floorEdge(double[] db, double[] logDb, double binHz) {
        int n = db.length;
        double[] level = smooth(db, binHz);
        double[] gapDb = new double[n];
        for (int k = 0; k < n; k++) {
            gapDb[k] = db[k] - logDb[k];
        }
        double[] spread = smooth(gapDb, binHz);
        int top = n - 1 - (int) Math.round(FLOOR_TOP_SKIP_HZ / binHz);
        int ref = (int) Math.round(1000 / binHz);
        int gap = (int) Math.round(200 / binHz);
        int band = (int) Math.round(800 / binHz);
        if (top - ref < gap + band) {
            return Double.NaN;
        }
        double floor = 0;
        for (int k = top - ref; k <= top; k++) {
            floor += level[k];
        }
        floor /= ref + 1;
        int edge = top + 1;
        while (edge > 0 && spread[edge - 1] >= STATIONARY_MIN_DB && spread[edge - 1] <= STATIONARY_MAX_DB
                && Math.abs(level[edge - 1] - floor) <= FLOOR_FLAT_DB) {
            edge--;
        }
        if ((top - edge) * binHz < FLOOR_MIN_WIDTH_HZ || edge - gap - band < 0) {
            return Double.NaN;
        }
        double power = 0;
        double[] bins = new double[band];
        for (int k = edge - gap - band; k < edge - gap; k++) {
            power += Math.pow(10, level[k] / 10);
            bins[k - (edge - gap - band)] = db[k];
        }
        double under = 10 * Math.log10(power / band);
        java.util.Arrays.sort(bins);
        double quietQuarter = bins[band / 4];
        return under - floor >= FLOOR_DROP_DB && quietQuarter - floor >= FLOOR_DENSE_DB ? edge * binHz : Double.NaN;
    }

    /** Effective bandwidth in Hz (Nyquist when no cliff), NaN when nothing was loud enough to measure. */
    double bandwidthHz() {
        return bandwidthHz;
    }

    QcFlag flag() {
        return flag;
    }
}
