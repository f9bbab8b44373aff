package dev.audiocat.features.quality;

import dev.audiocat.features.decode.PcmSink;
import org.jtransforms.fft.DoubleFFT_1D;

/**
 * Effective bandwidth of the native-rate signal: where the long-term spectrum falls off a cliff.
 *
 * <p>The mono analysis stream stops at 11 kHz, so this sink looks at the native channels (their
 * mean): one Hann-windowed {@link #FFT_SIZE}-sample snapshot every {@link #SNAPSHOT_INTERVAL}
 * samples (a quarter of the audio, enough for a long-term average), skipping snapshots quieter
 * than -50 dBFS. The power spectra are summed in O(FFT_SIZE) memory. At the end the spectrum is
 * smoothed and searched from the top for the highest "cliff": the band 200-1000 Hz below a
 * frequency lies at least {@link #CLIFF_DB} above everything from 200 Hz above it to Nyquist.
 * Lossy encoders (MP3 at 16-19 kHz) and resamplers (at the old Nyquist) leave such a cliff; natural
 * roll-off and noise floors do not. A cliff below {@link #FLAG_FRACTION} of Nyquist is flagged.
 */
final class BandwidthMeter implements PcmSink {

    static final int FFT_SIZE = 4096;
    static final int SNAPSHOT_INTERVAL = 4 * FFT_SIZE;
    static final double CLIFF_DB = 30;
    static final double FLAG_FRACTION = 0.85;
    private static final double MIN_SNAPSHOT_RMS = Math.pow(10, -50 / 20.0);

    private final double[] window = new double[FFT_SIZE];
    private final double[] buf = new double[FFT_SIZE];    // snapshot being filled (mean of channels)
    private final double[] fftBuf = new double[FFT_SIZE]; // preallocated: realForward works in place
    private final double[] power = new double[FFT_SIZE / 2 + 1];
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
        power[0] += fftBuf[0] * fftBuf[0];
        power[FFT_SIZE / 2] += fftBuf[1] * fftBuf[1];
        for (int k = 1; k < FFT_SIZE / 2; k++) {
            power[k] += fftBuf[2 * k] * fftBuf[2 * k] + fftBuf[2 * k + 1] * fftBuf[2 * k + 1];
        }
        snapshots++;
    }

    @Override
    public void finish() {
        if (snapshots == 0) {
            return;
        }
        int n = power.length;
        double binHz = rate / (double) FFT_SIZE;
        double[] db = new double[n];
        for (int k = 0; k < n; k++) {
            db[k] = 10 * Math.log10(power[k] / snapshots + 1e-30);
        }
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
        // suffixMax[k] = max of smooth[k..n-1]
        double[] suffixMax = new double[n + 1];
        suffixMax[n] = Double.NEGATIVE_INFINITY;
        for (int k = n - 1; k >= 0; k--) {
            suffixMax[k] = Math.max(smooth[k], suffixMax[k + 1]);
        }
        int gap = (int) Math.round(200 / binHz);
        int band = (int) Math.round(800 / binHz);
        int lowest = (int) Math.round(2000 / binHz);
        double nyquist = rate / 2.0;
        bandwidthHz = nyquist;
        for (int k = n - 1 - gap; k >= lowest + gap + band; k--) {
            double below = 0;
            for (int j = k - gap - band; j < k - gap; j++) {
                below += smooth[j];
            }
            below /= band;
            if (below - suffixMax[k + gap] >= CLIFF_DB) {
                // the edge: last bin at or above the midpoint between the two levels
                double mid = (below + suffixMax[k + gap]) / 2;
                int edge = k + gap;
                while (edge > k - gap && smooth[edge] < mid) {
                    edge--;
                }
                bandwidthHz = edge * binHz;
                break;
            }
        }
        if (bandwidthHz < FLAG_FRACTION * nyquist) {
            double duration = pos / (double) rate;
            flag = new QcFlag(QcFlag.LIMITED_BANDWIDTH, lossyCodec ? QcFlag.INFO : QcFlag.WARNING, 0, duration,
                    String.format("content ends at %.1f kHz of %.1f kHz%s", bandwidthHz / 1000, nyquist / 1000,
                            lossyCodec ? " (lossy codec)" : "; upsampled, or a lossy source in a lossless file"));
        }
    }

    /** Effective bandwidth in Hz (Nyquist when no cliff), NaN when nothing was loud enough to measure. */
    double bandwidthHz() {
        return bandwidthHz;
    }

    QcFlag flag() {
        return flag;
    }
}
