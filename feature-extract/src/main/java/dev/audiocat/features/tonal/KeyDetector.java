package dev.audiocat.features.tonal;

import dev.audiocat.features.dsp.Frame;
import dev.audiocat.features.dsp.FrameProcessor;

/**
 * Estimates key, mode and concert pitch from the frames of the mono analysis stream, in bounded memory.
 *
 * <p>Per frame: spectral peaks between {@link #MIN_HZ} and {@link #MAX_HZ} (local maxima above -40 dB of
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
 * <p>Cadences anywhere: every {@link #BLOCK_FRAMES} tonal frames (~0.37 s) the block's chroma is
 * matched with each tonic's dominant chord (V, V7) and tonic triads; a tonic triad that follows a
 * dominant of the same key within about a second adds V-I evidence to that key. Each key's share of
 * all the evidence, weighted {@link #CADENCE_WEIGHT}, is added to the profile correlation: a cadence
 * is what tells a minor key (E-G#-B to A minor) from its relative major (G-B-D to C), whose pitch
 * classes are nearly the same, and unlike a final-chord cue it does not care how the piece ends.
 *
 * <p>Chord durations: each block's best-matching major or minor triad (when it matches at all) adds its
 * match to that triad's total; at the end every key is scored by how common those chords are in it
 * ({@link #CHORDS_IN_MAJOR}, {@link #CHORDS_IN_MINOR}: a prior from harmony, the tonic chord first),
 * weighted {@link #CHORD_WEIGHT}. A minor key and its relative major share their pitch classes and most
 * chords, but the tonic chord is the one heard most: A minor's i (the long Am of a loop, or an
 * i-VII-VI-v phrase with no leading tone) is only vi in C major.
 *
 * <p>Natural minor: a minor key scores the better of two profiles, the harmonic-minor {@link #MINOR} (its
 * raised seventh, the leading tone, weighs more than the flat seventh) and {@link #NATURAL_MINOR}, the
 * same with Temperley's two sevenths swapped: aeolian minor (i-VII-VI, natural v) has no leading tone,
 * and scored against the harmonic profile alone it reads as its relative major, whose scale it shares.
 *
 * <p>The closing section: a tonal piece closes in its home key, even when it modulates on the way, ends
 * on V or IV, is cut or fades out. The chord blocks are kept per segment ({@link #SEGMENT_BLOCKS} blocks,
 * ~3 s; at most {@link #MAX_SEGMENTS}, neighbours merged when full, so memory stays bounded); at the end
 * the last {@link #TAIL_FRACTION} of the piece (a section, not its final chord) is scored as a piece of
 * its own and its 24 scores are added to the whole file's with weight {@link #TAIL_WEIGHT}.
 *
 * <p>The bass line: peaks below {@link #BASS_MAX_HZ} (with their harmonic votes) feed a bass-register profile,
 * log-compressed and matched with a prior of which degrees carry the bass ({@link #BASS_MAJOR}, {@link #BASS_MINOR}),
 * weighted {@link #BASS_WEIGHT}: the bass says where the tonal centre is even when a melody or a section
 * leans elsewhere (a minor piece whose melody and chords sit on its relative major's notes still has i in the bass).
 *
 * <p>One more cue is implemented but off by default ({@link #withCues}, for the bench's ablation rows): the
 * last chord (an exponentially decaying profile, time constant {@link #END_SECONDS}, matched with each key's
 * tonic triad). Confidence is how far the best score stands above the runner-up.
 */
public final class KeyDetector implements FrameProcessor {

    static final String[] PITCH_CLASSES = {"C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"};
    static final double MIN_HZ = 55.0;
    static final double MAX_HZ = 4200.0;
    private static final int BINS_PER_OCTAVE = 120;
    private static final int HARMONICS = 4; // process() adds the votes of h = 1..4 written out (octaves joined)
    private static final double HARMONIC_DECAY = 0.6;
    /**
     * Peaks below -40 dB of the frame's largest bin are ignored. It was -60 dB: the peaks in between
     * (about half of all, mostly noise and side lobes) weigh 1 % or less each, and leaving them out
     * changed no key, mode or tuning answer on the bench sets of seeds 20261122, 11, 7 and hard 11
     * (confidences moved by about 0.003) while the per-peak work is most of this detector's time.
     */
    private static final double PEAK_FLOOR = 1e-2;
    private static final double SILENT_FRAME = 1e-4; // frame max magnitude below this: skip
    /** Math.log(2), computed once instead of in process() for every spectral peak (the same value). */
    private static final double LN2 = Math.log(2);

    // Krumhansl-Kessler and Temperley (Kostka-Payne) probe-tone profiles, C = index 0.
    private static final double[] KK_MAJOR = {6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88};
    private static final double[] KK_MINOR = {6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17};
    private static final double[] TP_MAJOR = {0.748, 0.060, 0.488, 0.082, 0.670, 0.460, 0.096, 0.715, 0.104, 0.366, 0.057, 0.400};
    private static final double[] TP_MINOR = {0.712, 0.084, 0.474, 0.618, 0.049, 0.460, 0.105, 0.747, 0.404, 0.067, 0.133, 0.330};
    static final double[] MAJOR = blend(KK_MAJOR, TP_MAJOR);
    static final double[] MINOR = blend(KK_MINOR, TP_MINOR);
    /**
     * Natural (aeolian) minor: Temperley's minor profile with the weights of its flat seventh (0.133) and
     * raised seventh (0.330) swapped, blended with Krumhansl-Kessler's (whose flat seventh already
     * outweighs the raised one). A minor key scores the better of {@link #MINOR} and this.
     */
    static final double[] NATURAL_MINOR = blend(KK_MINOR, swapSevenths(TP_MINOR));
    /** Time constant of the decaying "final chord" profile, in seconds of tonal frames. */
    static final double END_SECONDS = 1.0;
    /**
     * Weight of the final chord's match with each key's tonic triad beside the profile correlation
     * (weight 1), when that cue is on ({@link #withCues}); off by default: it misleads on music that
     * ends on V or IV, is cut or fades out, and the cadence evidence does its job on the tuning sets.
     */
    static final double END_WEIGHT = 0.3;
    /**
     * Weight of the bass-register profile (on by default since session 8; {@link #withCues} can leave it out). Chosen on
     * the fourteen tuning sets pooled (docs/analysis.md, "Bass"): 0.3-0.6 all gain on the hard sets, 0.4 the middle.
     */
    static final double BASS_WEIGHT = 0.4;
    /** Weight of each key's share of the dominant-to-tonic (V-I) evidence found anywhere in the file (on by default). */
    static final double CADENCE_WEIGHT = 1.0;
    /** Weight of the chord-degree fit ({@link #chordFit}) of the blocks' chords (on by default). */
    static final double CHORD_WEIGHT = 2.0;
    /** A block counts as a chord when its best triad's {@link #chordMatch} exceeds this. */
    static final double CHORD_MIN_MATCH = 0.3;
    /** Peaks below this feed the bass profile (with their harmonic votes). */
    static final double BASS_MAX_HZ = 200.0;
    /** Chord blocks for the cadence search: this many tonal frames (16 x 512 / 22050 Hz = 0.37 s). */
    static final int BLOCK_FRAMES = 16;
    /** Per block, the remembered dominant evidence decays by this factor (about one second of memory). */
    static final double DOMINANT_MEMORY = 0.6;
    /** The closing section: this share of the piece's segments, at its end (a section of a five-section piece). */
    static final double TAIL_FRACTION = 0.2;
    /** Weight of the closing section's own scores beside the whole file's (weight 1). */
    static final double TAIL_WEIGHT = 0.3;
    /** Chord blocks per segment (8 x 0.37 s = 3 s), doubled each time the segment store fills up. */
    static final int SEGMENT_BLOCKS = 8;
    /** Segments kept: 256 x 3 s = 12.6 min before the first merge; 60 numbers each (bounded memory). */
    static final int MAX_SEGMENTS = 256;
    /** With fewer segments than this (12 s) there is no closing-section cue. */
    static final int MIN_SEGMENTS = 4;

    /**
     * How often each scale degree carries the bass, tonic = index 0: a prior from harmony (I and V most,
     * then IV and vi / iv and VI, chromatic degrees almost never), set by hand, not fitted to the bench.
     */
    static final double[] BASS_MAJOR = {1.0, 0.02, 0.3, 0.05, 0.3, 0.6, 0.02, 0.75, 0.05, 0.45, 0.1, 0.1};
    static final double[] BASS_MINOR = {1.0, 0.02, 0.2, 0.45, 0.05, 0.55, 0.02, 0.75, 0.55, 0.05, 0.45, 0.1};
    /**
     * How common each triad is in a major key, by its root's degree above the tonic: major triads (index
     * 0-11), then minor triads (12-23). A prior from harmony, set by hand, not fitted to the bench: the
     * diatonic I, IV, V most, ii and vi next, iii less; borrowed bVII, bVI and iv and the secondary
     * dominants rarely; the relative minor's dominant (III major) and chromatic chords almost never.
     */
    static final double[] CHORDS_IN_MAJOR = {
        1.0, 0, 0.1, 0.05, 0.05, 0.7, 0, 0.8, 0.15, 0.05, 0.2, 0,
        0.05, 0, 0.4, 0, 0.2, 0.15, 0, 0, 0, 0.5, 0, 0};
    /**
     * The same in a minor key: i, then V (harmonic minor) and iv, then VI, VII, III and natural v;
     * dorian IV, the Picardy I and the Neapolitan bII rarely; the relative major's tonic-side chords
     * that are not diatonic here (II major, vi on the raised 6th) never.
     */
    static final double[] CHORDS_IN_MINOR = {
        0.05, 0.05, 0, 0.4, 0, 0.15, 0, 0.7, 0.5, 0, 0.45, 0,
        1.0, 0, 0.05, 0, 0, 0.6, 0, 0.35, 0, 0, 0, 0};
    private static final double[] DOMINANT = {0, 0, 1, 0, 0, 0.5, 0, 1, 0, 0, 0, 1}; // V(7) of the key at 0: 7, 11, 2 (+5)

    // Preallocated so process() never allocates: the current frame's profile and the running sum.
    private final double[] frameProfile = new double[BINS_PER_OCTAVE];
    private final double[] profileSum = new double[BINS_PER_OCTAVE];
    private final double[] endProfile = new double[BINS_PER_OCTAVE]; // exponentially decaying: the last seconds
    private final double[] harmonicWeight = new double[HARMONICS + 1];
    private final double[] harmonicShift = new double[HARMONICS + 1]; // 120 log2(h), mod 120
    private double[] posOfBin; // 120 log2(k binHz / 440): bin k's position in 10-cent bins from A440
    private final double[] deviation = new double[100]; // amplitude per cent of deviation from A440's grid, -50..49
    private final double[] bassSum = new double[BINS_PER_OCTAVE];   // peaks below BASS_MAX_HZ
    private final double[] bassFrame = new double[BINS_PER_OCTAVE];
    private final double[] blockProfile = new double[BINS_PER_OCTAVE];
    private final double[] blockBass = new double[BINS_PER_OCTAVE];
    private final double[] blockChroma = new double[12];
    private final double[] dominantMemory = new double[12];   // per tonic: recent evidence of its V chord
    private final double[] cadence = new double[24];          // per key: summed V-then-I evidence
    private final double[] chords = new double[24];           // per triad (majors, then minors): blocks it won
    private final double[] devCos = new double[100];          // tuning histogram phase, precomputed
    private final double[] devSin = new double[100];
    private int blockFrames;
    private final double endSeconds;
    private final double endWeight;
    private final double bassWeight;
    private final double cadenceWeight;
    private final double chordWeight;
    private final double tailWeight;
    private final boolean naturalMinor;
    private double[][] segChroma;   // per segment: 12-bin chroma of its blocks (each folded on the tuning then)
    private double[][] segCadence;  // per segment: V-I evidence per key
    private double[][] segChords;   // per segment: chord durations
    private int segCount;           // index of the open segment = number of full ones
    private int segBlocks;          // blocks in the open segment
    private int blocksPerSegment = SEGMENT_BLOCKS;
    private double endDecay = -1; // per frame, set from the first frame's rate and hop
    private long tonalFrames;
    private KeyEstimate result;

    /**
     * The whole-file profile (harmonic or natural minor), the bass-register profile, the V-I cadence evidence, the
     * chord durations and the closing section: the defaults chosen on the tuning seeds (docs/analysis.md).
     */
    public KeyDetector() {
        this(END_SECONDS, 0, BASS_WEIGHT, CADENCE_WEIGHT, CHORD_WEIGHT, TAIL_WEIGHT, true);
    }

    /**
     * One cue alone or all but one, for the bench's ablation rows: the whole-file profile, plus the
     * final chord, bass profile, cadence evidence and chord durations each when its flag is set
     * (default weights).
     */
    public static KeyDetector withCues(boolean finalChord, boolean bass, boolean cadences, boolean chords) {
        return withCues(finalChord, bass, cadences, chords, true, true);
    }

    /** As above, with the closing-section cue and the natural-minor profile each on or off. */
    public static KeyDetector withCues(boolean finalChord, boolean bass, boolean cadences, boolean chords, boolean closingSection,
            boolean naturalMinor) {
        return new KeyDetector(END_SECONDS, finalChord ? END_WEIGHT : 0, bass ? BASS_WEIGHT : 0, cadences ? CADENCE_WEIGHT : 0,
                chords ? CHORD_WEIGHT : 0, closingSection ? TAIL_WEIGHT : 0, naturalMinor);
    }

    /** For tuning on a labelled corpus; the public constructor uses the documented defaults. */
    KeyDetector(double endSeconds, double endWeight, double bassWeight, double cadenceWeight, double chordWeight, double tailWeight,
            boolean naturalMinor) {
        this.endSeconds = endSeconds;
        this.tailWeight = tailWeight;
        this.naturalMinor = naturalMinor;
        this.chordWeight = chordWeight;
        this.endWeight = endWeight;
        this.bassWeight = bassWeight;
        this.cadenceWeight = cadenceWeight;
        for (int c = 0; c < 100; c++) {
            double phase = 2 * Math.PI * (c - 50 + 0.5) / 100;
            devCos[c] = Math.cos(phase);
            devSin[c] = Math.sin(phase);
        }
        for (int h = 1; h <= HARMONICS; h++) {
            harmonicWeight[h] = Math.pow(HARMONIC_DECAY, h - 1);
            double shift = BINS_PER_OCTAVE * Math.log(h) / Math.log(2);
            harmonicShift[h] = shift - BINS_PER_OCTAVE * Math.floor(shift / BINS_PER_OCTAVE); // mod 120
        }
    }

    /** The profile with its degrees 10 (flat seventh) and 11 (raised seventh) swapped. */
    static double[] swapSevenths(double[] p) {
        double[] q = p.clone();
        q[10] = p[11];
        q[11] = p[10];
        return q;
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
        if (posOfBin == null) {
            posOfBin = new double[mag.length];
            for (int k = 1; k < mag.length; k++) {
                posOfBin[k] = BINS_PER_OCTAVE * Math.log(k * binHz / 440.0) / LN2;
            }
        }
        java.util.Arrays.fill(frameProfile, 0);
        java.util.Arrays.fill(bassFrame, 0);
        double floor = max * PEAK_FLOOR;
        boolean any = false;
        for (int k = lo; k <= hi; k++) {
            float b = mag[k];
            if (b <= floor || b <= mag[k - 1] || b < mag[k + 1]) {
                continue;
            }
            // Parabola through the log magnitudes la, lb, lc of bins k-1, k, k+1, from two logarithms of
            // ratios: la - lc = log(a / c), la - 2 lb + lc = log(a c / b^2); the amplitude b exp(...).
            double a = mag[k - 1] + 1e-12;
            double c = mag[k + 1] + 1e-12;
            double diff = Math.log(a / c);
            double den = Math.log(a * c / ((double) b * b));
            double p = den < 0 ? 0.5 * diff / den : 0;
            double amp = b * Math.exp(-0.25 * diff * p);
            double hz = (k + p) * binHz;
            // 10-cent bins from A440: log2(k + p) = log2(k) + log2(1 + p / k), the latter by its series
            double pos = posOfBin[k] + BINS_PER_OCTAVE * log1pSmall(p / k) / LN2;
            double cents = pos * 10;
            double dev = cents - 100 * Math.rint(cents / 100); // -50..50 around the nearest semitone
            int cent = (int) Math.floor(dev + 50);
            deviation[Math.min(99, Math.max(0, cent))] += amp;
            // Harmonic votes (HARMONICS = 4), each while f / h >= MIN_HZ: f/2 and f/4 are octaves of f, the same
            // pitch class, so their weights join f's in one split; f/3 falls a fifth below.
            double m = pos - BINS_PER_OCTAVE * Math.floor(pos / BINS_PER_OCTAVE); // pos mod 120 in [0, 120]
            double wOct = harmonicWeight[1];
            double wThird = 0;
            if (hz >= 2 * MIN_HZ) {
                wOct += harmonicWeight[2];
                if (hz >= 3 * MIN_HZ) {
                    wThird = amp * harmonicWeight[3];
                    if (hz >= 4 * MIN_HZ) {
                        wOct += harmonicWeight[4];
                    }
                }
            }
            wOct *= amp;
            double m3 = m - harmonicShift[3]; // harmonicShift[3] in [0, 120): one wrap at most
            if (m3 < 0) {
                m3 += BINS_PER_OCTAVE;
            }
            addWrapped(frameProfile, m, wOct);
            if (wThird > 0) {
                addWrapped(frameProfile, m3, wThird);
            }
            if (bassWeight > 0 && hz < BASS_MAX_HZ) {
                addWrapped(bassFrame, m, wOct);
                if (wThird > 0) {
                    addWrapped(bassFrame, m3, wThird);
                }
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
            endProfile[i] = endProfile[i] * endDecay + v;
            blockProfile[i] += v;
            blockBass[i] += bassFrame[i] / fmax;
        }
        if (++blockFrames == BLOCK_FRAMES) {
            flushBlock();
        }
    }

    private void flushBlock() {
        addBlock(blockProfile, blockBass, blockFrames, tuningOffsetCents());
        java.util.Arrays.fill(blockProfile, 0);
        java.util.Arrays.fill(blockBass, 0);
        blockFrames = 0;
    }

    /**
     * Adds one block of {@code frames} tonal frames (their normalised 120-bin profiles summed, and the
     * same for the bass register) to the whole-file sums, to the chord and cadence evidence (when it is
     * at least half a block long) and to the open segment, folded on {@code tuningCents} (the tuning
     * estimated so far). {@link #process} calls it every {@link #BLOCK_FRAMES} tonal frames and
     * {@link #finish} for the rest; the bench's replay harness (bench/analysis/key-replay.sh) calls it
     * with cached blocks.
     */
    void addBlock(double[] profile, double[] bass, int frames, double tuningCents) {
        tonalFrames += frames;
        for (int i = 0; i < BINS_PER_OCTAVE; i++) {
            profileSum[i] += profile[i];
            bassSum[i] += bass[i];
        }
        if (tap != null) {
            tap.block(profile, bass, frames, tuningCents);
        }
        boolean chordBlock = (cadenceWeight > 0 || chordWeight > 0) && frames >= BLOCK_FRAMES / 2;
        if (!chordBlock && tailWeight <= 0) {
            return;
        }
        foldToSemitones(profile, tuningCents / 10, blockChroma);
        if (tailWeight > 0 && segChroma == null) {
            segChroma = new double[MAX_SEGMENTS][12];
            segCadence = new double[MAX_SEGMENTS][24];
            segChords = new double[MAX_SEGMENTS][24];
        }
        if (segChroma != null) {
            for (int i = 0; i < 12; i++) {
                segChroma[segCount][i] += blockChroma[i];
            }
        }
        if (chordBlock) {
            closeBlock();
        }
        if (segChroma != null && ++segBlocks == blocksPerSegment) {
            segBlocks = 0;
            if (++segCount == MAX_SEGMENTS) {
                // full: neighbours merged, every segment now twice as long
                for (int i = 0; i < MAX_SEGMENTS / 2; i++) {
                    mergeInto(segChroma, i);
                    mergeInto(segCadence, i);
                    mergeInto(segChords, i);
                }
                segCount = MAX_SEGMENTS / 2;
                blocksPerSegment *= 2;
            }
        }
    }

    /** {@code a[i] = a[2i] + a[2i + 1]}, both cleared; called for i = 0, 1, ... in increasing order. */
    private static void mergeInto(double[][] a, int i) {
        double[] x = a[2 * i];
        double[] y = a[2 * i + 1];
        double[] out = a[i];
        for (int j = 0; j < x.length; j++) {
            double v = x[j] + y[j];
            x[j] = 0;
            y[j] = 0;
            out[j] = v;
        }
    }

    /** Receives every block {@link #addBlock} sees (the bench's replay harness caches them); null normally. */
    interface BlockTap {
        void block(double[] profile, double[] bass, int frames, double tuningCents);
    }

    BlockTap tap;

    /**
     * Ends a chord block ({@link #blockChroma}, folded on the tuning estimated so far): scores every tonic's V chord and
     * tonic triads, and adds V-then-I evidence: the dominant remembered from the last blocks (decaying)
     * times the current block's match with the tonic triad. A held tonic with no dominant before it
     * adds nothing, and neither does a dominant that never resolves.
     */
    private void closeBlock() {
        for (int t = 0; t < 12; t++) {
            double mem = dominantMemory[t];
            if (mem > 0) {
                double maj = mem * chordMatch(blockChroma, MAJOR_TRIAD, t);
                double min = mem * chordMatch(blockChroma, MINOR_TRIAD, t);
                cadence[t] += maj;
                cadence[t + 12] += min;
                if (segCadence != null) {
                    segCadence[segCount][t] += maj;
                    segCadence[segCount][t + 12] += min;
                }
            }
        }
        for (int t = 0; t < 12; t++) {
            double d = chordMatch(blockChroma, DOMINANT, t);
            dominantMemory[t] = Math.max(dominantMemory[t] * DOMINANT_MEMORY, d);
        }
        countChord();
    }

    /**
     * Counts the block's chord: the best-matching major or minor triad, with its match. The
     * correlation with a 3-of-12 template is (sum of its 3 bins - 3 mean) / sqrt(sxx * 2.25): one mean
     * and variance per block, three additions per triad.
     */
    private void countChord() {
        double mx = 0;
        for (double v : blockChroma) {
            mx += v;
        }
        mx /= 12;
        double sxx = 0;
        for (double v : blockChroma) {
            sxx += (v - mx) * (v - mx);
        }
        int bestChord = -1;
        double bestMatch = CHORD_MIN_MATCH;
        for (int c = 0; sxx > 0 && c < 24; c++) {
            int root = c % 12;
            double corr = (blockChroma[root] + blockChroma[(root + (c < 12 ? 4 : 3)) % 12] + blockChroma[(root + 7) % 12] - 3 * mx)
                    / Math.sqrt(sxx * 2.25);
            double m = corr > 0 ? corr * corr : 0;
            if (m > bestMatch) {
                bestMatch = m;
                bestChord = c;
            }
        }
        if (bestChord >= 0) {
            chords[bestChord] += bestMatch;
            if (segChords != null) {
                segChords[segCount][bestChord] += bestMatch;
            }
        }
    }

    /**
     * How well a block's chroma matches a chord template rooted at {@code root}: the correlation, negative
     * values cut to 0, squared so that a chord sharing two notes with the template (C major against
     * C minor's triad) counts far less than the chord itself.
     */
    private static double chordMatch(double[] chroma, double[] template, int root) {
        double c = Math.max(0, correlation(chroma, template, root));
        return c * c;
    }

    private double tuningOffsetCents() {
        double re = 0;
        double im = 0;
        for (int c = 0; c < 100; c++) {
            re += deviation[c] * devCos[c];
            im += deviation[c] * devSin[c];
        }
        return re == 0 && im == 0 ? 0 : Math.atan2(im, re) / (2 * Math.PI) * 100;
    }

    /** Adds {@code w} to the two profile bins around position {@code m} in [0, 120], linearly split (120 wraps to 0). */
    private static void addWrapped(double[] profile, double m, double w) {
        int i0 = (int) m;
        double frac = m - i0;
        profile[i0 % BINS_PER_OCTAVE] += w * (1 - frac);
        profile[(i0 + 1) % BINS_PER_OCTAVE] += w * frac;
    }

    /**
     * log(1 + x) for |x| <= 0.1 (a peak's offset from its bin over the bin number), as
     * 2 atanh(x / (2 + x)) by its series to u^11: the truncation is below 1e-16 relative there.
     */
    static double log1pSmall(double x) {
        if (Math.abs(x) > 0.1) {
            return Math.log1p(x);
        }
        double u = x / (2 + x);
        double u2 = u * u;
        return 2 * u * (1 + u2 * (1.0 / 3 + u2 * (1.0 / 5 + u2 * (1.0 / 7 + u2 * (1.0 / 9 + u2 * (1.0 / 11))))));
    }

    @Override
    public void finish() {
        if (blockFrames > 0) {
            flushBlock();
        }
        decide(tuningOffsetCents());
    }

    /**
     * The per-track decision on what {@link #addBlock} gathered, folded on {@code offsetCents} ({@link #finish},
     * or the replay harness): the whole file's 24 scores plus, weighted {@link #TAIL_WEIGHT}, the closing
     * section's (the last {@link #TAIL_FRACTION} of the segments, with their chord and cadence evidence).
     */
    void decide(double offsetCents) {
        if (tonalFrames == 0) {
            result = null;
            return;
        }
        double[] chroma = foldToSemitones(profileSum, offsetCents / 10);
        double[] end = foldToSemitones(endProfile, offsetCents / 10);
        double[] bass = foldToSemitones(bassSum, offsetCents / 10);
        Weights w = new Weights(endWeight, bassWeight, cadenceWeight, chordWeight);
        double[] all = scores(new Cues(chroma, end, bass, cadence, chords), w, naturalMinor);
        if (all == null) {
            result = null;
            return;
        }
        int n = segChroma == null ? 0 : segCount + (segBlocks > 0 ? 1 : 0);
        if (tailWeight > 0 && n >= MIN_SEGMENTS) {
            double[] c12 = new double[12];
            double[] cad = new double[24];
            double[] chd = new double[24];
            for (int j = n - Math.max(1, (int) Math.round(TAIL_FRACTION * n)); j < n; j++) {
                for (int i = 0; i < 12; i++) {
                    c12[i] += segChroma[j][i];
                }
                for (int i = 0; i < 24; i++) {
                    cad[i] += segCadence[j][i];
                    chd[i] += segChords[j][i];
                }
            }
            double[] tail = scores(new Cues(c12, end, bass, cad, chd), w, naturalMinor);
            for (int k = 0; tail != null && k < 24; k++) {
                all[k] = (all[k] + tailWeight * tail[k]) / (1 + tailWeight);
            }
        }
        result = bySpread(pick(all, 440.0 * Math.pow(2, offsetCents / 1200)), all, chroma);
    }

    /**
     * Pitch classes holding at least this share of the strongest one's chroma make the spread. Music in a
     * key spreads over its scale: 7 to 12 on all 672 pieces of the pooled tuning sets. A single note spreads
     * over 2 (a sine: the harmonic votes add the fifth below) or 3 (with its partials: the fifth above too), a
     * power chord over 3 or 4, a triad over 5.
     */
    static final double SPREAD_SHARE = 0.1;
    /** From this spread on, the confidence is the scores' alone. */
    static final int FULL_SPREAD = 7;
    /** Up to this spread the confidence is 0: a note. */
    static final int NOTE_SPREAD = 3;
    /** Up to this spread the tonic is the strongest pitch class: a note or a power chord names its root. */
    static final int ROOT_SPREAD = 4;

    /** How many pitch classes hold at least {@link #SPREAD_SHARE} of the strongest one's chroma. */
    static int spread(double[] chroma) {
        double max = 0;
        for (double v : chroma) {
            max = Math.max(max, v);
        }
        int n = 0;
        for (double v : chroma) {
            if (v > 0 && v >= SPREAD_SHARE * max) {
                n++;
            }
        }
        return n;
    }

    /**
     * A key needs a scale: too few pitch classes (a one-shot note, a power chord, one chord) fit several
     * keys alike, and a margin between two keys' scores says nothing. The confidence is scaled by
     * (spread - NOTE_SPREAD) / (FULL_SPREAD - NOTE_SPREAD), from 0 to 1: 0 for one note, 0.5 for a triad;
     * music is untouched. Up to {@link #ROOT_SPREAD} pitch classes the tonic is the strongest one, the root
     * of the note or power chord: a lone A read "D major" at confidence 0.79 before, as its harmonic votes
     * (A, and D a twelfth below) fit D major's tonic and fifth best. Its mode is the third's that sounds
     * ({@link #third}); a note or a power chord has none, and its mode is null (it was the better scoring
     * of the two, so a line-up tone counted as "A major" or "A minor" in search facets by codec).
     */
    static KeyEstimate bySpread(KeyEstimate key, double[] scores, double[] chroma) {
        int n = spread(chroma);
        if (n >= FULL_SPREAD) {
            return key;
        }
        double factor = Math.max(0, (n - NOTE_SPREAD) / (double) (FULL_SPREAD - NOTE_SPREAD));
        if (n > ROOT_SPREAD) {
            return new KeyEstimate(key.tonic(), key.mode(), key.confidence() * factor, key.tuningHz());
        }
        int root = 0;
        for (int i = 1; i < 12; i++) {
            if (chroma[i] > chroma[root]) {
                root = i;
            }
        }
        return new KeyEstimate(PITCH_CLASSES[root], third(chroma, root, scores), key.confidence() * factor, key.tuningHz());
    }

    /**
     * The mode a few pitch classes rooted on {@code root}, the strongest of them, imply: "minor" when the
     * minor third above the root holds at least {@link #SPREAD_SHARE} of the root's chroma and the major
     * third does not, "major" the other way round, the better scoring of the two keys when both do, and null
     * when neither does (a note, a power chord: no third, no mode).
     */
    static String third(double[] chroma, int root, double[] scores) {
        double min = SPREAD_SHARE * chroma[root];
        boolean minorThird = chroma[(root + 3) % 12] > 0 && chroma[(root + 3) % 12] >= min;
        boolean majorThird = chroma[(root + 4) % 12] > 0 && chroma[(root + 4) % 12] >= min;
        if (minorThird != majorThird) {
            return minorThird ? "minor" : "major";
        }
        return !minorThird ? null : scores[root + 12] > scores[root] ? "minor" : "major";
    }

    /** The key, or null when no frame held a tonal peak (silence, or before {@link #finish()}). */
    public KeyEstimate result() {
        return result;
    }

    /** Folds a 120-bin profile into 12 pitch classes (C = 0) centred {@code offsetBins} from the A440 grid. */
    static double[] foldToSemitones(double[] profile, double offsetBins) {
        return foldToSemitones(profile, offsetBins, new double[12]);
    }

    /** As above, into {@code chroma} (overwritten), so the per-block fold allocates nothing. */
    static double[] foldToSemitones(double[] profile, double offsetBins, double[] chroma) {
        int per = BINS_PER_OCTAVE / 12;
        java.util.Arrays.fill(chroma, 0);
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

    /** What {@link #finish()} scores: 12-bin chromas (C = 0) and the 24 keys' cadence evidence (majors, then minors). */
    record Cues(double[] chroma, double[] end, double[] bass, double[] cadence, double[] chords) {
    }

    /** Weights of the cues beside the whole-file profile correlation (weight 1). */
    record Weights(double end, double bass, double cadence, double chords) {
    }

    /**
     * Scores the 24 keys (majors, then minors): correlation of the compressed chroma with each rotated key
     * profile (a minor key: the better of {@link #MINOR} and, when {@code naturalMinor}, {@link #NATURAL_MINOR}),
     * plus {@code w.end()} times the final-chord chroma's (not compressed: its strongest pitch classes are
     * the chord) correlation with the key's tonic triad, {@code w.bass()} times the compressed bass
     * chroma's correlation with the key's bass profile, {@code w.cadence()} times the key's share of all
     * V-I evidence and {@code w.chords()} times the chord durations' fit; divided by the sum of the
     * weights. Null for an empty chroma.
     */
    static double[] scores(Cues cues, Weights w, boolean naturalMinor) {
        double[] x = compress(cues.chroma());
        if (x == null) {
            return null;
        }
        double[] bass = compress(cues.bass());
        double cadenceTotal = 0;
        for (double c : cues.cadence()) {
            cadenceTotal += c;
        }
        double chordTotal = 0;
        for (double c : cues.chords()) {
            chordTotal += c;
        }
        double total = 1 + w.end() + (bass == null ? 0 : w.bass()) + w.cadence() + w.chords();
        double[] scores = new double[24];
        for (int key = 0; key < 24; key++) {
            boolean isMinor = key >= 12;
            int tonic = key % 12;
            double s = correlation(x, isMinor ? MINOR : MAJOR, tonic);
            if (isMinor && naturalMinor) {
                s = Math.max(s, correlation(x, NATURAL_MINOR, tonic));
            }
            if (w.end() > 0) {
                s += w.end() * correlation(cues.end(), isMinor ? MINOR_TRIAD : MAJOR_TRIAD, tonic);
            }
            if (w.bass() > 0 && bass != null) {
                s += w.bass() * correlation(bass, isMinor ? BASS_MINOR : BASS_MAJOR, tonic);
            }
            if (w.cadence() > 0 && cadenceTotal > 0) {
                s += w.cadence() * cues.cadence()[key] / cadenceTotal;
            }
            if (w.chords() > 0 && chordTotal > 0) {
                s += w.chords() * chordFit(cues.chords(), key) / chordTotal;
            }
            scores[key] = s / total;
        }
        return scores;
    }

    /** The best of the 24 scores; confidence is how far it stands above the runner-up. */
    static KeyEstimate pick(double[] scores, double tuningHz) {
        int bestKey = 0;
        for (int key = 1; key < 24; key++) {
            if (scores[key] > scores[bestKey]) {
                bestKey = key;
            }
        }
        double best = scores[bestKey];
        double second = -2;
        for (int key = 0; key < 24; key++) {
            if (key != bestKey && scores[key] > second) {
                second = scores[key];
            }
        }
        double confidence = Math.max(0, Math.min(1, best)) * Math.min(1, (best - second) / 0.15);
        return new KeyEstimate(PITCH_CLASSES[bestKey % 12], bestKey < 12 ? "major" : "minor", confidence, tuningHz);
    }

    /**
     * How well the file's chord durations fit a key: the sum over the 24 triads of their share times how
     * common that chord is in the key ({@link #CHORDS_IN_MAJOR}, {@link #CHORDS_IN_MINOR}).
     */
    static double chordFit(double[] chords, int key) {
        boolean isMinor = key >= 12;
        int tonic = key % 12;
        double[] prior = isMinor ? CHORDS_IN_MINOR : CHORDS_IN_MAJOR;
        double s = 0;
        for (int c = 0; c < 24; c++) {
            int degree = Math.floorMod(c % 12 - tonic, 12);
            s += chords[c] * prior[(c < 12 ? 0 : 12) + degree];
        }
        return s;
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
