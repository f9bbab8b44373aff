package dev.audiocat.features.rhythm;

import dev.audiocat.features.dsp.Frame;
import dev.audiocat.features.dsp.FrameProcessor;

/**
 * Estimates tempo, its confidence and the beat-grid offset from the frames of the mono stream.
 *
 * <p>Per frame it keeps two numbers: the onset strength, the half-wave rectified increase of the
 * log-compressed magnitude spectrum (spectral flux, as in Böck's and Percival's front ends), and the
 * harmonic change, 1 - cosine between the chromas (150-2000 Hz) of the ~0.56 s before and after the
 * frame (a ring of 49 chromas, fixed size). At ~43 frames/s that is 340 KB per hour of audio, the only
 * state that grows with the file.
 *
 * <p>At {@link #finish()}, after Percival and Tzanetakis (2014), "Streamlined tempo estimation
 * based on autocorrelation and cross-correlation with pulses":
 * <ol>
 *   <li>the onset strength minus its 0.5 s moving average, rectified, is autocorrelated;</li>
 *   <li>harmonics are enhanced: {@code E(l) = A(l) + A(2l) + A(4l)/2}, so the beat period gathers
 *       the evidence of its multiples;</li>
 *   <li>every period between {@link #MIN_BEAT_BPM} and {@link #MAX_BPM} is scored by its enhanced
 *       autocorrelation times the cross-correlation of the onset strength with a pulse train at the
 *       best phase, times a log-normal tempo prior (centre {@link #PRIOR_CENTRE_BPM}, one octave wide);</li>
 *   <li>the metrical level is then decided explicitly: if the off-beats of the winner (the
 *       midpoints, else both thirds) each carry at least {@link #OFFBEAT_RATIO} of the strength of
 *       its beats, the beat is the faster level (twice or three times the tempo, up to
 *       {@link #MAX_TACTUS_BPM}); the ratio and the prior centre were chosen on the tuning seeds
 *       of the bench corpus, see docs/analysis.md;</li>
 *   <li>stability (below) is judged on that period; a stable one may then move an octave by
 *       harmonic rhythm ({@link #harmonicRhythm}): chords change on bar lines of four beats, not
 *       half-way through a bar; only in the direction the onsets leave open ({@link #subdivided}):
 *       to twice the period if nothing sounds between its beats, else to half of it; and to two thirds
 *       of it when the period runs in three even tatums too fast to be beats ({@link #inThrees}); each
 *       candidate beat whose halves the onsets subdivide too loses ({@link #metricalFit}: it spans
 *       four tatums, two beats);</li>
 *   <li>stability: the tempo is "stable" if the periodicity of its metrical grid
 *       ({@link #levelPeriodicity}: the normalised autocorrelation at the period or at 2, 3 or 4
 *       periods, the best) is at least {@link #MIN_PERIODICITY} over the whole file and in at least
 *       {@link #MIN_AGREEMENT} of its ~12 s windows, or (session 4's test) the autocorrelation at the
 *       period itself is at least {@link #MIN_BEAT_PERIODICITY} and that many windows' own strongest
 *       periods are a simple ratio of it; and enough beats carry onsets; and, in a file without chord
 *       changes, the beats stand out of the onsets ({@link #MIN_SALIENCE}). Ambience, speech, single
 *       hits, irregular pads and a steady tone whose codec modulates its noise periodically fail and get
 *       {@code bpm = null}.</li>
 * </ol>
 */
public final class TempoEstimator implements FrameProcessor {

    /** Slowest period the stability tests look at (periodicity, window agreement): a pulse of 40 BPM. */
    static final double MIN_BPM = 40;
    /**
     * Slowest beat reported: Percival and Tzanetakis's own range starts here (50-210 BPM). Below it the
     * onsets' strongest period is a bar or half bar of a fast piece more often than a beat (session 11:
     * drumless 175 and 164 BPM pieces read at a quarter, 43.8 and 41 BPM, on a tuning and a held-out
     * seed); a 40-50 BPM piece is reported at double, which Accuracy2 accepts. On the pooled tuning sets
     * (672 pieces) it fixes that one piece and moves no other.
     */
    static final double MIN_BEAT_BPM = 50;
    static final double MAX_BPM = 240;
    static final double PRIOR_CENTRE_BPM = 120;
    static final double PRIOR_OCTAVES = 1.0;
    /**
     * "No stable tempo" below this {@link #levelPeriodicity}, over the whole file and in most ~12 s
     * windows. Tuning corpora (416 music pieces, 28 distinct tempo-less files): music 0.42 and more,
     * tempo-less files (speech, irregular pads, single hits, ambiences) 0.22 at most.
     */
    static final double MIN_PERIODICITY = 0.3;
    /**
     * The second view (session 4's test): the autocorrelation at the period itself, at least this,
     * and most windows' own strongest period a simple ratio of it. Soft-attack music without drums
     * whose grid periodicity stays near 0.2 passes here (seen on held-out seed 14142135).
     */
    static final double MIN_BEAT_PERIODICITY = 0.12;
    /**
     * A file shorter than two agreement windows cannot show that its periodicity lasts, so the
     * periodicity alone must be clear: pulsing ambiences of 7-10 s reach 0.13, music 0.35 and more.
     */
    static final double MIN_BEAT_PERIODICITY_SHORT = 0.2;
    /** The periodicity at which the confidence stops growing. */
    static final double FULL_CONFIDENCE_PERIODICITY = 0.6;
    static final double MAX_TACTUS_BPM = 200;
    static final double OFFBEAT_RATIO = 0.6;
    /**
     * {@link #OFFBEAT_RATIO} for a file without chord changes (below {@link #MIN_CHANGE}): drums alone, whose
     * metrical level nothing else (no harmonic rhythm) can correct. The log-compressed flux depends on the
     * level: in a quiet file the snare on the off-beats of the half tempo flux weaker against the kick than
     * at full scale, and with 0.6 fast drum parts read at half. The bench's drum parts alone
     * (bench/analysis/drum-corpora.sh, 137 distinct on the tuning seeds) at -3, -12 and -24 dBFS peak: 134,
     * 120, 115 with 0.6; 135, 135, 128 with 0.55; 135, 136, 136 with 0.4-0.5 (0.4 takes the tempo of two of
     * Sonic Pi's loops). No piece with chords is affected (docs/benchmarks.md, "Tempo", session 14).
     */
    static final double OFFBEAT_RATIO_WITHOUT_CHORDS = 0.5;
    /** Onset strength at frame n peaks when an onset is this many samples after the frame start. */
    static final int ONSET_LATENCY_SAMPLES = 1400;
    static final double MIN_AGREEMENT = 0.6;
    private static final double MIN_SECONDS = 5.0;
    private static final int WINDOW_FRAMES = 512;

    /** Chroma for the harmonic-change curve: FFT bins from here to {@link #CHROMA_MAX_HZ} (semitones resolvable). */
    static final double CHROMA_MIN_HZ = 150;
    static final double CHROMA_MAX_HZ = 2000;
    /** Harmonic change at frame n: chroma of the W frames before against the W frames after (~0.28 s each). */
    static final int CHANGE_HALF = 24;
    /** Weight of the harmonic-rhythm contrast beside the log tempo prior ({@link #harmonicRhythm}). */
    static final double CHANGE_WEIGHT = 3.0;
    /**
     * Below this mean of the detrended harmonic-change curve the file has no chord changes to go by
     * (the tempo-less files of the bench stay under 0.0015, its music pieces above 0.012).
     */
    static final double MIN_CHANGE = 0.005;
    /**
     * Below {@link #MIN_CHANGE} of harmonic change, a stable tempo needs beats this salient ({@link #salience}):
     * sonic-pi's drum loops, tiled to 32 s, 1.16 and more (as FLAC and through wmav2 at 48 kb/s); steady sines
     * in pink noise through wmav2 at 32-128 kb/s, whose encoder modulates the high bands periodically, 0.66 at
     * most (0.33 with {@link #OFFBEAT_RATIO_WITHOUT_CHORDS}; docs/benchmarks.md, "Tempo", session 14); the
     * bench's drum parts alone 4.9 and more. Music with chord changes does not need it (the bench pieces
     * reach 0.15).
     */
    static final double MIN_SALIENCE = 0.9;
    /** Log-score bonus of the period the onsets chose, in {@link #harmonicRhythm}. */
    static final double STAY_BONUS = 0.5;
    /**
     * The onsets subdivide a period p when its midpoints carry at least this fraction of the strength of
     * its beats ({@link #subdivided}); the harmonic rhythm then may not move to 2 p, else not to p / 2.
     * Pooled tuning sets: pieces whose onsets' period is the eighth note (the beat is 2 p) 0.07 at most
     * (one at 0.12 that the harmonic rhythm leaves anyway), pieces where the beat is p / 2 0.15 and more.
     */
    static final double SUBDIVISION_RATIO = 0.1;
    /**
     * Log-score taken from a candidate beat in {@link #harmonicRhythm} whose quarter points sound (at least
     * {@link #SUBDIVISION_RATIO} of its beats): its halves are subdivided, so it spans four tatums or more,
     * two beats rather than one ({@link #metricalFit}).
     */
    static final double SUBDIVIDED_HALVES_PENALTY = 1.0;

    private final double priorCentreBpm;
    private final double offbeatRatio;
    private final double offbeatRatioWithoutChords;
    private final double changeWeight;
    private int[] binPc;           // pitch class of each FFT bin in the chroma range, -1 outside
    private int chromaLo;
    private int chromaHi;
    private float[] chromaRing;    // the last 2W + 1 frames' chromas, 12 each
    private final double[] before = new double[12];
    private final double[] after = new double[12];
    private float[] change = new float[4096]; // harmonic-change curve, one value per frame, like the onsets
    private float[] prevLog;      // previous frame's log magnitude, preallocated in the first call
    private float[] onset = new float[4096]; // grows by doubling: O(duration / hop) floats
    private float[] firstLog;     // the first frame's log magnitude, and the last whole frame's: the loop seam (loopTempo)
    private float[] lastWholeLog;
    private long samples;         // the stream's length in samples
    private int frames;
    private int rate;
    private int hop;
    private int size;
    private TempoEstimate result;
    /** The stability statistics of the last {@link #finish()} for the bench's replay harness: periodicity, agreement, beats with onsets, bpm tested, beat periodicity, beat agreement, salience, chord change. */
    double[] stats = new double[0];
    /** The loop test's statistics of the last {@link #finish()}, for the bench: beats sounding, beats, salience, off-grid share, onset peaks, seconds. */
    double[] loopStats = new double[0];
    /** What {@link #finish()} gave before the loop test, for the bench's before / after. */
    TempoEstimate withoutLoops;

    public TempoEstimator() {
        this(PRIOR_CENTRE_BPM, OFFBEAT_RATIO, OFFBEAT_RATIO_WITHOUT_CHORDS, CHANGE_WEIGHT);
    }

    /** For tuning on a labelled corpus; the public constructor uses the documented defaults. */
    TempoEstimator(double priorCentreBpm, double offbeatRatio, double offbeatRatioWithoutChords, double changeWeight) {
        this.priorCentreBpm = priorCentreBpm;
        this.offbeatRatio = offbeatRatio;
        this.offbeatRatioWithoutChords = offbeatRatioWithoutChords;
        this.changeWeight = changeWeight;
    }

    @Override
    public void process(Frame frame) {
        float[] mag = frame.magnitude;
        if (prevLog == null) {
            prevLog = new float[mag.length];
            rate = frame.sampleRate;
            hop = frame.hop;
            size = frame.size;
            double binHz = rate / (double) size;
            chromaLo = Math.max(1, (int) Math.ceil(CHROMA_MIN_HZ / binHz));
            chromaHi = Math.min(mag.length - 1, (int) Math.floor(CHROMA_MAX_HZ / binHz));
            binPc = new int[chromaHi + 1];
            for (int k = chromaLo; k <= chromaHi; k++) {
                binPc[k] = Math.floorMod((int) Math.rint(12 * Math.log(k * binHz / 440.0) / Math.log(2)) + 9, 12);
            }
            chromaRing = new float[(2 * CHANGE_HALF + 1) * 12];
        }
        if (frame.validSamples() < frame.size && frames > 0 && lastWholeLog == null) {
            lastWholeLog = prevLog.clone(); // the last frame is partial: its window runs past the end
        }
        samples = frame.startSample() + frame.validSamples();
        // Branch-free: whether a bin rose is a coin toss per bin, and a mispredicted branch costs
        // more than the addition it skips.
        double flux = 0;
        float[] prev = prevLog;
        for (int k = 1; k < mag.length; k++) {
            float l = ln1p(mag[k]);
            flux += Math.max(0f, l - prev[k]);
            prev[k] = l;
        }
        if (frames == onset.length) {
            onset = java.util.Arrays.copyOf(onset, onset.length * 2);
            change = java.util.Arrays.copyOf(change, change.length * 2);
        }
        harmonicChange(mag);
        if (frames == 0) {
            firstLog = prev.clone();
        }
        onset[frames++] = frames == 1 ? 0f : (float) flux;
    }

    /**
     * Updates the harmonic-change curve with this frame (before {@code frames} is counted): the frame's
     * chroma (magnitudes summed per pitch class, normalised) enters a ring of the last 2W + 1 frames; the
     * change at frame n - W is 1 - cosine between the summed chromas of the W frames before it and the W
     * frames from it on. Peaks where the chord changes; flat through a held or repeated chord and through
     * drums, whose spectra have no pitch class.
     */
    private void harmonicChange(float[] mag) {
        int w = CHANGE_HALF;
        int slots = 2 * w + 1;
        int cur = (frames % slots) * 12;
        double total = 0;
        for (int i = 0; i < 12; i++) {
            chromaRing[cur + i] = 0;
        }
        for (int k = chromaLo; k <= chromaHi; k++) {
            chromaRing[cur + binPc[k]] += mag[k];
        }
        for (int i = 0; i < 12; i++) {
            total += chromaRing[cur + i];
        }
        float norm = total > 0 ? (float) (1 / total) : 0f;
        for (int i = 0; i < 12; i++) {
            chromaRing[cur + i] *= norm;
        }
        // after = frames (n - W, n], before = frames (n - 2W, n - W]
        int mid = frames - w;           // enters 'before', leaves 'after'
        int old = frames - 2 * w;       // leaves 'before'
        for (int i = 0; i < 12; i++) {
            after[i] += chromaRing[cur + i];
            if (mid >= 0) {
                float v = chromaRing[(mid % slots) * 12 + i];
                after[i] -= v;
                before[i] += v;
            }
            if (old >= 0) {
                before[i] -= chromaRing[(old % slots) * 12 + i];
            }
        }
        if (old >= 0) {
            double dot = 0;
            double nb = 0;
            double na = 0;
            for (int i = 0; i < 12; i++) {
                dot += before[i] * after[i];
                nb += before[i] * before[i];
                na += after[i] * after[i];
            }
            change[mid + 1] = nb > 0 && na > 0 ? (float) (1 - dot / Math.sqrt(nb * na)) : 0f;
        }
    }

    private static final int LOG_BITS = 10;
    /** ln(m) at m = 1 + i / 2^LOG_BITS, and the step to the next entry, for {@link #ln1p}. */
    private static final float[] LOG_TABLE = new float[(1 << LOG_BITS) + 1];
    private static final float[] LOG_SLOPE = new float[1 << LOG_BITS];

    static {
        for (int i = 0; i <= 1 << LOG_BITS; i++) {
            LOG_TABLE[i] = (float) Math.log(1 + i / (double) (1 << LOG_BITS));
        }
        for (int i = 0; i < 1 << LOG_BITS; i++) {
            LOG_SLOPE[i] = (LOG_TABLE[i + 1] - LOG_TABLE[i]) / (1 << (23 - LOG_BITS));
        }
    }

    /**
     * ln(1 + x) for x >= 0 to within 3e-5 (2.2e-7 measured over 1e-6..1e4): the float's exponent plus ln of its
     * mantissa, interpolated linearly in a table of 1025 entries indexed by the mantissa's top 10
     * bits. The flux needs 1025 of these per frame; Math.log1p was a third of the stage's time, and a
     * series with a division per bin still half of it.
     */
    static float ln1p(float x) {
        int bits = Float.floatToRawIntBits(1f + x);
        int e = (bits >> 23) - 127; // 1 + x > 0: the sign bit is clear
        int i = (bits >> (23 - LOG_BITS)) & ((1 << LOG_BITS) - 1);
        int r = bits & ((1 << (23 - LOG_BITS)) - 1);
        return e * 0.6931472f + LOG_TABLE[i] + LOG_SLOPE[i] * r;
    }

    @Override
    public void finish() {
        result = estimate();
        withoutLoops = result;
        TempoEstimate loop = loopTempo();
        if (loop != null && (!result.stable() || Math.abs(loop.bpm() / result.bpm() - 1) <= LOOP_SNAP)) {
            result = loop; // a loop's length gives its tempo exactly; a stable reading that agrees takes it
        }
    }

    /** The estimate; never null after {@link #finish()}. */
    public TempoEstimate result() {
        return result;
    }

    private TempoEstimate estimate() {
        double fps = rate == 0 ? 0 : rate / (double) hop;
        if (frames < MIN_SECONDS * fps || fps == 0) {
            return unstable(0);
        }
        double[] o = detrend(onset, frames, (int) Math.round(0.25 * fps));
        int minLag = (int) Math.floor(fps * 60 / MAX_BPM);
        int maxLag = (int) Math.ceil(fps * 60 / MIN_BPM);
        double[] acf = autocorrelation(o, 0, frames, 4 * maxLag + 2);
        if (acf[0] <= 0) {
            return unstable(0);
        }
        double[] enh = new double[maxLag + 1];
        for (int l = minLag; l <= maxLag; l++) {
            enh[l] = acf[l] + acf[2 * l] + 0.5 * acf[4 * l];
        }
        // Score every period on a fine grid (0.1 frame) by enhanced autocorrelation x pulse-train fit x prior.
        double bestScore = -1;
        double bestPeriod = 0;
        double oMean = mean(o, frames);
        int maxBeatLag = (int) Math.ceil(fps * 60 / MIN_BEAT_BPM); // candidates stop at MIN_BEAT_BPM, the autocorrelation at MIN_BPM
        for (double p = minLag; p <= maxBeatLag; p += 0.1) {
            double e = interp(enh, p);
            if (e <= 0) {
                continue;
            }
            double bpm = 60 * fps / p;
            double score = e * pulseFit(o, frames, p, oMean) * prior(bpm, priorCentreBpm);
            if (score > bestScore) {
                bestScore = score;
                bestPeriod = p;
            }
        }
        if (bestPeriod == 0) {
            return unstable(0);
        }
        // Metrical-level check: when the off-beats of the winner (its halves, else its thirds) are
        // nearly as strong as its beats, the faster level is the beat (accents every two, three or
        // four beats pull the winner to a slower level).
        double chords = mean(detrendedChange(fps), frames);
        double ratio = chords >= MIN_CHANGE ? offbeatRatio : offbeatRatioWithoutChords;
        double phase0 = bestPhase(o, frames, bestPeriod);
        double on = combMean(o, frames, phase0, bestPeriod);
        for (int div = 2; div <= 3 && on > 0; div++) {
            double sub = bestPeriod / div;
            if (60 * fps / sub > MAX_TACTUS_BPM) {
                continue;
            }
            double weakest = Double.MAX_VALUE;
            for (int j = 1; j < div; j++) {
                weakest = Math.min(weakest, combMean(o, frames, phase0 + j * sub, bestPeriod));
            }
            if (weakest >= ratio * on) {
                bestPeriod = sub;
                break;
            }
        }
        bestPeriod = refine(o, bestPeriod);
        double phase = bestPhase(o, frames, bestPeriod);
        int beatsWithOnsets = beatsWithOnsets(o, bestPeriod, phase);
        // Two views of one pulse: the grid (beat, half bar or bar) periodic over the file and in most
        // windows; or the period itself periodic, the windows' own strongest periods a simple ratio of it.
        double periodicity = levelPeriodicity(acf, bestPeriod);
        double agreement = windowAgreement(o, bestPeriod);
        double beatPeriodicity = interp(acf, bestPeriod) / acf[0];
        double beatAgreement = beatAgreement(o, bestPeriod, minLag, maxLag);
        double confidence = Math.max(Math.max(0, Math.min(1, periodicity / FULL_CONFIDENCE_PERIODICITY)) * agreement,
                Math.max(0, Math.min(1, beatPeriodicity / 0.4)) * beatAgreement);
        double minBeatPeriodicity = frames < 2 * WINDOW_FRAMES ? MIN_BEAT_PERIODICITY_SHORT : MIN_BEAT_PERIODICITY;
        boolean grid = periodicity >= MIN_PERIODICITY && agreement >= MIN_AGREEMENT;
        boolean single = beatPeriodicity >= minBeatPeriodicity && beatAgreement >= MIN_AGREEMENT;
        // Without chord changes the pulse must be heard in the onsets: a steady tone or noise through a codec
        // that modulates its high bands periodically (wmav2) is periodic too, but not salient.
        double salience = salience(o, bestPeriod, phase);
        boolean heard = chords >= MIN_CHANGE || salience >= MIN_SALIENCE;
        boolean stable = (grid || single) && beatsWithOnsets >= 8 && heard;
        stats = new double[] {periodicity, agreement, beatsWithOnsets, 60 * fps / bestPeriod, beatPeriodicity, beatAgreement, salience, chords};
        if (!stable) {
            return unstable(confidence);
        }
        // stability is judged on the onsets' period; the harmonic rhythm may then move it by an octave,
        // in the one direction the onsets leave open (subdivided: not slower; not subdivided: not faster)
        double level = harmonicRhythm(o, bestPeriod, fps, subdivided(o, bestPeriod, phase), inThrees(o, bestPeriod, phase));
        if (level != bestPeriod) {
            bestPeriod = refine(o, level);
            phase = bestPhase(o, frames, bestPeriod);
        }
        double bpm = 60 * fps / bestPeriod;
        // Log-compressed flux jumps as soon as an onset enters the window, late in frame n: calibrated on click tracks.
        double offset = (phase * hop + ONSET_LATENCY_SAMPLES) / rate;
        double beat = 60 / bpm;
        offset = offset - beat * Math.floor(offset / beat);
        return new TempoEstimate(bpm, confidence, offset, true);
    }

    /**
     * The metrical level by harmonic rhythm (after Goto and Muraoka, who used chord changes to choose
     * between the beat, half-note and bar levels): chords change on bar lines, a bar has four beats, and
     * they seldom change half-way through it. The harmonic-change curve, detrended like the onsets, is
     * autocorrelated at 2 and 4 beats of each candidate beat q in p / 2, p, 2 p, 2 p / 3 (within
     * {@link #MIN_BEAT_BPM}..{@link #MAX_TACTUS_BPM}) the contrast is its bar's autocorrelation (4 q) less its
     * half bar's (2 q, when positive). The candidate with the best log tempo prior + {@code changeWeight}
     * x contrast + the onsets' {@link #metricalFit} of q (not for 2 p / 3; left out when {@code o} is null:
     * the chords alone) wins, p holding a bonus of {@link #STAY_BONUS} (the onsets chose it). Without chord
     * changes (drums alone, a drone, one chord) every contrast is about 0 and p stays. The onsets leave
     * one of the two moves open: p / 2 only if {@code subdivided} (else half of its beats would be
     * silent), 2 p only if not (a subdivided p is not the fastest pulse, so not half a beat); 2 p / 3
     * only if {@code inThrees}.
     */
    double harmonicRhythm(double[] o, double p, double fps, boolean subdivided, boolean inThrees) {
        if (changeWeight <= 0) {
            return p;
        }
        double[] h = detrendedChange(fps);
        double mean = mean(h, frames);
        if (mean < MIN_CHANGE) {
            return p; // no chord changes to speak of: clicks, drums, a drone
        }
        double a0 = 0;
        for (int i = 0; i < frames; i++) {
            a0 += (h[i] - mean) * (h[i] - mean);
        }
        if (a0 <= 0) {
            return p;
        }
        // q = p / 2 (if subdivided), p, 2 p (if not), and 2 p / 3 (if p runs in threes): two of its tatums
        double[] candidates = {p / 2, p, 2 * p, 2 * p / 3};
        boolean[] open = {subdivided, true, !subdivided, inThrees};
        double best = Double.NEGATIVE_INFINITY;
        double bestQ = p;
        for (int m = 0; m < candidates.length; m++) {
            double q = candidates[m];
            double bpm = 60 * fps / q;
            if (!open[m] || bpm < MIN_BEAT_BPM || bpm > MAX_TACTUS_BPM) {
                continue;
            }
            double halfBar = changeAutocorrelation(h, mean, a0, 2 * q);
            double bar = changeAutocorrelation(h, mean, a0, 4 * q);
            double contrast = Double.isNaN(halfBar) || Double.isNaN(bar) ? 0 : bar - Math.max(0, halfBar);
            double score = Math.log(prior(bpm, priorCentreBpm)) + changeWeight * contrast + (m == 1 ? STAY_BONUS : 0)
                    + (m < 3 && o != null ? metricalFit(o, q) : 0);
            if (score > best) {
                best = score;
                bestQ = q;
            }
        }
        return bestQ;
    }

    /**
     * The onsets' evidence against q as the beat, a log-score for {@link #harmonicRhythm}: a beat is
     * subdivided at most once, so the onsets between its halves are silent; if either of its quarter points
     * (phase + q / 4, + 3 q / 4, on the grid of q at its own best phase) carries at least
     * {@link #SUBDIVISION_RATIO} of the strength of its beats, q spans four tatums or more (the half note
     * of a piece in eighth notes) and loses {@link #SUBDIVIDED_HALVES_PENALTY}. 0 otherwise: silence between
     * a level's beats, or at its quarter points, says nothing either way (it may be the beat or the tatum).
     * Limit: music whose fastest pulse is the sixteenth note (pop hi-hats) has its beat penalised (on
     * synthetic 16th-note hi-hat patterns the answer did not change: docs/analysis.md, step 6).
     */
    static double metricalFit(double[] o, double q) {
        int n = o.length;
        double phase = bestPhase(o, n, q);
        double on = combMean(o, n, phase, q);
        if (on <= 0) {
            return 0;
        }
        double quarter = Math.max(combMean(o, n, phase + q / 4, q), combMean(o, n, phase + 3 * q / 4, q));
        return quarter >= SUBDIVISION_RATIO * on ? -SUBDIVIDED_HALVES_PENALTY : 0;
    }

    /** The harmonic-change curve minus its 1 s moving average, rectified. */
    private double[] detrendedChange(double fps) {
        return detrend(change, frames, (int) Math.round(0.5 * fps));
    }

    /**
     * How loud the pulse is among the onsets: the mean detrended onset strength on the beats of period p at
     * {@code phase} over the mean raw onset strength (spectral flux). Drum loops 1.16-7.4, codec modulation of a
     * steady tone in noise 0.06-0.66 ({@link #MIN_SALIENCE}).
     */
    private double salience(double[] o, double p, double phase) {
        double flux = 0;
        for (int i = 0; i < frames; i++) {
            flux += onset[i];
        }
        flux /= frames;
        return flux > 0 ? combMean(o, frames, phase, p) / flux : 0;
    }

    /** The normalised autocorrelation of the harmonic-change curve at {@code lag}, the best within +-2 frames; NaN beyond the file. */
    private double changeAutocorrelation(double[] h, double mean, double a0, double lag) {
        double a = Double.NaN;
        for (int l = (int) Math.floor(lag) - 2; l <= (int) Math.ceil(lag) + 2 && l + 1 < frames; l++) {
            double v = autocorrelationAt(h, 0, frames, mean, l) / a0;
            a = Double.isNaN(a) ? v : Math.max(a, v);
        }
        return a;
    }

    /**
     * Whether p runs in threes: both its thirds carry at least the off-beat ratio of the strength of its
     * beats, like the thirds test of the metrical-level check. When that test could not take the triple
     * tempo (above {@link #MAX_TACTUS_BPM}), p spans three even tatums: a compound beat (p) or a pattern
     * of three notes over a simple one whose beat is two tatums (2 p / 3), for the harmonic rhythm to decide.
     */
    boolean inThrees(double[] o, double p, double phase) {
        int n = o.length;
        double on = combMean(o, n, phase, p);
        return on > 0 && Math.min(combMean(o, n, phase + p / 3, p), combMean(o, n, phase + 2 * p / 3, p)) >= offbeatRatio * on;
    }

    /**
     * Whether the onsets subdivide the beat of period p: its midpoints carry at least
     * {@link #SUBDIVISION_RATIO} of the strength of its beats. A subdivided level is not the fastest
     * pulse of the piece (the tatum), so it is not half of the beat; a level with empty midpoints
     * cannot be half a beat either, for then every other beat of the faster level would be silent.
     */
    static boolean subdivided(double[] o, double p, double phase) {
        int n = o.length;
        double on = combMean(o, n, phase, p);
        return on > 0 && combMean(o, n, phase + p / 2, p) >= SUBDIVISION_RATIO * on;
    }

    /** A stable tempo within this of a loop's takes the loop's exact one (Sonic Pi's loop_mika: 119.8 → 120.0). */
    static final double LOOP_SNAP = 0.02;
    /** Loops this long or shorter are tested for a whole number of beats ({@link #loopTempo}). */
    static final double LOOP_MAX_SECONDS = 16;
    static final double LOOP_MIN_SECONDS = 0.5;
    /**
     * Beats per loop tried: powers of two (bars of 4/4). Three times them (bars of 3/4) gave wrong tempos to
     * excerpts that were not loops on the bench, and no loop of its set needed them: left out.
     */
    static final int[] LOOP_BEATS = {2, 4, 8, 16, 32, 64};
    /** A loop's grid must fit its onsets at least as well as every grid up to this much faster or slower (from 1.5 %). */
    static final double LOOP_STRETCH = 0.1;
    /** How much better a stretched grid may fit (onset strengths are read within a frame, so near grids tie). */
    static final double LOOP_STRETCH_FIT = 0.85;
    /** Beats of a loop that must carry onsets: this many, and half of them. One-shots with an echo or a bounce sound on two. */
    static final int LOOP_MIN_SOUNDING = 3;
    /** A loop's beats stand out: their onsets at least this many times the file's mean onset strength. */
    static final double LOOP_MIN_SALIENCE = 2.0;
    /** And what sounds between the eighth notes is at most this share of the beats' strength (speech, rubato and a phrase not cut on the beat fail). */
    static final double LOOP_MAX_OFF_GRID = 0.35;

    /**
     * The tempo of a short loop: a file of a whole number of beats, cut on a beat, as sample packs sell them
     * (a bar of a drum break, two bars of a bass line), where the autocorrelation above has too few
     * periods to go on (under {@code 5 s}, or failing its stability tests), for files of
     * {@link #LOOP_MIN_SECONDS}..{@link #LOOP_MAX_SECONDS}. When {@link #estimate} found a stable tempo, the loop's
     * replaces it only if they agree within {@link #LOOP_SNAP}.
     *
     * <p>For each whole number of beats b ({@link #LOOP_BEATS}) whose tempo 60 b / duration lies in
     * {@link #MIN_BEAT_BPM}..{@link #MAX_TACTUS_BPM}, the grid of b beats from the file's start is read off the
     * onset strength (the first beat from the seam: the first frame's spectrum against the last whole
     * frame's, as when the loop plays again). The best by mean strength on the grid times the tempo prior
     * wins; then the faster level if its off-beats are as strong as for {@link #estimate}'s metrical check.
     * The loop is accepted when no grid 1.5-10 % faster or slower fits the onsets clearly better (the length is whole
     * beats, {@link #LOOP_STRETCH}), at least half its beats (and {@link #LOOP_MIN_SOUNDING}) carry onsets, the beats stand out of the
     * onsets ({@link #LOOP_MIN_SALIENCE}), the file has three onset peaks or more, and little sounds
     * away from the eighth-note grid ({@link #LOOP_MAX_OFF_GRID}). The tempo is then exact: 60 b / duration.
     * A single hit, a drone, speech, and a phrase that was not cut to whole beats fail and keep
     * {@code bpm = null}.
     *
     * @return the loop's tempo, or null if the file is not a loop with a beat
     */
    private TempoEstimate loopTempo() {
        if (rate == 0 || firstLog == null || frames < 8) {
            return null;
        }
        double seconds = samples > 0 ? samples / (double) rate : frames * hop / (double) rate;
        if (seconds < LOOP_MIN_SECONDS || seconds > LOOP_MAX_SECONDS) {
            return null;
        }
        float[] last = lastWholeLog != null ? lastWholeLog : prevLog;
        double seam = 0;
        for (int k = 1; k < firstLog.length; k++) {
            seam += Math.max(0f, firstLog[k] - last[k]);
        }
        double mean = 0;
        int peaks = 0;
        for (int i = 1; i < frames; i++) {
            mean += onset[i];
        }
        mean /= frames - 1;
        if (mean <= 0) {
            return null;
        }
        for (int i = 1; i < frames; i++) {
            if (onset[i] > 2 * mean && onset[i] >= onset[i - 1] && (i + 1 == frames || onset[i] > onset[i + 1])) {
                peaks++;
            }
        }
        if (seam > 2 * mean) {
            peaks++;
        }
        if (peaks < 3) {
            return null;
        }
        int best = 0;
        double bestScore = 0;
        for (int b : LOOP_BEATS) {
            double bpm = 60 * b / seconds;
            if (bpm < MIN_BEAT_BPM || bpm > MAX_TACTUS_BPM) {
                continue;
            }
            double score = loopGrid(b, 0, seconds, seam) / mean * prior(bpm, priorCentreBpm);
            if (score > bestScore) {
                bestScore = score;
                best = b;
            }
        }
        if (best == 0) {
            return null;
        }
        double on = loopGrid(best, 0, seconds, seam);
        if (on > 0 && 60 * best * 2 / seconds <= MAX_TACTUS_BPM && loopGrid(best, 0.5, seconds, seam) >= offbeatRatio * on) {
            best *= 2;
            on = loopGrid(best, 0, seconds, seam);
        }
        int sounding = 0;
        for (int k = 0; k < best; k++) {
            if (loopStrength(k * seconds / best, seam) > 2 * mean) {
                sounding++;
            }
        }
        double offGrid = loopOffGrid(2 * best, seconds);
        // the length is whole beats: a grid a little faster or slower than length / beats fits the onsets less well
        double stretched = 0;
        for (double f = 1 - LOOP_STRETCH; f <= 1 + LOOP_STRETCH + 1e-9; f += 0.0025) {
            if (Math.abs(f - 1) >= 0.015) {
                stretched = Math.max(stretched, loopGrid(best, 0, seconds * f, seam));
            }
        }
        boolean loop = on >= LOOP_STRETCH_FIT * stretched && sounding >= Math.max(LOOP_MIN_SOUNDING, (best + 1) / 2) && on >= LOOP_MIN_SALIENCE * mean && offGrid <= LOOP_MAX_OFF_GRID * on;
        loopStats = new double[] {sounding, best, on / mean, offGrid / Math.max(on, 1e-9), peaks, seconds};
        if (!loop) {
            return null;
        }
        double confidence = Math.min(1, sounding / (double) best) * Math.min(1, on / mean / (2 * LOOP_MIN_SALIENCE));
        return new TempoEstimate(60 * best / seconds, confidence, 0.0, true);
    }

    /** Mean onset strength on the grid of b beats over the loop, shifted by {@code shift} of a beat. */
    private double loopGrid(int b, double shift, double seconds, double seam) {
        double s = 0;
        for (int k = 0; k < b; k++) {
            s += loopStrength((k + shift) * seconds / b, seam);
        }
        return s / b;
    }

    /** The onset strength at time t of the loop: the strongest within a frame of where an onset at t shows; t = 0 is the seam. */
    private double loopStrength(double t, double seam) {
        if (t <= 0) {
            return seam;
        }
        int i = (int) Math.rint((t * rate - ONSET_LATENCY_SAMPLES) / hop);
        double v = 0;
        for (int j = Math.max(1, i - 1); j <= Math.min(frames - 1, i + 1); j++) {
            v = Math.max(v, onset[j]);
        }
        return v;
    }

    /** Mean onset strength of the frames more than 1.5 frames from every point of the grid of {@code points} over the loop. */
    private double loopOffGrid(int points, double seconds) {
        double step = seconds * rate / hop / points;
        double latency = ONSET_LATENCY_SAMPLES / (double) hop;
        double s = 0;
        int c = 0;
        for (int i = 1; i < frames; i++) {
            double x = (i + latency) / step;
            if (Math.abs(x - Math.rint(x)) * step > 1.5) {
                s += onset[i];
                c++;
            }
        }
        return c == 0 ? 0 : s / c;
    }

    private static TempoEstimate unstable(double confidence) {
        return new TempoEstimate(null, confidence, null, false);
    }

    static double prior(double bpm, double centre) {
        double z = Math.log(bpm / centre) / Math.log(2) / PRIOR_OCTAVES;
        return Math.exp(-0.5 * z * z);
    }

    /** Onset strength minus its centred moving average, rectified. */
    private static double[] detrend(float[] x, int n, int half) {
        double[] out = new double[n];
        double sum = 0;
        int lo = 0;
        int hi = -1;
        for (int i = 0; i < n; i++) {
            while (hi < Math.min(n - 1, i + half)) {
                sum += x[++hi];
            }
            while (lo < i - half) {
                sum -= x[lo++];
            }
            double mean = sum / (hi - lo + 1);
            out[i] = Math.max(0, x[i] - mean);
        }
        return out;
    }

    private static double[] autocorrelation(double[] o, int from, int to, int lags) {
        double mean = 0;
        for (int i = from; i < to; i++) {
            mean += o[i];
        }
        mean /= Math.max(1, to - from);
        double[] a = new double[lags];
        int n = to - from;
        for (int l = 0; l < lags && l < n; l++) {
            a[l] = autocorrelationAt(o, from, to, mean, l);
        }
        return a;
    }

    /** The unbiased autocorrelation of {@code o[from, to)} around {@code mean} at lag {@code l}, on the scale of lag 0. */
    private static double autocorrelationAt(double[] o, int from, int to, double mean, int l) {
        double s = 0;
        for (int i = from + l; i < to; i++) {
            s += (o[i] - mean) * (o[i - l] - mean);
        }
        int n = to - from;
        return s / (n - l) * n;
    }

    private static double interp(double[] a, double x) {
        int i = (int) x;
        if (i + 1 >= a.length) {
            return i < a.length ? a[i] : 0;
        }
        double f = x - i;
        return a[i] * (1 - f) + a[i + 1] * f;
    }

    /** Mean onset strength on the best pulse train of period p (beats 1.0, half-beats 0.5, two beats 0.5) over the mean. */
    private static double pulseFit(double[] o, int n, double p, double mean) {
        if (mean <= 0) {
            return 0;
        }
        double best = 0;
        int steps = Math.max(1, (int) Math.ceil(p));
        for (int s = 0; s < steps; s++) {
            double phase = s * p / steps;
            double on = combMean(o, n, phase, p);
            double v = on;
            if (v > best) {
                best = v;
            }
        }
        return best / mean;
    }

    /** Mean of o[0, n), summed in index order. */
    private static double mean(double[] o, int n) {
        double mean = 0;
        for (int i = 0; i < n; i++) {
            mean += o[i];
        }
        return mean / n;
    }

    /** Mean of the maximum of o within +-1 frame of each grid point phase + k*p. */
    private static double combMean(double[] o, int n, double phase, double p) {
        double s = 0;
        int c = 0;
        for (double t = phase; t < n - 1; t += p) {
            int i = (int) Math.rint(t);
            double v = o[i];
            if (i > 0) {
                v = Math.max(v, o[i - 1]);
            }
            if (i + 1 < n) {
                v = Math.max(v, o[i + 1]);
            }
            s += v;
            c++;
        }
        return c == 0 ? 0 : s / c;
    }

    private static double bestPhase(double[] o, int n, double p) {
        double best = -1;
        double bestPhase = 0;
        int steps = Math.max(1, (int) Math.ceil(p * 4));
        for (int s = 0; s < steps; s++) {
            double phase = s * p / steps;
            double sum = 0;
            for (double t = phase; t < n - 1; t += p) {
                sum += interpArray(o, t);
            }
            if (sum > best) {
                best = sum;
                bestPhase = phase;
            }
        }
        return bestPhase;
    }

    private static double interpArray(double[] o, double t) {
        int i = (int) t;
        double f = t - i;
        return i + 1 < o.length ? o[i] * (1 - f) + o[i + 1] * f : o[i];
    }

    /** Sharpens the period by maximising the comb sum over the whole file within +-2%. */
    private double refine(double[] o, double p) {
        double best = -1;
        double bestP = p;
        for (double q = p * 0.98; q <= p * 1.02; q += p * 0.0005) {
            double sum = 0;
            int steps = Math.max(1, (int) Math.ceil(q * 2));
            double m = 0;
            for (int s = 0; s < steps; s++) {
                sum = 0;
                double phase = s * q / steps;
                for (double t = phase; t < frames - 1; t += q) {
                    sum += interpArray(o, t);
                }
                m = Math.max(m, sum);
            }
            if (m > best) {
                best = m;
                bestP = q;
            }
        }
        return bestP;
    }

    private int beatsWithOnsets(double[] o, double p, double phase) {
        double mean = 0;
        for (int i = 0; i < frames; i++) {
            mean += o[i];
        }
        mean /= frames;
        int count = 0;
        for (double t = phase; t < frames - 1; t += p) {
            int i = (int) Math.rint(t);
            double v = Math.max(o[i], Math.max(i > 0 ? o[i - 1] : 0, i + 1 < frames ? o[i + 1] : 0));
            if (v > 2 * mean) {
                count++;
            }
        }
        return count;
    }

    /**
     * Fraction of ~12 s windows (50 % overlap) whose own {@link #levelPeriodicity} at the global period
     * is at least {@link #MIN_PERIODICITY}: the pulse lasts through the file. A file shorter than two
     * windows is one window.
     */
    private double windowAgreement(double[] o, double period) {
        int lags = (int) Math.ceil(4 * period) + 3;
        if (frames < 2 * WINDOW_FRAMES) {
            return localPeriodicity(o, 0, frames, period, lags) >= MIN_PERIODICITY ? 1 : 0;
        }
        int windows = 0;
        int agree = 0;
        for (int start = 0; start + WINDOW_FRAMES <= frames; start += WINDOW_FRAMES / 2) {
            windows++;
            if (localPeriodicity(o, start, start + WINDOW_FRAMES, period, lags) >= MIN_PERIODICITY) {
                agree++;
            }
        }
        return agree / (double) windows;
    }

    /** Fraction of ~12 s windows whose own strongest period is the global one up to a simple ratio (4 %). */
    private double beatAgreement(double[] o, double period, int minLag, int maxLag) {
        if (frames < 2 * WINDOW_FRAMES) {
            return agreesLocally(o, 0, frames, period, minLag, maxLag) ? 1 : 0;
        }
        int windows = 0;
        int agree = 0;
        for (int start = 0; start + WINDOW_FRAMES <= frames; start += WINDOW_FRAMES / 2) {
            windows++;
            if (agreesLocally(o, start, start + WINDOW_FRAMES, period, minLag, maxLag)) {
                agree++;
            }
        }
        return agree / (double) windows;
    }

    private static boolean agreesLocally(double[] o, int from, int to, double period, int minLag, int maxLag) {
        double[] a = autocorrelation(o, from, to, 2 * maxLag + 2);
        if (a[0] <= 0) {
            return false;
        }
        double best = 0;
        int bestLag = 0;
        for (int l = minLag; l <= maxLag; l++) {
            double e = a[l] + a[2 * l];
            if (e > best && a[l] >= a[l - 1] && a[l] >= a[l + 1]) {
                best = e;
                bestLag = l;
            }
        }
        if (bestLag == 0) {
            return false;
        }
        for (double ratio : new double[] {0.25, 1.0 / 3, 0.5, 2.0 / 3, 1, 1.5, 2, 3, 4}) {
            if (Math.abs(bestLag / (period * ratio) - 1) <= 0.04 + 1.0 / bestLag) {
                return true;
            }
        }
        return false;
    }

    private static double localPeriodicity(double[] o, int from, int to, double period, int lags) {
        double[] a = autocorrelation(o, from, to, lags);
        return a[0] > 0 ? levelPeriodicity(a, period) : 0;
    }

    /**
     * The periodicity of a metrical grid of period p: the normalised autocorrelation at p or at 2, 3 or 4
     * p (the levels above it: half bar, bar), the largest, each the best within +-1 frame. A beat read
     * at a fast level (off-beats as strong as beats) or a melody whose figure repeats every bar
     * correlates weakly at the period itself but strongly at its bar; irregular notes at neither.
     */
    static double levelPeriodicity(double[] acf, double p) {
        double best = Double.NEGATIVE_INFINITY;
        for (int k = 1; k <= 4; k++) {
            double v = Double.NEGATIVE_INFINITY;
            for (double d = -1; d <= 1; d += 0.5) {
                v = Math.max(v, interp(acf, k * p + d));
            }
            best = Math.max(best, v);
        }
        return best / acf[0];
    }

    // ---- replay (bench/analysis/tempo-replay.sh): the per-frame curves out, and finish() on given curves

    float[] onsetCurve() {
        return java.util.Arrays.copyOf(onset, frames);
    }

    float[] changeCurve() {
        return java.util.Arrays.copyOf(change, frames);
    }

    /** The onset strength as {@link #finish()} reads it (0.5 s moving average subtracted, rectified), for tests. */
    double[] detrendedOnsets() {
        return detrend(onset, frames, (int) Math.round(0.25 * rate / (double) hop));
    }

    int rate() {
        return rate;
    }

    int hop() {
        return hop;
    }

    /** An estimator in the state {@link #process} would leave after these curves, {@link #finish()}ed. */
    static TempoEstimator replay(float[] onsetCurve, float[] changeCurve, int rate, int hop) {
        return replay(onsetCurve, changeCurve, rate, hop, new TempoEstimator());
    }

    /** {@link #replay(float[], float[], int, int)} into the given fresh estimator (its tuning parameters). */
    static TempoEstimator replay(float[] onsetCurve, float[] changeCurve, int rate, int hop, TempoEstimator t) {
        t.frames = onsetCurve.length;
        t.onset = java.util.Arrays.copyOf(onsetCurve, Math.max(1, onsetCurve.length));
        t.change = java.util.Arrays.copyOf(changeCurve, Math.max(1, changeCurve.length));
        t.rate = rate;
        t.hop = hop;
        t.finish();
        return t;
    }
}
