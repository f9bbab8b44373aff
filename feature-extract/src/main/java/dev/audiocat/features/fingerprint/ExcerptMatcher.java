package dev.audiocat.features.fingerprint;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Finds references in a query: hash lookup (each query triplet under its own hash and the
 * neighbouring levels its hints mark as uncertain), then per reference a vote over (pitch shift,
 * time scale, offset). A triplet that matches a reference gives a scale estimate (reference span /
 * query span) and a pitch estimate (difference of the anchors' interpolated log-frequencies); the
 * vote tries the {@value #SHIFT_HYPOTHESES} densest windows of pitch shifts (±{@value #SHIFT_TOLERANCE}/8
 * band), and for each the time scales from {@value #MIN_SCALE} to {@value #MAX_SCALE}, counting the
 * matches whose offset {@code t_ref - scale * t_query} falls within ±{@value #OFFSET_TOLERANCE} frames
 * of the mode. The best count is the score; below {@link #minScoreFor} the answer is "no match".
 * A vote that reaches it is then verified against every peak ({@link #verification}): below
 * {@link #DEFAULT_MIN_VERIFICATION} the answer is "no match" too.
 *
 * <p>The same {@link #vote} and {@link #verification} run in the Beam hash join
 * ({@code CheckFingerprints}), so the local command and the pipeline agree.
 */
public final class ExcerptMatcher {

    /**
     * Threshold for queries of up to 6 s (5 s excerpts, also slowed by 5 %), calibrated on the bench's
     * tuning seed (docs/benchmarks.md): no held-out 5 s excerpt reached it (best 13). Chance alignments
     * grow with the query's length (more hashes, more pairs), so longer queries need more: see
     * {@link #minScoreFor(int, double)}.
     */
    public static final int DEFAULT_MIN_SCORE = 15;

    /**
     * The threshold for a query of {@code querySeconds}: {@code base} up to 6 s, then growing with
     * the square root of the length (20 for 10 s, 39 for 40 s, 150 for 10 min). On the tuning seed,
     * held-out 10 s excerpts scored at most 16; the first 20, 40, 80 and 160 s of held-out tracks at
     * most 16, 24, 35 and 46 and whole held-out tracks (9-11 min) up to 70, against unrelated
     * references (some in the same style).
     */
    public static int minScoreFor(int base, double querySeconds) {
        return (int) Math.ceil(base * Math.sqrt(Math.max(1, querySeconds / 6.0)));
    }

    /**
     * Long queries (ingest checks whole assets) are matched in windows of this length, overlapping by
     * half, each with the threshold of its own length: the thresholds were calibrated on 5 and 10 s
     * excerpts, and a whole-asset threshold grows with the asset's length (a 10 s passage inside a
     * 10 min asset could not reach it).
     */
    public static final double WINDOW_SECONDS = 10;
    public static final double WINDOW_HOP_SECONDS = 5;
    /** Queries up to this length are matched whole. */
    public static final double WINDOWED_ABOVE_SECONDS = 20;

    /**
     * The windows a query of {@code frames} frames is matched in, as {start, end} frame pairs: the
     * whole query when it lasts at most {@value #WINDOWED_ABOVE_SECONDS} s, else windows of
     * {@value #WINDOW_SECONDS} s every {@value #WINDOW_HOP_SECONDS} s, the last one reaching the end.
     */
    public static long[][] windows(long frames, double frameSeconds) {
        if (frames * frameSeconds <= WINDOWED_ABOVE_SECONDS) {
            return new long[][] {{0, frames}};
        }
        long w = Math.round(WINDOW_SECONDS / frameSeconds);
        long hop = Math.round(WINDOW_HOP_SECONDS / frameSeconds);
        List<long[]> out = new ArrayList<>();
        for (long start = 0; ; start += hop) {
            out.add(new long[] {start, Math.min(frames, start + w)});
            if (start + w >= frames) {
                break;
            }
        }
        return out.toArray(new long[0][]);
    }

    static final double MIN_SCALE = 0.88;
    static final double MAX_SCALE = 1.14;
    static final double SCALE_STEP = 0.004;
    /** Largest anchor log-frequency difference considered, in 1/FINE band: 2 semitones and a bit. */
    static final int MAX_BAND_SHIFT = 4 * LandmarkExtractor.FINE + 4;
    /** Pitch-shift hypotheses voted on per reference. */
    static final int SHIFT_HYPOTHESES = 3;
    /** Half-width of the pitch-shift window, in 1/FINE band (interpolated peak frequencies scatter). */
    static final int SHIFT_TOLERANCE = 3;
    static final double OFFSET_TOLERANCE = 1.5;
    /** Allowed disagreement, in frames, between a pair's reference span and scale × query span. */
    static final double SPAN_TOLERANCE = 1.2;
    /** Hashes with more postings than this carry no information and are skipped (stop list). */
    public static final int MAX_POSTINGS = 2000;

    /**
     * Verification threshold on {@link #verification}: the chance-corrected fraction of the query's
     * peaks that have a reference peak at the voted time scale, offset and pitch shift. Calibrated on
     * the bench's seeds 20261122 (20 excerpts per length) and 7 (8 per length): true references
     * scored at least 0.43 and 0.28 (band-passed 5 s excerpts are the lowest); held-out excerpts'
     * candidates at most 0.27 and 0.14 at any vote count, and the three held-out votes of seed 7 that
     * passed the score threshold (10 s of legacy track16 against track12) 0.04-0.09.
     */
    public static final double DEFAULT_MIN_VERIFICATION = 0.2;
    /** Tolerance of a peak's alignment: ±1 frame (23 ms) and ±1 band (half a semitone). */
    static final int ALIGN_FRAMES = 1;
    static final int ALIGN_FINE = LandmarkExtractor.FINE;
    /**
     * Reference offsets (frames) away from the vote where the same count measures chance: how often
     * a query peak lands near a reference peak at a wrong alignment (dense references, such as busy
     * drum tracks, have many). Not multiples of each other, so that one repetition period of the
     * music cannot raise most of them; the median is used.
     */
    static final int[] CONTROL_OFFSETS = {-73, -59, -43, -29, 29, 43, 59, 73};

    private final ReferenceIndex index;
    private final int minScore;
    private final double minVerification;

    public ExcerptMatcher(ReferenceIndex index, int minScore, double minVerification) {
        if (minScore < 1) {
            throw new IllegalArgumentException("minimum score must be >= 1, got " + minScore);
        }
        if (!(minVerification >= 0 && minVerification <= 1)) {
            throw new IllegalArgumentException("minimum verification must be in [0, 1], got " + minVerification);
        }
        this.index = index;
        this.minScore = minScore;
        this.minVerification = minVerification;
    }

    public ExcerptMatcher(ReferenceIndex index, int minScore) {
        this(index, minScore, DEFAULT_MIN_VERIFICATION);
    }

    public ExcerptMatcher(ReferenceIndex index) {
        this(index, DEFAULT_MIN_SCORE, DEFAULT_MIN_VERIFICATION);
    }

    /** Matches at or above the threshold for the query's length ({@link #minScoreFor}), best first. */
    public List<ExcerptMatch> match(LandmarkHashes query, int maxResults) {
        List<ExcerptMatch> out = new ArrayList<>();
        long[] queryAnchors = null;
        for (Candidate c : candidates(query)) {
            if (queryAnchors == null) {
                queryAnchors = query.anchors();
            }
            double a = verification(queryAnchors, index.anchors(c.reference()), c.vote());
            if (a >= minVerification) {
                ReferenceIndex.Reference ref = index.reference(c.reference()).orElseThrow();
                out.add(c.vote().toMatch(ref.id(), ref.uri(), a));
            }
        }
        out.sort(Comparator.comparingInt(ExcerptMatch::score).reversed());
        return out.size() > maxResults ? List.copyOf(out.subList(0, maxResults)) : out;
    }

    /**
     * Matches a long query window by window ({@link #windows}): each window with the threshold and
     * verification of its own length and peaks, as {@code CheckFingerprints} does in ingest.
     * {@code queryOffsetSeconds} of each match is its position in the whole query.
     *
     * @return per window (in order), its matches best first; empty lists for windows without one
     */
    public List<List<ExcerptMatch>> matchWindows(LandmarkHashes query, int maxPerWindow) {
        List<List<ExcerptMatch>> out = new ArrayList<>();
        for (long[] w : windows(query.frames(), query.frameSeconds())) {
            out.add(match(query.window(w[0], w[1]), maxPerWindow));
        }
        return out;
    }

    /** A reference whose vote reached the score threshold, before verification. */
    public record Candidate(int reference, Vote vote) {
    }

    /** Lookup and vote: the references whose vote reaches the threshold for the query's length. */
    List<Candidate> candidates(LandmarkHashes query) {
        // pairs per reference number, in arrays (no boxing, no map): a 10 s query looks at ~10^5 postings
        Pairs[] perRef = new Pairs[index.referenceCount()];
        int[] touched = new int[16];
        int nTouched = 0;
        int[] variants = new int[LandmarkExtractor.MAX_VARIANTS];
        long[] payloads = query.payloads();
        for (int i = 0; i < query.size(); i++) {
            int nv = query.queryVariants(i, variants);
            long q = payloads[i];
            // plausible(q, r) with the query side worked out once
            long spans = plausibleSpans(LandmarkHashes.span(q));
            int minSpan = (int) (spans >> 32);
            int maxSpan = (int) spans;
            int bq = LandmarkHashes.band(q);
            for (int v = 0; v < nv; v++) {
                long range = index.range(variants[v]);
                int start = (int) (range >>> 32);
                int count = (int) range;
                if (count == 0 || count > MAX_POSTINGS) {
                    continue;
                }
                for (int k = start; k < start + count; k++) {
                    long e = index.entry(k);
                    long r = ReferenceIndex.payloadOf(e);
                    int sr = LandmarkHashes.span(r);
                    if (sr < minSpan || sr > maxSpan || Math.abs(LandmarkHashes.band(r) - bq) > MAX_BAND_SHIFT) {
                        continue;
                    }
                    int ref = ReferenceIndex.referenceNumber(e);
                    Pairs p = perRef[ref];
                    if (p == null) {
                        p = perRef[ref] = new Pairs();
                        if (nTouched == touched.length) {
                            touched = Arrays.copyOf(touched, nTouched * 2);
                        }
                        touched[nTouched++] = ref;
                    }
                    p.add(q, r);
                }
            }
        }
        List<Candidate> out = new ArrayList<>();
        int threshold = minScoreFor(minScore, query.seconds());
        Arrays.sort(touched, 0, nTouched);
        VoteScratch scratch = new VoteScratch();
        for (int t = 0; t < nTouched; t++) {
            int ref = touched[t];
            Pairs p = perRef[ref];
            if (p.n < threshold) {
                continue;
            }
            vote(p.query, p.ref, p.n, query.frameSeconds(), threshold, scratch).filter(x -> x.score() >= threshold)
                    .ifPresent(v -> out.add(new Candidate(ref, v)));
        }
        return out;
    }

    /** Cheap filter before voting: spans and anchor bands must be within the supported distortions. */
    public static boolean plausible(long queryPayload, long refPayload) {
        int sq = LandmarkHashes.span(queryPayload);
        int sr = LandmarkHashes.span(refPayload);
        // spans are whole frames: allow one frame of rounding on top of the scale range
        if (sr < MIN_SCALE * sq - 1 || sr > MAX_SCALE * sq + 1) {
            return false;
        }
        return Math.abs(LandmarkHashes.band(refPayload) - LandmarkHashes.band(queryPayload)) <= MAX_BAND_SHIFT;
    }

    /**
     * The reference spans {@link #plausible} accepts for query span {@code sq}, as {@code min << 32 | max}
     * (inclusive): for a whole number of frames sr, {@code sr < x} exactly when {@code sr < ceil(x)} and
     * {@code sr > x} exactly when {@code sr > floor(x)}.
     */
    static long plausibleSpans(int sq) {
        int min = (int) Math.ceil(MIN_SCALE * sq - 1);
        int max = (int) Math.floor(MAX_SCALE * sq + 1);
        return ((long) min << 32) | (max & 0xFFFFFFFFL);
    }

    /** The outcome of one (query, reference) vote. */
    public record Vote(int score, double scale, int bandShift, double queryOffsetFrames, double referenceOffsetFrames,
                       double frameSeconds) {
        public ExcerptMatch toMatch(String referenceId, String referenceUri, double aligned) {
            return new ExcerptMatch(referenceId, referenceUri, queryOffsetFrames * frameSeconds,
                    referenceOffsetFrames * frameSeconds, scale,
                    -bandShift * 12.0 / (LandmarkExtractor.BANDS_PER_OCTAVE * LandmarkExtractor.FINE), score, aligned);
        }

        /** The same alignment with the reference position moved by {@code frames} (chance baselines). */
        public Vote movedBy(double frames) {
            return new Vote(score, scale, bandShift, queryOffsetFrames, referenceOffsetFrames + frames, frameSeconds);
        }
    }

    /**
     * Verification of a vote against every peak, not only the peaks whose triplet hashes matched:
     * each query anchor peak is mapped into the reference with the vote's time scale, offset and
     * pitch shift; the answer is the fraction of those that land inside the reference and find a
     * reference anchor peak within ±{@code tolFrames} frames and ±{@code tolFine}/8 band. A true
     * match keeps many of its peaks under the bench's degradations (a peak survives more easily
     * than a whole triplet); a chance alignment with a reference of a similar style has only the
     * peaks that fall near reference peaks by accident.
     *
     * @param queryAnchors sorted distinct query anchors ({@link LandmarkHashes#anchors()})
     * @param refAnchors   sorted distinct reference anchors ({@link ReferenceIndex#anchors(int)})
     * @return the aligned fraction in [0, 1]; 0 when no query peak maps inside the reference
     */
    public static double aligned(long[] queryAnchors, long[] refAnchors, Vote v, int tolFrames, int tolFine) {
        if (refAnchors.length == 0) {
            return 0;
        }
        int refEnd = LandmarkHashes.anchorTime(refAnchors[refAnchors.length - 1]);
        int inside = 0;
        int hit = 0;
        for (long qa : queryAnchors) {
            double t = v.referenceOffsetFrames() + v.scale() * (LandmarkHashes.anchorTime(qa) - v.queryOffsetFrames());
            int tr = (int) Math.round(t);
            if (tr < 0 || tr > refEnd) {
                continue;
            }
            inside++;
            int u = LandmarkHashes.anchorBand(qa) + v.bandShift();
            int lo = Math.max(0, tr - tolFrames);
            int pos = lowerBound(refAnchors, (long) lo << LandmarkHashes.BAND_BITS);
            for (int k = pos; k < refAnchors.length; k++) {
                long ra = refAnchors[k];
                if (LandmarkHashes.anchorTime(ra) > tr + tolFrames) {
                    break;
                }
                if (Math.abs(LandmarkHashes.anchorBand(ra) - u) <= tolFine) {
                    hit++;
                    break;
                }
            }
        }
        return inside == 0 ? 0 : hit / (double) inside;
    }

    /**
     * The verification score of a vote: the fraction {@code a} of query peaks that align with
     * reference peaks at the vote ({@link #aligned}, ±{@value #ALIGN_FRAMES} frame, ±1 band), corrected
     * for chance: {@code (a - c) / (1 - c)} where {@code c} is the median of the same fraction at the
     * {@link #CONTROL_OFFSETS} (the alignment moved by 0.7-1.7 s). 0 means "no more peaks agree than
     * at a wrong alignment", 1 "every peak agrees". Chance alignments with references of a similar
     * style reach high vote counts and a high raw fraction when the reference is dense, but barely
     * more than their own chance level.
     */
    public static double verification(long[] queryAnchors, long[] refAnchors, Vote v) {
        double a = aligned(queryAnchors, refAnchors, v, ALIGN_FRAMES, ALIGN_FINE);
        double[] c = new double[CONTROL_OFFSETS.length];
        for (int i = 0; i < c.length; i++) {
            c[i] = aligned(queryAnchors, refAnchors, v.movedBy(CONTROL_OFFSETS[i]), ALIGN_FRAMES, ALIGN_FINE);
        }
        Arrays.sort(c);
        double chance = (c[c.length / 2 - 1] + c[c.length / 2]) / 2;
        return chance >= 1 ? 0 : (a - chance) / (1 - chance);
    }

    private static int lowerBound(long[] a, long key) {
        int lo = 0;
        int hi = a.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] < key) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /**
     * Votes over the matched (query payload, reference payload) pairs of one reference.
     *
     * @return the best consistent alignment, or empty when fewer than 2 pairs agree
     */
    public static Optional<Vote> vote(long[] query, long[] ref, int n, double frameSeconds) {
        return vote(query, ref, n, frameSeconds, 2);
    }

    /**
     * {@link #vote(long[], long[], int, double)} for callers that only want votes of at least
     * {@code minScore}: pitch hypotheses and time scales that cannot reach it are skipped (most
     * references of a query are chance pairs, and their votes were most of the query's CPU time).
     * The votes that reach {@code minScore} are the same as without the bound.
     *
     * @return the best alignment if its score is at least {@code minScore}, else empty
     */
    public static Optional<Vote> vote(long[] query, long[] ref, int n, double frameSeconds, int minScore) {
        return vote(query, ref, n, frameSeconds, minScore, new VoteScratch());
    }

    /** {@link #vote(long[], long[], int, double, int)} with working arrays reused across calls (one thread). */
    static Optional<Vote> vote(long[] query, long[] ref, int n, double frameSeconds, int minScore, VoteScratch scratch) {
        int floor = Math.max(2, minScore);
        if (n < floor) {
            return Optional.empty();
        }
        // 1. pitch: the densest windows of anchor log-frequency shifts; the best few are tried, since
        //    chance pairs (and transposed repeats inside the reference) can outvote the true shift
        int[] shiftVotes = new int[2 * MAX_BAND_SHIFT + 1];
        for (int i = 0; i < n; i++) {
            int d = LandmarkHashes.band(ref[i]) - LandmarkHashes.band(query[i]);
            if (Math.abs(d) <= MAX_BAND_SHIFT) {
                shiftVotes[d + MAX_BAND_SHIFT]++;
            }
        }
        int[] windows = new int[shiftVotes.length];
        for (int s = 0; s < shiftVotes.length; s++) {
            for (int d = Math.max(0, s - SHIFT_TOLERANCE); d <= Math.min(shiftVotes.length - 1, s + SHIFT_TOLERANCE); d++) {
                windows[s] += shiftVotes[d];
            }
        }
        Vote best = null;
        for (int h = 0; h < SHIFT_HYPOTHESES; h++) {
            int at = -1;
            for (int s = 0; s < windows.length; s++) {
                if (windows[s] >= 0 && (at < 0 || windows[s] > windows[at]
                        || (windows[s] == windows[at] && Math.abs(s - MAX_BAND_SHIFT) < Math.abs(at - MAX_BAND_SHIFT)))) {
                    at = s;
                }
            }
            if (at < 0 || windows[at] < floor || (best != null && windows[at] <= best.score())) {
                break;
            }
            for (int s = Math.max(0, at - 2 * SHIFT_TOLERANCE); s <= Math.min(windows.length - 1, at + 2 * SHIFT_TOLERANCE); s++) {
                windows[s] = -1;
            }
            Vote v = voteAtShift(query, ref, n, frameSeconds, at - MAX_BAND_SHIFT, floor, scratch);
            if (v != null && (best == null || v.score() > best.score())) {
                best = v;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Number of candidate time scales, {@value #MIN_SCALE} to {@value #MAX_SCALE} in steps of {@value #SCALE_STEP}. */
    static final int SCALE_STEPS = (int) Math.round((MAX_SCALE - MIN_SCALE) / SCALE_STEP) + 1;
    /** The candidate time scales, each computed once as {@code MIN_SCALE + step * SCALE_STEP}. */
    private static final double[] SCALES = new double[SCALE_STEPS];

    static {
        for (int step = 0; step < SCALE_STEPS; step++) {
            SCALES[step] = MIN_SCALE + step * SCALE_STEP;
        }
    }

    /**
     * Working arrays of {@link #voteAtShift}, reused across the references (and pitch hypotheses) of
     * one query instead of allocated per call: a query votes on ~10^2 references of ~10^3 pairs.
     */
    static final class VoteScratch {
        long[] keys = new long[0];
        int[] tq = new int[0];
        int[] tr = new int[0];
        int[] sq = new int[0];
        int[] sr = new int[0];
        // per pair, the first and one past the last scale step its span ratio agrees with
        int[] stepFrom = new int[0];
        int[] stepTo = new int[0];
        long[] byOffset = new long[0];
        int[] oq = new int[0];
        int[] or = new int[0];
        int[] od = new int[0];
        int[] oFrom = new int[0];
        int[] oTo = new int[0];
        double[] offsets = new double[0];
        final int[] pairsAtStep = new int[SCALE_STEPS + 1];
        final int[] ratioVotes = new int[SCALE_STEPS];
        final boolean[] tryScale = new boolean[SCALE_STEPS];

        void ensure(int n) {
            if (keys.length < n) {
                int c = Math.max(n, keys.length * 2);
                keys = new long[c];
                tq = new int[c];
                tr = new int[c];
                sq = new int[c];
                sr = new int[c];
                stepFrom = new int[c];
                stepTo = new int[c];
                byOffset = new long[c];
                oq = new int[c];
                or = new int[c];
                od = new int[c];
                oFrom = new int[c];
                oTo = new int[c];
                offsets = new double[c];
            }
        }
    }

    /** True when a pair's reference span agrees with {@code scale ×} its query span (steps 4 and 5 of the vote). */
    static boolean spanAgrees(int sq, int sr, double scale) {
        return Math.abs(sr - scale * sq) <= SPAN_TOLERANCE;
    }

    /**
     * The scale steps at which {@link #spanAgrees} holds for a pair, as {@code from << 32 | to} (steps
     * {@code from} to {@code to - 1}; empty when equal). As the scale grows {@code sr - scale * sq}
     * falls (monotonically, in floating point too), so the steps form one interval; its ends are
     * estimated and then settled with the predicate itself, so the interval holds exactly the steps
     * where the predicate holds.
     */
    static long agreeingSteps(int sq, int sr) {
        int from;
        int to;
        if (sq == 0) {
            boolean all = Math.abs((double) sr) <= SPAN_TOLERANCE;
            from = 0;
            to = all ? SCALE_STEPS : 0;
            return ((long) from << 32) | to;
        }
        // first step with sr - s * sq <= tolerance
        from = clampStep(Math.ceil(((sr - SPAN_TOLERANCE) / sq - MIN_SCALE) / SCALE_STEP));
        while (from > 0 && sr - SCALES[from - 1] * sq <= SPAN_TOLERANCE) {
            from--;
        }
        while (from < SCALE_STEPS && !(sr - SCALES[from] * sq <= SPAN_TOLERANCE)) {
            from++;
        }
        // first step with sr - s * sq < -tolerance
        to = clampStep(Math.floor(((sr + SPAN_TOLERANCE) / sq - MIN_SCALE) / SCALE_STEP) + 1);
        while (to > 0 && !(sr - SCALES[to - 1] * sq >= -SPAN_TOLERANCE)) {
            to--;
        }
        while (to < SCALE_STEPS && sr - SCALES[to] * sq >= -SPAN_TOLERANCE) {
            to++;
        }
        return ((long) from << 32) | Math.max(from, to);
    }

    private static int clampStep(double step) {
        return (int) Math.max(0, Math.min(SCALE_STEPS, step));
    }

    /**
     * Steps 2-5 of the vote, for the pairs whose anchor shift is within the tolerance of {@code bestShift}.
     * Pairs are visited in the order of {@code t_ref - t_query}, which is nearly the order of
     * {@code t_ref - s * t_query} at every scale s, so each scale's offsets are sorted by insertion
     * in close to linear time; the result is the same sorted list, and the vote the same, as sorting
     * each scale's offsets from scratch.
     */
    private static Vote voteAtShift(long[] query, long[] ref, int n, double frameSeconds, int bestShift, int floor, VoteScratch w) {
        w.ensure(n);
        long[] keys = w.keys;
        int m = 0;
        for (int i = 0; i < n; i++) {
            int d = LandmarkHashes.band(ref[i]) - LandmarkHashes.band(query[i]);
            if (Math.abs(d - bestShift) <= SHIFT_TOLERANCE) {
                keys[m++] = ((long) LandmarkHashes.time(query[i]) << 40) | ((long) LandmarkHashes.time(ref[i]) << 16)
                        | ((long) LandmarkHashes.span(query[i]) << 8) | (long) LandmarkHashes.span(ref[i]);
            }
        }
        if (m < floor) {
            return null;
        }
        // 2. one pair per (query anchor, reference anchor): an anchor's several triplets count once
        Arrays.sort(keys, 0, m);
        int[] tq = w.tq;
        int[] tr = w.tr;
        int[] sq = w.sq;
        int[] sr = w.sr;
        int u = 0;
        for (int i = 0; i < m; i++) {
            if (i > 0 && (keys[i] >>> 16) == (keys[i - 1] >>> 16)) {
                continue;
            }
            tq[u] = (int) (keys[i] >>> 40);
            tr[u] = (int) ((keys[i] >>> 16) & 0xFFFFFF);
            sq[u] = (int) ((keys[i] >>> 8) & 0xFF);
            sr[u] = (int) (keys[i] & 0xFF);
            u++;
        }
        m = u;
        if (m < floor) {
            return null;
        }
        // 3. candidate scales: where the pairs' own span ratios pile up (long spans are precise)
        int steps = SCALE_STEPS;
        int[] ratioVotes = w.ratioVotes;
        Arrays.fill(ratioVotes, 0);
        int precise = 0;
        for (int i = 0; i < m; i++) {
            if (sq[i] >= 12) {
                int b = (int) Math.round(((double) sr[i] / sq[i] - MIN_SCALE) / SCALE_STEP);
                if (b >= 0 && b < steps) {
                    ratioVotes[b]++;
                    precise++;
                }
            }
        }
        boolean[] tryScale = w.tryScale;
        if (precise < 8) {
            Arrays.fill(tryScale, true);
        } else {
            Arrays.fill(tryScale, false);
            for (int pick = 0; pick < 3; pick++) {
                int best = 0;
                for (int b = 1; b < steps; b++) {
                    if (ratioVotes[b] > ratioVotes[best]) {
                        best = b;
                    }
                }
                for (int b = Math.max(0, best - 4); b <= Math.min(steps - 1, best + 4); b++) {
                    tryScale[b] = true;
                }
                ratioVotes[best] = -1;
            }
        }
        // the number of pairs that agree with each scale (a vote at that scale counts at most these):
        // a scale is only voted on when enough pairs agree with it
        int[] atStep = w.pairsAtStep;
        Arrays.fill(atStep, 0);
        for (int i = 0; i < m; i++) {
            long a = agreeingSteps(sq[i], sr[i]);
            w.stepFrom[i] = (int) (a >>> 32);
            w.stepTo[i] = (int) a;
            atStep[w.stepFrom[i]]++;
            atStep[w.stepTo[i]]--;
        }
        int most = 0;
        for (int step = 0, k = 0; step < steps; step++) {
            k += atStep[step];
            atStep[step] = k;
            if (tryScale[step]) {
                most = Math.max(most, k);
            }
        }
        if (most < floor) {
            return null;
        }
        // pairs in the order of t_ref - t_query (integers): the bound below, and each scale's offsets
        long[] byOffset = w.byOffset;
        int qFirst = Integer.MAX_VALUE;
        int qLast = Integer.MIN_VALUE;
        for (int i = 0; i < m; i++) {
            byOffset[i] = ((long) (tr[i] - tq[i] + (1 << 24)) << 32) | i;
            qFirst = Math.min(qFirst, tq[i]);
            qLast = Math.max(qLast, tq[i]);
        }
        Arrays.sort(byOffset, 0, m);
        if (floor > 2 && offsetBound(byOffset, m, qLast - qFirst) < floor) {
            return null;
        }
        // the pairs' times, differences and agreeing scale steps in that order (sequential access below)
        int[] oq = w.oq;
        int[] or = w.or;
        int[] od = w.od;
        int[] oFrom = w.oFrom;
        int[] oTo = w.oTo;
        for (int o = 0; o < m; o++) {
            int i = (int) byOffset[o];
            oq[o] = tq[i];
            or[o] = tr[i];
            od[o] = tr[i] - tq[i];
            oFrom[o] = w.stepFrom[i];
            oTo[o] = w.stepTo[i];
        }
        // 4. for each candidate scale, among the pairs whose own span ratio agrees with it, the
        //    densest window of offsets t_ref - scale * t_query
        double[] offsets = w.offsets;
        int bestCount = floor - 1;
        double bestScale = 1;
        double bestOffset = 0;
        for (int step = 0; step < steps; step++) {
            if (!tryScale[step] || atStep[step] <= bestCount) {
                continue;
            }
            double s = SCALES[step];
            // the scale's own offset bound (as offsetBound, with this scale's deviation and only the
            // pairs that agree with it): a scale that cannot beat or tie-and-replace the best is skipped
            double width = 2 * OFFSET_TOLERANCE + Math.abs(s - 1) * (qLast - qFirst) + 1e-6;
            int bound = 0;
            int inWindow = 0;
            for (int o = 0, j = 0; o < m; o++) {
                if (step >= oFrom[o] && step < oTo[o]) {
                    inWindow++;
                    while (od[o] - od[j] > width) {
                        if (step >= oFrom[j] && step < oTo[j]) {
                            inWindow--;
                        }
                        j++;
                    }
                    bound = Math.max(bound, inWindow);
                }
            }
            if (bound < bestCount || (bound == bestCount && !(Math.abs(s - 1) < Math.abs(bestScale - 1)))) {
                continue;
            }
            int k = 0;
            // insertion stops paying when the pairs are crowded (many moves per pair): the rest is
            // appended and the whole list sorted instead
            long movesLeft = 8L * m + 64;
            for (int o = 0; o < m; o++) {
                if (step >= oFrom[o] && step < oTo[o]) {
                    double off = or[o] - s * oq[o];
                    int at = k++;
                    if (movesLeft >= 0) {
                        while (at > 0 && offsets[at - 1] > off) {
                            offsets[at] = offsets[at - 1];
                            at--;
                        }
                        movesLeft -= k - 1 - at;
                    }
                    offsets[at] = off;
                }
            }
            if (movesLeft < 0) {
                Arrays.sort(offsets, 0, k);
            }
            int j = 0;
            for (int i = 0; i < k; i++) {
                while (offsets[i] - offsets[j] > 2 * OFFSET_TOLERANCE) {
                    j++;
                }
                int c = i - j + 1;
                if (c > bestCount || (c == bestCount && Math.abs(s - 1) < Math.abs(bestScale - 1))) {
                    bestCount = c;
                    bestScale = s;
                    bestOffset = (offsets[i] + offsets[j]) / 2;
                }
            }
        }
        // 5. refine scale and offset by least squares over the inliers
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        int k = 0;
        double firstQuery = Double.MAX_VALUE;
        for (int i = 0; i < m; i++) {
            if (Math.abs(tr[i] - bestScale * tq[i] - bestOffset) <= OFFSET_TOLERANCE
                    && spanAgrees(sq[i], sr[i], bestScale)) {
                sx += tq[i];
                sy += tr[i];
                sxx += (double) tq[i] * tq[i];
                sxy += (double) tq[i] * tr[i];
                k++;
                firstQuery = Math.min(firstQuery, tq[i]);
            }
        }
        if (k == 0 || bestCount < floor) {
            return null;
        }
        double scale = bestScale;
        double offset = bestOffset;
        double den = k * sxx - sx * sx;
        if (k >= 3 && den > 1e-9) {
            double s = (k * sxy - sx * sy) / den;
            if (s >= MIN_SCALE - 0.01 && s <= MAX_SCALE + 0.01) {
                scale = s;
                offset = (sy - s * sx) / k;
            }
        }
        return new Vote(bestCount, scale, bestShift, firstQuery, offset + scale * firstQuery, frameSeconds);
    }

    /** The largest deviation of a voted time scale from 1. */
    private static final double MAX_SCALE_DEVIATION = Math.max(1 - MIN_SCALE, MAX_SCALE - 1);

    /**
     * An upper bound of the vote count of these pairs at any scale, cheap enough to skip the scale
     * search for references that cannot reach the floor (most are chance pairs). Pairs that a vote
     * counts together lie within {@code 2 * OFFSET_TOLERANCE} of each other in {@code t_ref - s * t_query}
     * for some scale s; as {@code t_ref - t_query} differs from that by {@code (s - 1) * t_query}, they
     * also lie within {@code 2 * OFFSET_TOLERANCE + MAX_SCALE_DEVIATION * (query time range)} of each
     * other in {@code t_ref - t_query}. The densest such window of those differences bounds the vote.
     *
     * @param byOffset   the pairs' {@code t_ref - t_query + 2^24} in the high 32 bits, sorted
     * @param queryRange the pairs' largest minus smallest {@code t_query}
     */
    static int offsetBound(long[] byOffset, int m, int queryRange) {
        double width = 2 * OFFSET_TOLERANCE + MAX_SCALE_DEVIATION * queryRange + 1e-6;
        int best = 0;
        int j = 0;
        for (int i = 0; i < m; i++) {
            while ((int) (byOffset[i] >>> 32) - (int) (byOffset[j] >>> 32) > width) {
                j++;
            }
            best = Math.max(best, i - j + 1);
        }
        return best;
    }

    /** Growable pair list for one reference. */
    private static final class Pairs {
        long[] query = new long[16];
        long[] ref = new long[16];
        int n;

        void add(long q, long r) {
            if (n == query.length) {
                query = Arrays.copyOf(query, n * 2);
                ref = Arrays.copyOf(ref, n * 2);
            }
            query[n] = q;
            ref[n] = r;
            n++;
        }
    }
}
