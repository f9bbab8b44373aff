package dev.audiocat.features.fingerprint;

import dev.audiocat.features.decode.AudioDecoder;
import dev.audiocat.features.decode.DecodeException;
import dev.audiocat.features.dsp.Frame;
import dev.audiocat.features.dsp.FrameDispatcher;
import dev.audiocat.features.dsp.FrameProcessor;
import java.nio.file.Path;
import java.util.List;

/**
 * Robust excerpt fingerprint: triplets of spectral peaks on a log-frequency spectrogram, hashed so
 * that the hash does not change under time stretching, speed change or pitch shift (after Panako
 * 2.0's design, written from its paper's description).
 *
 * <p>Runs as a stage of the single analysis pass on the mono stream's frames (22050 Hz, 2048-sample
 * Hann frames every 512 samples, so one frame = 23.2 ms). Each magnitude spectrum is folded into
 * {@value #BANDS} log-frequency bands of half a semitone from {@value #MIN_HZ} Hz (max over the FFT
 * bins of a band, nearest bin where a band is narrower than a bin), in log magnitude. A cell is a peak
 * when it is the maximum of its neighbourhood of ±{@value #PEAK_FRAMES} frames × ±{@value #PEAK_BANDS}
 * bands and stands {@value #PEAK_MIN_DB} dB above the frame's median. Peaks are evaluated with a
 * delay of {@value #PEAK_FRAMES} frames, so memory is a small ring whatever the file length.
 *
 * <p>Triplet (p1, p2, p3), t1 &lt; t2 &lt; t3 within {@value #MAX_SPAN} frames of p1, formed from the
 * next {@value #FAN_OUT} peaks after p1: the hash combines the band differences f2 - f1 and f3 - f2
 * (invariant under pitch shift), the ratio (t2 - t1) / (t3 - t1) (invariant under time scaling) and a
 * coarse register of f1 (16-band regions, so a shift of one semitone keeps most triplets). With each
 * hash the payload keeps t1, f1 and t3 - t1, from which the matcher recovers offset, time scale and
 * pitch shift.
 */
public final class LandmarkExtractor implements FrameProcessor {

    static final int BANDS = 128;
    static final double MIN_HZ = 110.0;
    static final int BANDS_PER_OCTAVE = 24;
    static final int PEAK_FRAMES = 4;
    static final int PEAK_BANDS = 5;
    static final double PEAK_MIN_DB = 12.0;
    static final int FAN_OUT = 5;
    static final int MIN_SPAN = 3;
    static final int MAX_SPAN = 60;
    static final int MAX_DF = 31;
    static final int RATIO_LEVELS = 12;

    private static final int RING = 2 * PEAK_FRAMES + 1;
    private static final int PEAK_RING = 256;

    private int[] bandLo;
    private int[] bandHi;
    private int sampleRate;
    private int hop;
    // ring of log-band spectra (allocated once per file; no allocation per frame)
    private final float[][] spectra = new float[RING][BANDS];
    private final float[] floor = new float[RING];
    private final float[] sortScratch = new float[BANDS];
    private long frames;
    // recent peaks, waiting for later peaks to form triplets
    private final int[] peakT = new int[PEAK_RING];
    private final int[] peakF = new int[PEAK_RING];
    private long peakCount;
    private long tripletsFrom;
    private final LandmarkHashes.Builder out = new LandmarkHashes.Builder();
    private LandmarkHashes result;

    @Override
    public void process(Frame frame) {
        if (bandLo == null) {
            init(frame);
        }
        int slot = (int) (frames % RING);
        float[] s = spectra[slot];
        float[] mag = frame.magnitude;
        for (int b = 0; b < BANDS; b++) {
            float m = 0;
            for (int k = bandLo[b]; k <= bandHi[b]; k++) {
                m = Math.max(m, mag[k]);
            }
            s[b] = (float) (20 * Math.log10(m + 1e-6));
        }
        System.arraycopy(s, 0, sortScratch, 0, BANDS);
        java.util.Arrays.sort(sortScratch);
        floor[slot] = sortScratch[BANDS / 2];
        frames++;
        if (frames > PEAK_FRAMES) {
            findPeaks(frames - 1 - PEAK_FRAMES);
        }
    }

    private void init(Frame frame) {
        sampleRate = frame.sampleRate;
        hop = frame.hop;
        bandLo = new int[BANDS];
        bandHi = new int[BANDS];
        double binHz = frame.sampleRate / (double) frame.size;
        int maxBin = frame.size / 2;
        for (int b = 0; b < BANDS; b++) {
            double lo = MIN_HZ * Math.pow(2, (b - 0.5) / BANDS_PER_OCTAVE);
            double hi = MIN_HZ * Math.pow(2, (b + 0.5) / BANDS_PER_OCTAVE);
            int l = (int) Math.ceil(lo / binHz);
            int h = (int) Math.floor(hi / binHz);
            if (h < l) {
                l = h = (int) Math.round(MIN_HZ * Math.pow(2, b / (double) BANDS_PER_OCTAVE) / binHz);
            }
            bandLo[b] = Math.min(l, maxBin);
            bandHi[b] = Math.min(h, maxBin);
        }
    }

    /** Evaluates frame {@code t} once the frames up to t + PEAK_FRAMES are in the ring. */
    private void findPeaks(long t) {
        float[] s = spectra[(int) (t % RING)];
        float minLevel = floor[(int) (t % RING)] + (float) PEAK_MIN_DB;
        long tFrom = Math.max(0, t - PEAK_FRAMES);
        long tTo = Math.min(frames - 1, t + PEAK_FRAMES);
        for (int b = 0; b < BANDS; b++) {
            float v = s[b];
            if (v < minLevel) {
                continue;
            }
            boolean isMax = true;
            for (long u = tFrom; u <= tTo && isMax; u++) {
                float[] o = spectra[(int) (u % RING)];
                int bFrom = Math.max(0, b - PEAK_BANDS);
                int bTo = Math.min(BANDS - 1, b + PEAK_BANDS);
                for (int c = bFrom; c <= bTo; c++) {
                    // strict on one side so that plateaus yield exactly one peak
                    if (o[c] > v || (o[c] == v && (u < t || (u == t && c < b)))) {
                        isMax = false;
                        break;
                    }
                }
            }
            if (isMax) {
                addPeak((int) t, b);
            }
        }
    }

    private void addPeak(int t, int f) {
        int i = (int) (peakCount % PEAK_RING);
        peakT[i] = t;
        peakF[i] = f;
        peakCount++;
        // anchors whose triplet window has closed can be hashed now
        while (tripletsFrom < peakCount && peakT[(int) (tripletsFrom % PEAK_RING)] + MAX_SPAN < t) {
            tripletsFor(tripletsFrom, peakCount);
            tripletsFrom++;
        }
        if (peakCount - tripletsFrom >= PEAK_RING - 1) {
            tripletsFor(tripletsFrom, peakCount);
            tripletsFrom++;
        }
    }

    private void tripletsFor(long anchor, long end) {
        int a = (int) (anchor % PEAK_RING);
        int t1 = peakT[a];
        int f1 = peakF[a];
        int n = 0;
        long[] idx = candidates;
        for (long j = anchor + 1; j < end && n < FAN_OUT; j++) {
            int p = (int) (j % PEAK_RING);
            int dt = peakT[p] - t1;
            if (dt > MAX_SPAN) {
                break;
            }
            if (dt < 1 || Math.abs(peakF[p] - f1) > MAX_DF) {
                continue;
            }
            idx[n++] = j;
        }
        for (int x = 0; x < n; x++) {
            int p2 = (int) (idx[x] % PEAK_RING);
            for (int y = x + 1; y < n; y++) {
                int p3 = (int) (idx[y] % PEAK_RING);
                int t2 = peakT[p2];
                int t3 = peakT[p3];
                if (t3 <= t2 || t3 - t1 < MIN_SPAN) {
                    continue;
                }
                int f2 = peakF[p2];
                int f3 = peakF[p3];
                if (Math.abs(f3 - f2) > MAX_DF) {
                    continue;
                }
                out.add(hash(f1, f2, f3, t1, t2, t3), LandmarkHashes.payload(t1, f1, t3 - t1));
            }
        }
    }

    private final long[] candidates = new long[FAN_OUT];

    /** The ratio-invariant hash of a triplet (21 bits). */
    static int hash(int f1, int f2, int f3, int t1, int t2, int t3) {
        int df12 = f2 - f1 + MAX_DF;          // 0..62, 6 bits
        int df23 = f3 - f2 + MAX_DF;          // 0..62, 6 bits
        int ratio = (int) ((long) (t2 - t1) * RATIO_LEVELS / (t3 - t1)); // 0..RATIO_LEVELS-1, 4 bits
        int register = f1 / 16;               // 0..7, 3 bits
        int coarseSpan = 0;
        return (((df12 << 6 | df23) << 4 | ratio) << 3 | register) << 2 | coarseSpan;
    }

    private static final int RATIO_SHIFT = 5;
    private static final int REGISTER_SHIFT = 2;

    /**
     * The hashes a query triplet is looked up under: its own, and the neighbours whose time ratio
     * level or register differs by one, because a time stretch or a pitch shift moves a triplet
     * across those quantisation boundaries. Indexing stores each triplet once; only queries fan out.
     *
     * @return the number of hashes written to {@code out} (at most 9, the triplet's own first)
     */
    public static int queryVariants(int hash, int[] out) {
        int ratio = (hash >>> RATIO_SHIFT) & 15;
        int register = (hash >>> REGISTER_SHIFT) & 7;
        int base = hash & ~(15 << RATIO_SHIFT) & ~(7 << REGISTER_SHIFT);
        int n = 0;
        out[n++] = hash;
        for (int dr = -1; dr <= 1; dr++) {
            int r = ratio + dr;
            if (r < 0 || r >= RATIO_LEVELS) {
                continue;
            }
            for (int dg = -1; dg <= 1; dg++) {
                int g = register + dg;
                if ((dr == 0 && dg == 0) || g < 0 || g > 7) {
                    continue;
                }
                out[n++] = base | (r << RATIO_SHIFT) | (g << REGISTER_SHIFT);
            }
        }
        return n;
    }

    @Override
    public void finish() {
        while (tripletsFrom < peakCount) {
            tripletsFor(tripletsFrom, peakCount);
            tripletsFrom++;
        }
        result = out.build(hop / (double) (sampleRate == 0 ? 1 : sampleRate), frames);
    }

    /** The hashes of the whole stream; available after {@link #finish()}. */
    public LandmarkHashes result() {
        if (result == null) {
            throw new IllegalStateException("LandmarkExtractor.result() before finish()");
        }
        return result;
    }

    /** Mono rate, frame and hop this extractor is designed for (those of the analysis pass). */
    public static final int RATE = 22050;
    public static final int FRAME_SIZE = 2048;
    public static final int HOP = 512;

    /**
     * Decodes {@code file} once (mono, 22050 Hz) and extracts its landmark hashes. For tools that
     * need only the landmarks ({@code references add}, {@code identify}); ingest gets them from the
     * analysis pass.
     */
    public static LandmarkHashes extract(Path file, long timeLimitMillis) throws DecodeException {
        LandmarkExtractor x = new LandmarkExtractor();
        try (AudioDecoder d = AudioDecoder.open(file, timeLimitMillis)) {
            d.decode(null, RATE, new FrameDispatcher(FRAME_SIZE, HOP, List.of(x)));
        }
        return x.result();
    }

    /** Peaks found so far (for tests and density figures). */
    public long peakCount() {
        return peakCount;
    }
}
