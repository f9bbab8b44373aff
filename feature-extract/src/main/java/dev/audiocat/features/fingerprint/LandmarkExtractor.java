package dev.audiocat.features.fingerprint;

import dev.audiocat.features.decode.AudioDecoder;
import dev.audiocat.features.decode.BatchingSink;
import dev.audiocat.features.decode.DecodeException;
import dev.audiocat.features.decode.PcmSink;
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
 * Hann frames every 512 samples, so one frame = 23.2 ms), or, in the landmark-only path
 * ({@link #extract}), on 11025 Hz frames of 1024 every 256 samples: the same bins and frame times.
 * Each magnitude spectrum is folded into {@value #BANDS} log-frequency bands of half a semitone from
 * {@value #MIN_HZ} Hz (max over the FFT bins of a band; where a band is narrower than a bin, the
 * magnitude interpolated at its centre, so that low bands have no plateaus). A cell is a peak when it
 * is the maximum of its neighbourhood of ±{@value #PEAK_FRAMES} frames × ±{@value #PEAK_BANDS} bands
 * (a running max over the bands per frame, then over the frames) and stands {@value #PEAK_MIN_DB} dB
 * above the frame's median band (compared in linear magnitude: no logarithm per band). Peaks are evaluated with a delay of
 * {@value #PEAK_FRAMES} frames, so memory is a small ring whatever the file length. Each peak's
 * frequency is refined by parabolic interpolation over the FFT bins around it, to 1/{@value #FINE}
 * band: a pitch shift is then a translation of these log-frequencies, measured finer than the bands.
 *
 * <p>Triplet (p1, p2, p3), t1 &lt; t2 &lt; t3 within {@value #MAX_SPAN} frames of p1, formed from the
 * next {@value #FAN_OUT} peaks after p1: the hash combines the log-frequency differences f2 - f1 and
 * f3 - f2 in bands (invariant under pitch shift), the ratio (t2 - t1) / (t3 - t1) (invariant under
 * time scaling), a coarse register of f1 (16-band regions) and the span t3 - t1 in half-octave steps
 * (coarse enough for ±5 % time scaling). Each quantised field that lies near a level boundary (closer
 * than the distortions the fingerprint must survive can move it) sets a neighbour hint, so that a query
 * also looks the triplet up under the neighbouring level; indexing stores each triplet once. With
 * each hash the payload keeps t1, the fine log-frequency of f1 and t3 - t1, from which the matcher
 * recovers offset, time scale and pitch shift.
 */
public final class LandmarkExtractor implements FrameProcessor {

    static final int BANDS = 128;
    static final double MIN_HZ = 110.0;
    static final int BANDS_PER_OCTAVE = 24;
    /** Steps per band of a peak's interpolated log-frequency. */
    static final int FINE = 8;
    static final int PEAK_FRAMES = 3;
    static final int PEAK_BANDS = 3;
    static final double PEAK_MIN_DB = 9.0;
    static final int FAN_OUT = 5;
    static final int MIN_SPAN = 3;
    static final int MAX_SPAN = 60;
    static final int MAX_DF = 31;
    static final int RATIO_LEVELS = 12;
    static final int REGISTER_BANDS = 16;
    /** Frequency-difference margin (bands) within which a boundary is treated as uncertain. */
    static final double DF_MARGIN = 0.3;
    /** Timing uncertainty (frames) of a peak, for the ratio and span margins. */
    static final double TIME_MARGIN = 0.7;
    /** Register margin (bands): a one-semitone shift plus a 3 % speed change moves f1 by ~2.5 bands. */
    static final double REGISTER_MARGIN = 2.5;
    /** Time-scale range the span quantisation must survive (±5 % stretch, +3 % speed). */
    static final double SCALE_MARGIN = 0.06;

    private static final int RING = 2 * PEAK_FRAMES + 1;
    private static final int PEAK_RING = 256;

    private int[] bandLo;
    private int[] bandHi;
    // for bands narrower than a bin: interpolate between bin bandLo and bandLo + 1 with this weight
    private float[] bandW;
    private double binHz;
    private int maxBin;
    // bins a band or a peak's refinement can read (the rest of the spectrum is not copied)
    private int usedBins;
    private int sampleRate;
    private int hop;
    // magnitude floor added before the level test: 1e-6 for a 2048-point frame, scaled with the frame
    // size (an FFT of half the points has half the magnitudes), so both frame geometries agree
    private float eps;
    // rings (allocated once per file; no allocation per frame): band maxima (linear magnitude), their
    // running max over ±PEAK_BANDS bands, the frames' magnitudes and the frames' peak levels
    private float[][] spectra;
    private float[][] bandMax;
    private float[][] mags;
    private final float[] minLevel = new float[RING];
    private final float[] selectScratch = new float[BANDS];
    private final int[] rows = new int[RING];
    private long frames;
    // recent peaks, waiting for later peaks to form triplets
    private final int[] peakT = new int[PEAK_RING];
    private final int[] peakF = new int[PEAK_RING];
    private final int[] peakU = new int[PEAK_RING];
    private long peakCount;
    private long tripletsFrom;
    private final LandmarkHashes.Builder out = new LandmarkHashes.Builder();
    private LandmarkHashes result;

    /** 10^(PEAK_MIN_DB / 20): the level test in linear magnitude (no logarithm per band). */
    private static final double PEAK_MIN_RATIO = Math.pow(10, PEAK_MIN_DB / 20);

    @Override
    public void process(Frame frame) {
        if (bandLo == null) {
            init(frame);
        }
        int slot = (int) (frames % RING);
        float[] s = spectra[slot];
        float[] mag = frame.magnitude;
        System.arraycopy(mag, 0, mags[slot], 0, usedBins);
        for (int b = 0; b < BANDS; b++) {
            float m;
            int lo = bandLo[b];
            if (bandHi[b] < lo) {
                m = mag[lo] + bandW[b] * (mag[lo + 1] - mag[lo]);
            } else {
                m = mag[lo];
                for (int k = lo + 1; k <= bandHi[b]; k++) {
                    m = Math.max(m, mag[k]);
                }
            }
            s[b] = m;
        }
        // the level a peak must reach: PEAK_MIN_DB above the frame's median band (in dB of m + eps)
        System.arraycopy(s, 0, selectScratch, 0, BANDS);
        float median = select(selectScratch, BANDS / 2);
        minLevel[slot] = (float) ((median + eps) * PEAK_MIN_RATIO - eps);
        // running max over ±PEAK_BANDS bands (the band half of the separable neighbourhood max)
        float[] bm = bandMax[slot];
        for (int b = 0; b < BANDS; b++) {
            int from = Math.max(0, b - PEAK_BANDS);
            int to = Math.min(BANDS - 1, b + PEAK_BANDS);
            float m = s[from];
            for (int c = from + 1; c <= to; c++) {
                m = Math.max(m, s[c]);
            }
            bm[b] = m;
        }
        frames++;
        if (frames > PEAK_FRAMES) {
            findPeaks(frames - 1 - PEAK_FRAMES);
        }
    }

    /** The k-th smallest of {@code a} (0-based; reorders a): quickselect, the value a full sort puts at k. */
    static float select(float[] a, int k) {
        int lo = 0;
        int hi = a.length - 1;
        while (lo < hi) {
            float pivot = a[(lo + hi) >>> 1];
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (a[i] < pivot) {
                    i++;
                }
                while (a[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    float x = a[i];
                    a[i] = a[j];
                    a[j] = x;
                    i++;
                    j--;
                }
            }
            if (k <= j) {
                hi = j;
            } else if (k >= i) {
                lo = i;
            } else {
                return a[k];
            }
        }
        return a[k];
    }

    private void init(Frame frame) {
        sampleRate = frame.sampleRate;
        hop = frame.hop;
        eps = (float) (1e-6 * frame.size / 2048.0);
        spectra = new float[RING][BANDS];
        bandMax = new float[RING][BANDS];
        bandLo = new int[BANDS];
        bandHi = new int[BANDS];
        bandW = new float[BANDS];
        binHz = frame.sampleRate / (double) frame.size;
        maxBin = frame.size / 2;
        for (int b = 0; b < BANDS; b++) {
            double lo = MIN_HZ * Math.pow(2, (b - 0.5) / BANDS_PER_OCTAVE);
            double hi = MIN_HZ * Math.pow(2, (b + 0.5) / BANDS_PER_OCTAVE);
            int l = (int) Math.ceil(lo / binHz);
            int h = (int) Math.floor(hi / binHz);
            if (h < l) {
                double centre = MIN_HZ * Math.pow(2, b / (double) BANDS_PER_OCTAVE) / binHz;
                l = Math.min((int) Math.floor(centre), maxBin - 1);
                h = l - 1;
                bandW[b] = (float) (centre - l);
            }
            bandLo[b] = Math.min(l, maxBin);
            bandHi[b] = Math.min(h, maxBin);
        }
        // fineBand reads up to 2 bins beyond a band's maximum, plus one for the interpolation
        usedBins = Math.min(maxBin + 1, Math.max(bandHi[BANDS - 1], bandLo[BANDS - 1] + 1) + 4);
        mags = new float[RING][usedBins];
    }

    /** Evaluates frame {@code t} once the frames up to t + PEAK_FRAMES are in the ring. */
    private void findPeaks(long t) {
        int row = (int) (t % RING);
        float[] s = spectra[row];
        float level = minLevel[row];
        long tFrom = Math.max(0, t - PEAK_FRAMES);
        long tTo = Math.min(frames - 1, t + PEAK_FRAMES);
        int nRows = 0;
        for (long u = tFrom; u <= tTo; u++) {
            rows[nRows++] = (int) (u % RING);
        }
        for (int b = 0; b < BANDS; b++) {
            float v = s[b];
            if (v < level) {
                continue;
            }
            // separable neighbourhood max: a cell below it is no peak
            boolean below = false;
            for (int r = 0; r < nRows; r++) {
                if (bandMax[rows[r]][b] > v) {
                    below = true;
                    break;
                }
            }
            if (below) {
                continue;
            }
            // v is the neighbourhood's maximum; ties: strict on one side so that plateaus yield exactly one peak
            boolean isMax = true;
            int bFrom = Math.max(0, b - PEAK_BANDS);
            int bTo = Math.min(BANDS - 1, b + PEAK_BANDS);
            for (long u = tFrom; u <= tTo && isMax; u++) {
                float[] o = spectra[(int) (u % RING)];
                for (int c = bFrom; c <= bTo; c++) {
                    if (o[c] == v && (u < t || (u == t && c < b))) {
                        isMax = false;
                        break;
                    }
                }
            }
            if (isMax) {
                addPeak((int) t, b, fineBand(mags[row], b));
            }
        }
    }

    /** The peak's log-frequency in 1/FINE band, from the FFT bins around the band's maximum. */
    private int fineBand(float[] mag, int b) {
        int k;
        if (bandHi[b] < bandLo[b]) {
            k = bandW[b] < 0.5f ? bandLo[b] : bandLo[b] + 1;
        } else {
            k = bandLo[b];
            for (int j = bandLo[b] + 1; j <= bandHi[b]; j++) {
                if (mag[j] > mag[k]) {
                    k = j;
                }
            }
        }
        for (int step = 0; step < 2; step++) {
            if (k + 1 < maxBin && k + 1 < usedBins - 1 && mag[k + 1] > mag[k]) {
                k++;
            } else if (k > 1 && mag[k - 1] > mag[k]) {
                k--;
            }
        }
        double pos = k;
        if (k >= 1 && k < maxBin && k + 1 < usedBins) {
            double a = Math.log(mag[k - 1] + 1e-9);
            double c0 = Math.log(mag[k] + 1e-9);
            double c = Math.log(mag[k + 1] + 1e-9);
            double den = a - 2 * c0 + c;
            if (den < 0) {
                pos += Math.max(-0.5, Math.min(0.5, 0.5 * (a - c) / den));
            }
        }
        double bands = BANDS_PER_OCTAVE * Math.log(Math.max(pos, 0.5) * binHz / MIN_HZ) / Math.log(2);
        int u = (int) Math.round(bands * FINE);
        return Math.max(0, Math.min(BANDS * FINE - 1, u));
    }

    private void addPeak(int t, int f, int u) {
        int i = (int) (peakCount % PEAK_RING);
        peakT[i] = t;
        peakF[i] = f;
        peakU[i] = u;
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
        int u1 = peakU[a];
        int n = 0;
        long[] idx = candidates;
        for (long j = anchor + 1; j < end && n < FAN_OUT; j++) {
            int p = (int) (j % PEAK_RING);
            int dt = peakT[p] - t1;
            if (dt > MAX_SPAN) {
                break;
            }
            if (dt < 1 || Math.abs(peakU[p] - u1) > MAX_DF * FINE) {
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
                int u2 = peakU[p2];
                int u3 = peakU[p3];
                if (Math.abs(u3 - u2) > MAX_DF * FINE) {
                    continue;
                }
                long h = hash(u1, u2, u3, t1, t2, t3);
                out.add((int) h, (short) (h >>> 32), LandmarkHashes.payload(t1, u1, t3 - t1));
            }
        }
    }

    private final long[] candidates = new long[FAN_OUT];

    // hash layout, low bit first: span level (4 bits), register (3), time ratio (4), f3 - f2 (6), f2 - f1 (6)
    static final int SPAN_SHIFT = 0;
    static final int REGISTER_SHIFT = 4;
    static final int RATIO_SHIFT = 7;
    static final int DF23_SHIFT = 11;
    static final int DF12_SHIFT = 17;
    /** Hash bits (the index key); neighbour hints are separate. */
    public static final int HASH_BITS = 23;
    private static final int[] FIELD_SHIFT = {SPAN_SHIFT, REGISTER_SHIFT, RATIO_SHIFT, DF23_SHIFT, DF12_SHIFT};
    private static final int[] FIELD_BITS = {4, 3, 4, 6, 6};

    /**
     * The hash of a triplet (frequencies in 1/FINE band, times in frames) in the low 32 bits and its
     * neighbour hints in bits 32..41: for each of the five fields, 2 bits (0 none, 1 the level below,
     * 2 the level above is also possible).
     */
    static long hash(int u1, int u2, int u3, int t1, int t2, int t3) {
        int span = t3 - t1;
        long h = 0;
        int hints = 0;
        // span, in half-octave levels of log2(span)
        double xs = 2 * Math.log(span) / Math.log(2) - 3;
        double ms = Math.min(0.5, 2 * Math.log((1 + SCALE_MARGIN) * (span + TIME_MARGIN) / span) / Math.log(2));
        long q = quantise(xs, ms, 0, 15);
        h |= (q & 0xFFFF) << SPAN_SHIFT;
        hints |= (int) (q >>> 16);
        double xr = (double) RATIO_LEVELS * (t2 - t1) / span;
        q = quantise(xr, Math.min(0.5, RATIO_LEVELS * TIME_MARGIN / span), 0, RATIO_LEVELS - 1);
        h |= (q & 0xFFFF) << RATIO_SHIFT;
        hints |= (int) (q >>> 16) << 4;
        double xg = u1 / (double) (FINE * REGISTER_BANDS);
        q = quantise(xg, REGISTER_MARGIN / REGISTER_BANDS, 0, 7);
        h |= (q & 0xFFFF) << REGISTER_SHIFT;
        hints |= (int) (q >>> 16) << 2;
        q = quantise((u3 - u2) / (double) FINE + MAX_DF + 0.5, DF_MARGIN, 0, 2 * MAX_DF);
        h |= (q & 0xFFFF) << DF23_SHIFT;
        hints |= (int) (q >>> 16) << 6;
        q = quantise((u2 - u1) / (double) FINE + MAX_DF + 0.5, DF_MARGIN, 0, 2 * MAX_DF);
        h |= (q & 0xFFFF) << DF12_SHIFT;
        hints |= (int) (q >>> 16) << 8;
        return h | ((long) hints << 32);
    }

    /** Level floor(x) clamped to [min, max] in the low 16 bits; bits 16..17: the neighbour hint. */
    private static long quantise(double x, double margin, int min, int max) {
        int level = (int) Math.floor(x);
        double frac = x - level;
        int hint = 0;
        if (level < min) {
            level = min;
        } else if (level > max) {
            level = max;
        } else if (frac < margin && level > min) {
            hint = 1;
        } else if (frac > 1 - margin && level < max) {
            hint = 2;
        }
        return level | ((long) hint << 16);
    }

    /** Most lookups one query triplet can need: both levels of each of the five fields. */
    public static final int MAX_VARIANTS = 32;

    /**
     * The hashes a query triplet is looked up under: its own, and those with a neighbouring level in
     * every field that its hints mark as uncertain (a time stretch, speed change or pitch shift can
     * move a value near a quantisation boundary across it).
     *
     * @return the number of hashes written to {@code out} (at most {@link #MAX_VARIANTS}, the triplet's own first)
     */
    public static int queryVariants(int hash, int hints, int[] out) {
        int n = 1;
        out[0] = hash;
        for (int f = 0; f < FIELD_SHIFT.length; f++) {
            int hint = (hints >>> (2 * f)) & 3;
            if (hint == 0) {
                continue;
            }
            int mask = ((1 << FIELD_BITS[f]) - 1) << FIELD_SHIFT[f];
            for (int i = 0; i < n && n + i < out.length; i++) {
                int level = (out[i] & mask) >>> FIELD_SHIFT[f];
                level += hint == 1 ? -1 : 1;
                out[n + i] = (out[i] & ~mask) | (level << FIELD_SHIFT[f]);
            }
            n *= 2;
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

    /**
     * Mono rate, frame and hop of the landmark-only path ({@link #extract}): 11025 Hz, 1024-sample
     * frames every 256 samples, the same bin width (10.8 Hz) and frame time (23.2 ms) as the analysis
     * pass's 22050 Hz / 2048 / 512 at half the FFT and resampler output. The bands stop at 4.4 kHz, below
     * both Nyquist frequencies, so both geometries give (almost) the same peaks and hashes.
     */
    public static final int RATE = 11025;
    public static final int FRAME_SIZE = 1024;
    public static final int HOP = 256;

    /**
     * swresample options of the landmark-only path's resampler: {@code null}, swresample's defaults.
     * A shorter filter (filter_size 8: ~36 instead of ~140 taps per output sample from 48 kHz) saved
     * ~0.2 ms of CPU per second of audio but let a drum loop's energy above 5.5 kHz fold into the
     * bands (loop_amen_full.flac: 87 % of its hashes the same as the analysis pass's, against 100 %):
     * docs/benchmarks.md, "Indexing (round s5i)".
     */
    static final String RESAMPLER_OPTIONS = null;

    /**
     * Decodes {@code file} once (mono, {@value #RATE} Hz) and extracts its landmark hashes. For tools
     * that need only the landmarks ({@code references add}, {@code identify}); ingest gets them from
     * the analysis pass (22050 Hz, 2048 / 512), which yields (almost) the same hashes. The decoder
     * downmixes stereo Opus before its synthesis ({@link AudioDecoder#openDownmixed}): only here,
     * never in the analysis pass.
     */
    public static LandmarkHashes extract(Path file, long timeLimitMillis) throws DecodeException {
        LandmarkExtractor x = new LandmarkExtractor();
        decodeLandmarkStream(file, timeLimitMillis, new BatchingSink(new FrameDispatcher(FRAME_SIZE, HOP, List.of(x)), BATCH));
        return x.result();
    }

    /**
     * Samples (6 s at {@value #RATE} Hz) decoded before the frames they make are analysed: the same
     * hashes as the decoder's packet-sized blocks, 2–10 % less CPU (5–6 % on a quiet machine;
     * docs/benchmarks.md, "Indexing: batched PCM").
     */
    static final int BATCH = 1 << 16;

    /**
     * Decodes {@code file} into {@code sink} exactly as {@link #extract} does (mono, {@value #RATE} Hz,
     * {@link AudioDecoder#openDownmixed}, {@link #RESAMPLER_OPTIONS}): the one place that says how the
     * landmark path decodes, also for benches that time the decode alone.
     *
     * @return seconds of audio decoded
     */
    static double decodeLandmarkStream(Path file, long timeLimitMillis, PcmSink sink) throws DecodeException {
        try (AudioDecoder d = AudioDecoder.openDownmixed(file, timeLimitMillis)) {
            return d.decode(null, RATE, sink, RESAMPLER_OPTIONS) / (double) d.probe().sampleRate();
        }
    }

    /** Peaks found so far (for tests and density figures). */
    public long peakCount() {
        return peakCount;
    }
}
