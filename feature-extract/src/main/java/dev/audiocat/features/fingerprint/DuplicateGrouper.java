package dev.audiocat.features.fingerprint;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Groups a catalog's recordings into exact and near duplicates from their Chromaprint fingerprints
 * (the same audio re-encoded, re-sampled, trimmed a little, remastered).
 *
 * <p>Candidates: fingerprints that share at least {@value #MIN_SHARED} sub-fingerprint values
 * (values found in more than {@value #MAX_POSTINGS} recordings, such as silence, are ignored).
 * Verification: at the alignment the shared values vote for, the bit error rate over the overlap
 * must be at most the configured rate (default {@value #DEFAULT_MAX_BIT_ERROR_RATE}) and the overlap must
 * cover at least half of the shorter fingerprint and 5 s. Unrelated music sits near 0.5 bit error rate; re-encodes of the same master below 0.1.
 * Groups are the connected components; a group's id is the smallest member id, so it is stable
 * when the catalog is re-run. Recordings without a duplicate get no group.
 */
public final class DuplicateGrouper {

    static final int MIN_SHARED = 8;
    static final int MAX_POSTINGS = 50;
    /** Sub-fingerprints (0.124 s each) two recordings must overlap by: about 5 s. */
    static final int MIN_OVERLAP = 40;
    /** Default verification threshold. */
    public static final double DEFAULT_MAX_BIT_ERROR_RATE = 0.25;

    private final double maxBitErrorRate;

    public DuplicateGrouper(double maxBitErrorRate) {
        if (!(maxBitErrorRate > 0 && maxBitErrorRate < 0.5)) {
            throw new IllegalArgumentException("max bit error rate must be in (0, 0.5), got " + maxBitErrorRate);
        }
        this.maxBitErrorRate = maxBitErrorRate;
    }

    public DuplicateGrouper() {
        this(DEFAULT_MAX_BIT_ERROR_RATE);
    }

    /**
     * Groups compressed fingerprints (the catalog's {@code chromaprint} column); ids with a null or
     * undecodable fingerprint are left out.
     *
     * @return id → group id, only for ids that have at least one duplicate
     */
    public Map<String, String> groupCompressed(Map<String, String> fingerprints) {
        Map<String, int[]> raw = new TreeMap<>();
        for (Map.Entry<String, String> e : fingerprints.entrySet()) {
            if (e.getValue() == null || e.getValue().isEmpty()) {
                continue;
            }
            try {
                raw.put(e.getKey(), ChromaprintCodec.decode(e.getValue()));
            } catch (IllegalArgumentException bad) {
                // a damaged fingerprint cannot be grouped; the asset keeps its own identity
            }
        }
        return group(raw);
    }

    /** Groups raw fingerprints; see {@link #groupCompressed(Map)}. */
    public Map<String, String> group(Map<String, int[]> fingerprints) {
        List<String> ids = new ArrayList<>(new TreeMap<>(fingerprints).keySet());
        List<int[]> fps = new ArrayList<>();
        for (String id : ids) {
            fps.add(fingerprints.get(id));
        }
        Map<Integer, List<long[]>> postings = new HashMap<>();
        for (int r = 0; r < fps.size(); r++) {
            int[] fp = fps.get(r);
            for (int i = 0; i < fp.length; i++) {
                postings.computeIfAbsent(fp[i], k -> new ArrayList<>()).add(new long[] {r, i});
            }
        }
        // shared values per pair, with the alignment (offset) each shared value votes for
        Map<Long, Map<Integer, Integer>> offsetVotes = new HashMap<>();
        for (List<long[]> list : postings.values()) {
            if (list.size() < 2 || distinctRecordings(list) > MAX_POSTINGS) {
                continue;
            }
            for (int a = 0; a < list.size(); a++) {
                for (int b = a + 1; b < list.size(); b++) {
                    int ra = (int) list.get(a)[0];
                    int rb = (int) list.get(b)[0];
                    if (ra == rb) {
                        continue;
                    }
                    int lo = Math.min(ra, rb);
                    int hi = Math.max(ra, rb);
                    int offset = (int) (ra == lo ? list.get(a)[1] - list.get(b)[1] : list.get(b)[1] - list.get(a)[1]);
                    offsetVotes.computeIfAbsent(((long) lo << 32) | hi, k -> new HashMap<>()).merge(offset, 1, Integer::sum);
                }
            }
        }
        int[] parent = new int[ids.size()];
        for (int i = 0; i < parent.length; i++) {
            parent[i] = i;
        }
        for (Map.Entry<Long, Map<Integer, Integer>> e : offsetVotes.entrySet()) {
            int total = e.getValue().values().stream().mapToInt(Integer::intValue).sum();
            if (total < MIN_SHARED) {
                continue;
            }
            int lo = (int) (e.getKey() >>> 32);
            int hi = (int) (long) e.getKey();
            int bestOffset = e.getValue().entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
            if (isDuplicate(fps.get(lo), fps.get(hi), bestOffset)) {
                union(parent, lo, hi);
            }
        }
        Map<Integer, String> groupId = new HashMap<>();
        Map<Integer, Integer> sizes = new HashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            int root = find(parent, i);
            sizes.merge(root, 1, Integer::sum);
            groupId.merge(root, ids.get(i), (x, y) -> x.compareTo(y) <= 0 ? x : y);
        }
        Map<String, String> out = new TreeMap<>();
        for (int i = 0; i < ids.size(); i++) {
            int root = find(parent, i);
            if (sizes.get(root) > 1) {
                out.put(ids.get(i), groupId.get(root));
            }
        }
        return out;
    }

    /**
     * An index of a few fingerprints (one ingest run's) that many others (a catalog's earlier rows, read one
     * at a time) are matched against: memory grows with the indexed set, not with the catalog. The same
     * candidates and verification as {@link #group}, except that a value's posting count (the silence
     * filter, {@value #MAX_POSTINGS}) is taken over the indexed set.
     */
    public Index index(Map<String, int[]> fingerprints) {
        return new Index(fingerprints);
    }

    /** See {@link #index}. */
    public final class Index {
        private final List<String> ids = new ArrayList<>();
        private final List<int[]> fps = new ArrayList<>();
        private final Map<Integer, List<long[]>> postings = new HashMap<>();

        private Index(Map<String, int[]> fingerprints) {
            for (Map.Entry<String, int[]> e : new TreeMap<>(fingerprints).entrySet()) {
                int r = ids.size();
                ids.add(e.getKey());
                fps.add(e.getValue());
                for (int i = 0; i < e.getValue().length; i++) {
                    postings.computeIfAbsent(e.getValue()[i], k -> new ArrayList<>()).add(new long[] {r, i});
                }
            }
            postings.values().removeIf(list -> distinctRecordings(list) > MAX_POSTINGS);
        }

        /** The indexed ids that {@code fp} is an exact or near duplicate of, in id order. */
        public List<String> duplicatesOf(int[] fp) {
            Map<Integer, Map<Integer, Integer>> votes = new TreeMap<>(); // indexed recording → offset → shared values
            for (int i = 0; i < fp.length; i++) {
                List<long[]> list = postings.get(fp[i]);
                if (list == null) {
                    continue;
                }
                for (long[] p : list) {
                    votes.computeIfAbsent((int) p[0], k -> new HashMap<>()).merge((int) p[1] - i, 1, Integer::sum);
                }
            }
            List<String> out = new ArrayList<>();
            for (Map.Entry<Integer, Map<Integer, Integer>> e : votes.entrySet()) {
                int total = e.getValue().values().stream().mapToInt(Integer::intValue).sum();
                if (total < MIN_SHARED) {
                    continue;
                }
                int bestOffset = e.getValue().entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
                if (isDuplicate(fps.get(e.getKey()), fp, bestOffset)) {
                    out.add(ids.get(e.getKey()));
                }
            }
            return out;
        }
    }

    /** Bit error rate of {@code a[i + offset]} against {@code b[i]} over their overlap, or 1 without enough overlap. */
    public static double bitErrorRate(int[] a, int[] b, int offset) {
        int start = Math.max(0, -offset);
        int end = Math.min(b.length, a.length - offset);
        int overlap = end - start;
        if (overlap <= 0) {
            return 1;
        }
        long errors = 0;
        for (int i = start; i < end; i++) {
            errors += Integer.bitCount(a[i + offset] ^ b[i]);
        }
        return errors / (32.0 * overlap);
    }

    private boolean isDuplicate(int[] a, int[] b, int offset) {
        int overlap = Math.min(b.length, a.length - offset) - Math.max(0, -offset);
        // short one-shots (a drum hit, a few items) look alike too easily: demand 5 s of overlap
        if (overlap < MIN_OVERLAP || overlap < Math.min(a.length, b.length) / 2) {
            return false;
        }
        return bitErrorRate(a, b, offset) <= maxBitErrorRate;
    }

    private static int distinctRecordings(List<long[]> list) {
        return (int) list.stream().mapToLong(x -> x[0]).distinct().count();
    }

    private static int find(int[] parent, int i) {
        while (parent[i] != i) {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }

    private static void union(int[] parent, int a, int b) {
        int ra = find(parent, a);
        int rb = find(parent, b);
        if (ra != rb) {
            parent[Math.max(ra, rb)] = Math.min(ra, rb);
        }
    }
}
