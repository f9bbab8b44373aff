package dev.audiocat.features.fingerprint;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds references in a query: hash lookup, then per reference a vote over (time scale, pitch
 * shift, offset). A triplet that matches a reference gives a scale estimate (reference span / query
 * span) and a pitch estimate (reference band - query band of the anchor); the vote keeps the matches
 * that agree on pitch, tries time scales from {@value #MIN_SCALE} to {@value #MAX_SCALE} and counts,
 * for the best one, the matches whose offset {@code t_ref - scale * t_query} falls within
 * ±{@value #OFFSET_TOLERANCE} frames of the mode. That count is the score; below
 * {@link #DEFAULT_MIN_SCORE} the answer is "no match".
 *
 * <p>The same {@link #vote} runs in the Beam hash join ({@code CheckFingerprints}), so the local
 * command and the pipeline agree.
 */
public final class ExcerptMatcher {

    /**
     * Threshold for queries of up to 10 s, calibrated on the bench corpus (docs/benchmarks.md): no
     * held-out excerpt reached it. Chance alignments grow with the query's length (more hashes, more
     * pairs), so longer queries need more: see {@link #minScoreFor(int, double)}.
     */
    public static final int DEFAULT_MIN_SCORE = 15;

    /**
     * The threshold for a query of {@code querySeconds}: {@code base} up to 10 s, then 3 more per
     * doubling of the length (a 40 s query scored 15 against an unrelated reference of the bench).
     */
    public static int minScoreFor(int base, double querySeconds) {
        double doublings = Math.max(0, Math.log(querySeconds / 10.0) / Math.log(2));
        return (int) Math.ceil(base + 3 * doublings);
    }
    static final double MIN_SCALE = 0.88;
    static final double MAX_SCALE = 1.14;
    static final double SCALE_STEP = 0.004;
    static final int MAX_BAND_SHIFT = 4;
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
        int[] variants = new int[9];
        for (int i = 0; i < query.size(); i++) {
          int nv = LandmarkExtractor.queryVariants(query.hashes()[i], variants);
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
                    referenceOffsetFrames * frameSeconds, scale, -bandShift * 12.0 / LandmarkExtractor.BANDS_PER_OCTAVE, score);
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
        // 1. pitch: the most common anchor band shift (±1 band neighbours counted with it)
        int[] shiftVotes = new int[2 * MAX_BAND_SHIFT + 1];
        for (int i = 0; i < n; i++) {
            shiftVotes[LandmarkHashes.band(ref[i]) - LandmarkHashes.band(query[i]) + MAX_BAND_SHIFT]++;
        }
        int bestShift = 0;
        int bestShiftVotes = -1;
        for (int s = 0; s < shiftVotes.length; s++) {
            int v = shiftVotes[s] + (s > 0 ? shiftVotes[s - 1] : 0) + (s + 1 < shiftVotes.length ? shiftVotes[s + 1] : 0);
            if (v > bestShiftVotes) {
                bestShiftVotes = v;
                bestShift = s - MAX_BAND_SHIFT;
            }
        }
        int m = 0;
        double[] tq = new double[n];
        double[] tr = new double[n];
        double[] sq = new double[n];
        double[] sr = new double[n];
        for (int i = 0; i < n; i++) {
            int d = LandmarkHashes.band(ref[i]) - LandmarkHashes.band(query[i]);
            if (Math.abs(d - bestShift) <= 1) {
                tq[m] = LandmarkHashes.time(query[i]);
                tr[m] = LandmarkHashes.time(ref[i]);
                sq[m] = LandmarkHashes.span(query[i]);
                sr[m] = LandmarkHashes.span(ref[i]);
                m++;
            }
        }
        if (m < 2) {
            return Optional.empty();
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
            return Optional.empty();
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
        return Optional.of(new Vote(bestCount, scale, bestShift, firstQuery, offset + scale * firstQuery, frameSeconds));
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
