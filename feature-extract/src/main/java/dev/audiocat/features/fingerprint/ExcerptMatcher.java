package dev.audiocat.features.fingerprint;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 *
 * <p>The same {@link #vote} runs in the Beam hash join ({@code CheckFingerprints}), so the local
 * command and the pipeline agree.
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

    private final ReferenceIndex index;
    private final int minScore;

    public ExcerptMatcher(ReferenceIndex index, int minScore) {
        if (minScore < 1) {
            throw new IllegalArgumentException("minimum score must be >= 1, got " + minScore);
        }
        this.index = index;
        this.minScore = minScore;
    }

    public ExcerptMatcher(ReferenceIndex index) {
        this(index, DEFAULT_MIN_SCORE);
    }

    /** Matches at or above the threshold for the query's length ({@link #minScoreFor}), best first. */
    public List<ExcerptMatch> match(LandmarkHashes query, int maxResults) {
        Map<Integer, Pairs> perRef = new HashMap<>();
        int[] variants = new int[LandmarkExtractor.MAX_VARIANTS];
        for (int i = 0; i < query.size(); i++) {
          int nv = query.queryVariants(i, variants);
          for (int v = 0; v < nv; v++) {
            long range = index.range(variants[v]);
            int start = (int) (range >>> 32);
            int count = (int) range;
            if (count == 0 || count > MAX_POSTINGS) {
                continue;
            }
            long q = query.payloads()[i];
            for (int k = start; k < start + count; k++) {
                long e = index.entry(k);
                long r = ReferenceIndex.payloadOf(e);
                if (!plausible(q, r)) {
                    continue;
                }
                perRef.computeIfAbsent(ReferenceIndex.referenceNumber(e), x -> new Pairs()).add(q, r);
            }
          }
        }
        List<ExcerptMatch> out = new ArrayList<>();
        int threshold = minScoreFor(minScore, query.seconds());
        for (Map.Entry<Integer, Pairs> e : perRef.entrySet()) {
            Pairs p = e.getValue();
            if (p.n < threshold) {
                continue;
            }
            ReferenceIndex.Reference ref = index.reference(e.getKey()).orElseThrow();
            vote(p.query, p.ref, p.n, query.frameSeconds()).filter(v -> v.score() >= threshold)
                    .ifPresent(v -> out.add(v.toMatch(ref.id(), ref.uri())));
        }
        out.sort(Comparator.comparingInt(ExcerptMatch::score).reversed());
        return out.size() > maxResults ? List.copyOf(out.subList(0, maxResults)) : out;
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

    /** The outcome of one (query, reference) vote. */
    public record Vote(int score, double scale, int bandShift, double queryOffsetFrames, double referenceOffsetFrames,
                       double frameSeconds) {
        public ExcerptMatch toMatch(String referenceId, String referenceUri) {
            return new ExcerptMatch(referenceId, referenceUri, queryOffsetFrames * frameSeconds,
                    referenceOffsetFrames * frameSeconds, scale,
                    -bandShift * 12.0 / (LandmarkExtractor.BANDS_PER_OCTAVE * LandmarkExtractor.FINE), score);
        }
    }

    /**
     * Votes over the matched (query payload, reference payload) pairs of one reference.
     *
     * @return the best consistent alignment, or empty when fewer than 2 pairs agree
     */
    public static Optional<Vote> vote(long[] query, long[] ref, int n, double frameSeconds) {
        if (n < 2) {
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
            if (at < 0 || windows[at] < 2 || (best != null && windows[at] <= best.score())) {
                break;
            }
            for (int s = Math.max(0, at - 2 * SHIFT_TOLERANCE); s <= Math.min(windows.length - 1, at + 2 * SHIFT_TOLERANCE); s++) {
                windows[s] = -1;
            }
            Vote v = voteAtShift(query, ref, n, frameSeconds, at - MAX_BAND_SHIFT);
            if (v != null && (best == null || v.score() > best.score())) {
                best = v;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Steps 2-5 of the vote, for the pairs whose anchor shift is within the tolerance of {@code bestShift}. */
    private static Vote voteAtShift(long[] query, long[] ref, int n, double frameSeconds, int bestShift) {
        int m = 0;
        double[] tq = new double[n];
        double[] tr = new double[n];
        double[] sq = new double[n];
        double[] sr = new double[n];
        for (int i = 0; i < n; i++) {
            int d = LandmarkHashes.band(ref[i]) - LandmarkHashes.band(query[i]);
            if (Math.abs(d - bestShift) <= SHIFT_TOLERANCE) {
                tq[m] = LandmarkHashes.time(query[i]);
                tr[m] = LandmarkHashes.time(ref[i]);
                sq[m] = LandmarkHashes.span(query[i]);
                sr[m] = LandmarkHashes.span(ref[i]);
                m++;
            }
        }
        if (m < 2) {
            return null;
        }
        // 2. one pair per (query anchor, reference anchor): an anchor's several triplets count once
        long[] keys = new long[m];
        for (int i = 0; i < m; i++) {
            keys[i] = ((long) tq[i] << 40) | ((long) tr[i] << 16) | ((long) sq[i] << 8) | (long) sr[i];
        }
        Arrays.sort(keys, 0, m);
        int u = 0;
        for (int i = 0; i < m; i++) {
            if (i > 0 && (keys[i] >>> 16) == (keys[i - 1] >>> 16)) {
                continue;
            }
            tq[u] = keys[i] >>> 40;
            tr[u] = (keys[i] >>> 16) & 0xFFFFFF;
            sq[u] = (keys[i] >>> 8) & 0xFF;
            sr[u] = keys[i] & 0xFF;
            u++;
        }
        m = u;
        // 3. candidate scales: where the pairs' own span ratios pile up (long spans are precise)
        int steps = (int) Math.round((MAX_SCALE - MIN_SCALE) / SCALE_STEP) + 1;
        int[] ratioVotes = new int[steps];
        int precise = 0;
        for (int i = 0; i < m; i++) {
            if (sq[i] >= 12) {
                int b = (int) Math.round((sr[i] / sq[i] - MIN_SCALE) / SCALE_STEP);
                if (b >= 0 && b < steps) {
                    ratioVotes[b]++;
                    precise++;
                }
            }
        }
        boolean[] tryScale = new boolean[steps];
        if (precise < 8) {
            Arrays.fill(tryScale, true);
        } else {
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
        // 4. for each candidate scale, among the pairs whose own span ratio agrees with it, the
        //    densest window of offsets t_ref - scale * t_query
        double[] offsets = new double[m];
        int bestCount = 0;
        double bestScale = 1;
        double bestOffset = 0;
        for (int step = 0; step < steps; step++) {
            if (!tryScale[step]) {
                continue;
            }
            double s = MIN_SCALE + step * SCALE_STEP;
            int k = 0;
            for (int i = 0; i < m; i++) {
                if (Math.abs(sr[i] - s * sq[i]) <= SPAN_TOLERANCE) {
                    offsets[k++] = tr[i] - s * tq[i];
                }
            }
            if (k <= bestCount) {
                continue;
            }
            Arrays.sort(offsets, 0, k);
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
                    && Math.abs(sr[i] - bestScale * sq[i]) <= SPAN_TOLERANCE) {
                sx += tq[i];
                sy += tr[i];
                sxx += tq[i] * tq[i];
                sxy += tq[i] * tr[i];
                k++;
                firstQuery = Math.min(firstQuery, tq[i]);
            }
        }
        if (k == 0) {
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
