package dev.audiocat.features.fingerprint;

import java.util.Arrays;
import org.jtransforms.fft.DoubleFFT_1D;

/**
 * Chromaprint's default fingerprint (algorithm TEST2, the one AcoustID and {@code fpcalc} use),
 * computed incrementally from 16-bit PCM in bounded memory.
 *
 * <p>Chain, as in libchromaprint 1.5: int16 downmix (stereo {@code (l + r) / 2}, more channels the
 * truncated mean) → resampling to 11025 Hz with {@link ChromaprintResampler} when the input rate
 * differs → frames of 4096 samples every 1365 samples, Hamming window scaled by 1/32767 (float) →
 * power spectrum → 12-bin chroma of 28–3520 Hz → 5-tap temporal filter (0.25, 0.75, 1, 0.75, 0.25)
 * → Euclidean normalisation (vectors with norm below 0.01 become zero) → rolling integral image →
 * 16 Haar-like filters of log-ratios of box sums, each quantised to 2 bits with Gray code → one
 * 32-bit sub-fingerprint per chroma frame once 16 frames are available.
 *
 * <p>The only place where this port is not arithmetically identical to libchromaprint is the FFT:
 * Debian's build uses FFmpeg's single-precision {@code av_rdft}, this one a double-precision FFT
 * whose results are rounded to float. A sub-fingerprint bit can differ only when a filter value lies
 * within about 1e-6 of a quantiser threshold; {@code docs/fingerprints.md} gives the measured rate.
 *
 * <p>Use: {@code start(rate, channels)}, {@code feed(...)} any number of times, {@code finish()}, then
 * {@link #rawFingerprint()} or {@link #fingerprint()}. Not thread-safe.
 */
public final class Chromaprint {

    /** The algorithm id written in the compressed fingerprint's first byte (TEST2 = 1). */
    public static final int ALGORITHM_TEST2 = 1;
    /** Rate that the chroma analysis runs at. */
    public static final int SAMPLE_RATE = 11025;
    static final int FRAME_SIZE = 4096;
    static final int FRAME_OVERLAP = FRAME_SIZE - FRAME_SIZE / 3;
    static final int HOP = FRAME_SIZE - FRAME_OVERLAP;
    private static final int MIN_FREQ = 28;
    private static final int MAX_FREQ = 3520;
    private static final int BANDS = 12;
    private static final double[] FILTER_COEFFICIENTS = {0.25, 0.75, 1.0, 0.75, 0.25};
    /** Input buffer of the downmix/resampling stage, as in libchromaprint. */
    private static final int PROCESSOR_BUFFER = 1024 * 8;

    // The 16 classifiers of TEST2: filter type, first chroma row y, height, width (frames), thresholds.
    private static final int[][] FILTERS = {
        {0, 4, 3, 15}, {4, 4, 6, 15}, {1, 0, 4, 16}, {3, 8, 2, 12},
        {3, 4, 4, 8}, {4, 0, 3, 5}, {1, 2, 2, 9}, {2, 7, 3, 4},
        {2, 6, 2, 16}, {2, 1, 3, 2}, {5, 10, 1, 15}, {3, 6, 2, 10},
        {2, 1, 1, 14}, {3, 5, 6, 4}, {1, 9, 2, 12}, {3, 4, 2, 14},
    };
    private static final double[][] THRESHOLDS = {
        {1.98215, 2.35817, 2.63523}, {-1.03809, -0.651211, -0.282167}, {-0.298702, 0.119262, 0.558497},
        {-0.105439, 0.0153946, 0.135898}, {-0.142891, 0.0258736, 0.200632}, {-0.826319, -0.590612, -0.368214},
        {-0.557409, -0.233035, 0.0534525}, {-0.0646826, 0.00620476, 0.0784847}, {-0.192387, -0.029699, 0.215855},
        {-0.0397818, -0.00568076, 0.0292026}, {-0.53823, -0.369934, -0.190235}, {-0.124877, 0.0296483, 0.139239},
        {-0.101475, 0.0225617, 0.231971}, {-0.0799915, -0.00729616, 0.063262}, {-0.272556, 0.019424, 0.302559},
        {-0.164292, -0.0321188, 0.0846339},
    };
    private static final int MAX_FILTER_WIDTH = 16;
    private static final int[] GRAY = {0, 1, 3, 2};
    /** Rows kept by the rolling integral image: enough for the widest filter. */
    private static final int IMAGE_ROWS = 257;

    // All buffers are allocated once here: the per-frame path allocates nothing.
    private final float[] window = new float[FRAME_SIZE];
    private final DoubleFFT_1D fft = new DoubleFFT_1D(FRAME_SIZE);
    private final double[] fftBuffer = new double[FRAME_SIZE];
    private final double[] power = new double[FRAME_SIZE / 2 + 1];
    private final short[] frame = new short[FRAME_SIZE];
    private int frameFill;
    private final int minIndex;
    private final int maxIndex;
    private final byte[] notes = new byte[FRAME_SIZE];
    private final double[] chroma = new double[BANDS];
    private final double[][] chromaHistory = new double[8][BANDS];
    private int historyOffset;
    private int historySize;
    private final double[] filtered = new double[BANDS];
    private final double[] image = new double[IMAGE_ROWS * BANDS];
    private long imageRows;
    private int[] fingerprint = new int[1024];
    private int fingerprintLength;

    private int channels;
    private ChromaprintResampler resampler;
    private final short[] mono = new short[PROCESSOR_BUFFER];
    private int monoFill;
    private final short[] resampled = new short[PROCESSOR_BUFFER];
    private final int[] consumed = new int[1];
    private boolean started;

    public Chromaprint() {
        double step = 2.0 * Math.PI / (FRAME_SIZE - 1);
        for (int i = 0; i < FRAME_SIZE; i++) {
            window[i] = (float) ((1.0 / Short.MAX_VALUE) * (0.54 - 0.46 * Math.cos(step * i)));
        }
        minIndex = Math.max(1, freqToIndex(MIN_FREQ));
        maxIndex = Math.min(FRAME_SIZE / 2, freqToIndex(MAX_FREQ));
        for (int i = minIndex; i < maxIndex; i++) {
            double freq = (double) i * SAMPLE_RATE / FRAME_SIZE;
            double octave = Math.log(freq / (440.0 / 16.0)) / Math.log(2.0);
            double note = BANDS * (octave - Math.floor(octave));
            notes[i] = (byte) note;
        }
    }

    private static int freqToIndex(double freq) {
        return (int) Math.round(FRAME_SIZE * freq / SAMPLE_RATE);
    }

    /**
     * Starts a new fingerprint for interleaved int16 audio at {@code sampleRate} with
     * {@code channelCount} channels (libchromaprint's {@code chromaprint_start}).
     */
    public void start(int sampleRate, int channelCount) {
        if (channelCount <= 0) {
            throw new IllegalArgumentException("channel count must be > 0, got " + channelCount);
        }
        if (sampleRate <= 1000) {
            throw new IllegalArgumentException("sample rate must be > 1000 Hz, got " + sampleRate);
        }
        channels = channelCount;
        resampler = sampleRate == SAMPLE_RATE ? null : new ChromaprintResampler(SAMPLE_RATE, sampleRate);
        monoFill = 0;
        frameFill = 0;
        historyOffset = 0;
        historySize = 1;
        imageRows = 0;
        fingerprintLength = 0;
        started = true;
    }

    /** Feeds {@code frames} interleaved sample frames starting at {@code offset} (in samples). */
    public void feed(short[] interleaved, int offset, int frames) {
        if (!started) {
            throw new IllegalStateException("call start(sampleRate, channels) before feed");
        }
        int pos = offset;
        while (frames > 0) {
            int n = Math.min(frames, PROCESSOR_BUFFER - monoFill);
            downmix(interleaved, pos, n);
            pos += n * channels;
            frames -= n;
            while (monoFill >= PROCESSOR_BUFFER) {
                resampleBuffered();
            }
        }
    }

    private void downmix(short[] in, int pos, int n) {
        switch (channels) {
            case 1 -> System.arraycopy(in, pos, mono, monoFill, n);
            case 2 -> {
                for (int i = 0; i < n; i++, pos += 2) {
                    mono[monoFill + i] = (short) ((in[pos] + in[pos + 1]) / 2);
                }
            }
            default -> {
                for (int i = 0; i < n; i++) {
                    int sum = 0;
                    for (int c = 0; c < channels; c++) {
                        sum += in[pos++];
                    }
                    mono[monoFill + i] = (short) (sum / channels);
                }
            }
        }
        monoFill += n;
    }

    private void resampleBuffered() {
        if (resampler == null) {
            consumeMono(mono, 0, monoFill);
            monoFill = 0;
            return;
        }
        int length = resampler.resample(resampled, mono, consumed, monoFill, PROCESSOR_BUFFER);
        consumeMono(resampled, 0, length);
        int remaining = Math.max(monoFill - consumed[0], 0);
        if (remaining > 0) {
            System.arraycopy(mono, consumed[0], mono, 0, remaining);
        }
        monoFill = remaining;
    }

    /** Feeds mono samples that are already at 11025 Hz (bypasses downmix and resampling). */
    void consumeMono(short[] samples, int offset, int length) {
        int end = offset + length;
        int pos = offset;
        while (pos < end) {
            int n = Math.min(end - pos, FRAME_SIZE - frameFill);
            System.arraycopy(samples, pos, frame, frameFill, n);
            frameFill += n;
            pos += n;
            if (frameFill == FRAME_SIZE) {
                processFrame();
                System.arraycopy(frame, HOP, frame, 0, FRAME_SIZE - HOP);
                frameFill = FRAME_SIZE - HOP;
            }
        }
    }

    /** Flushes the resampler's buffer; the fingerprint is complete afterwards. */
    public void finish() {
        if (started && monoFill > 0) {
            resampleBuffered();
        }
        started = false;
    }

    private void processFrame() {
        for (int i = 0; i < FRAME_SIZE; i++) {
            fftBuffer[i] = frame[i] * window[i];
        }
        fft.realForward(fftBuffer);
        // FFmpeg's rdft works in float: round each output to float and square in float.
        float re0 = (float) fftBuffer[0];
        float reN = (float) fftBuffer[1];
        power[0] = re0 * re0;
        power[FRAME_SIZE / 2] = reN * reN;
        for (int k = 1; k < FRAME_SIZE / 2; k++) {
            float re = (float) fftBuffer[2 * k];
            float im = (float) fftBuffer[2 * k + 1];
            power[k] = re * re + im * im;
        }
        Arrays.fill(chroma, 0.0);
        for (int i = minIndex; i < maxIndex; i++) {
            chroma[notes[i]] += power[i];
        }
        filterChroma();
    }

    private void filterChroma() {
        System.arraycopy(chroma, 0, chromaHistory[historyOffset], 0, BANDS);
        historyOffset = (historyOffset + 1) % 8;
        int length = FILTER_COEFFICIENTS.length;
        if (historySize < length) {
            historySize++;
            return;
        }
        int start = (historyOffset + 8 - length) % 8;
        for (int b = 0; b < BANDS; b++) {
            double sum = 0.0;
            for (int j = 0; j < length; j++) {
                sum += chromaHistory[(start + j) % 8][b] * FILTER_COEFFICIENTS[j];
            }
            filtered[b] = sum;
        }
        double squares = 0;
        for (int b = 0; b < BANDS; b++) {
            squares += filtered[b] * filtered[b];
        }
        double norm = squares > 0 ? Math.sqrt(squares) : 0;
        if (norm < 0.01) {
            Arrays.fill(filtered, 0.0);
        } else {
            for (int b = 0; b < BANDS; b++) {
                filtered[b] /= norm;
            }
        }
        addImageRow(filtered);
    }

    private void addImageRow(double[] row) {
        int base = (int) (imageRows % IMAGE_ROWS) * BANDS;
        double acc = 0;
        for (int b = 0; b < BANDS; b++) {
            acc += row[b];
            image[base + b] = acc;
        }
        if (imageRows > 0) {
            int last = (int) ((imageRows - 1) % IMAGE_ROWS) * BANDS;
            for (int b = 0; b < BANDS; b++) {
                image[base + b] = image[last + b] + image[base + b];
            }
        }
        imageRows++;
        if (imageRows >= MAX_FILTER_WIDTH) {
            if (fingerprintLength == fingerprint.length) {
                fingerprint = Arrays.copyOf(fingerprint, fingerprint.length * 2);
            }
            fingerprint[fingerprintLength++] = subFingerprint(imageRows - MAX_FILTER_WIDTH);
        }
    }

    private int subFingerprint(long x) {
        int bits = 0;
        for (int c = 0; c < FILTERS.length; c++) {
            double value = applyFilter(FILTERS[c], x);
            double[] t = THRESHOLDS[c];
            int q = value < t[1] ? (value < t[0] ? 0 : 1) : (value < t[2] ? 2 : 3);
            bits = (bits << 2) | GRAY[q];
        }
        return bits;
    }

    private double applyFilter(int[] f, long x) {
        int type = f[0];
        int y = f[1];
        int h = f[2];
        int w = f[3];
        double a;
        double b;
        switch (type) {
            case 0 -> {
                a = area(x, y, x + w, y + h);
                b = 0;
            }
            case 1 -> {
                int h2 = h / 2;
                a = area(x, y + h2, x + w, y + h);
                b = area(x, y, x + w, y + h2);
            }
            case 2 -> {
                int w2 = w / 2;
                a = area(x + w2, y, x + w, y + h);
                b = area(x, y, x + w2, y + h);
            }
            case 3 -> {
                int w2 = w / 2;
                int h2 = h / 2;
                a = area(x, y + h2, x + w2, y + h) + area(x + w2, y, x + w, y + h2);
                b = area(x, y, x + w2, y + h2) + area(x + w2, y + h2, x + w, y + h);
            }
            case 4 -> {
                int h3 = h / 3;
                a = area(x, y + h3, x + w, y + 2 * h3);
                b = area(x, y, x + w, y + h3) + area(x, y + 2 * h3, x + w, y + h);
            }
            case 5 -> {
                int w3 = w / 3;
                a = area(x + w3, y, x + 2 * w3, y + h);
                b = area(x, y, x + w3, y + h) + area(x + 2 * w3, y, x + w, y + h);
            }
            default -> throw new IllegalStateException("unknown filter type " + type);
        }
        return Math.log((1.0 + a) / (1.0 + b));
    }

    /** Sum of the image over rows [r1, r2) and chroma bins [c1, c2), from the integral image. */
    private double area(long r1, int c1, long r2, int c2) {
        if (r1 == r2 || c1 == c2) {
            return 0.0;
        }
        int row2 = (int) ((r2 - 1) % IMAGE_ROWS) * BANDS;
        if (r1 == 0) {
            return c1 == 0 ? image[row2 + c2 - 1] : image[row2 + c2 - 1] - image[row2 + c1 - 1];
        }
        int row1 = (int) ((r1 - 1) % IMAGE_ROWS) * BANDS;
        if (c1 == 0) {
            return image[row2 + c2 - 1] - image[row1 + c2 - 1];
        }
        return image[row2 + c2 - 1] - image[row1 + c2 - 1] - image[row2 + c1 - 1] + image[row1 + c1 - 1];
    }

    /** Number of sub-fingerprints computed so far. */
    public int length() {
        return fingerprintLength;
    }

    /** The raw sub-fingerprints (what {@code fpcalc -raw} prints, as signed ints). */
    public int[] rawFingerprint() {
        return Arrays.copyOf(fingerprint, fingerprintLength);
    }

    /** The compressed, base64 fingerprint (what {@code fpcalc} prints), or null when empty. */
    public String fingerprint() {
        return fingerprintLength == 0 ? null : ChromaprintCodec.encode(rawFingerprint(), ALGORITHM_TEST2);
    }

    /**
     * Seconds of 11025 Hz audio one sub-fingerprint stands for: the hop between chroma frames
     * (1365 / 11025 ≈ 0.124 s).
     */
    public static double secondsPerItem() {
        return HOP / (double) SAMPLE_RATE;
    }
}
