package dev.audiocat.pipelines.transforms;

import dev.audiocat.features.fingerprint.ExcerptMatcher;
import dev.audiocat.features.fingerprint.LandmarkExtractor;
import dev.audiocat.features.fingerprint.LandmarkHashes;
import dev.audiocat.features.fingerprint.ReferenceIndex;
import dev.audiocat.pipelines.catalog.CatalogSchema;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Distinct;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.Keys;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.transforms.SerializableBiFunction;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Checks every catalogued asset against a reference catalog with a distributed hash join:
 * the assets' landmark hashes ⋈ the references' landmark hashes on the hash (CoGroupByKey), then a
 * vote per (asset, window, reference) ({@link ExcerptMatcher#vote}, the same as {@code audiocat
 * identify}; assets longer than {@value ExcerptMatcher#WINDOWED_ABOVE_SECONDS} s are checked in
 * {@link ExcerptMatcher#windows windows}), then the votes that reach the threshold are verified
 * against every peak ({@link ExcerptMatcher#verification}: the asset's peaks joined by asset, the
 * reference's peaks, emitted by the reference readers, joined by reference), then the matches
 * join back to the rows by {@code asset_id}. No worker holds the whole index in memory.
 *
 * <p>Fills {@code reference_matches} (best first; an empty list means "checked, nothing found") and
 * {@code unlicensed_match} (true when a match has no licence: unknown is not a licence). Rows whose
 * audio yields no hashes keep both fields null.
 *
 * <p>Query hashes: pass the analysis pass's {@code AnalysisResult.landmarks()} (as
 * {@code KV<asset_id, LandmarkHashes.toBytes()>}) with {@link #withQueryHashes}; without them each
 * row's {@code uri} is decoded again (a second decode, for catalogs written before this stage).
 * Reference hashes are read from the index folder by {@value #DEFAULT_SHARDS} parallel readers, each
 * emitting one residue class of the hash space.
 */
public final class CheckFingerprints extends PTransform<PCollection<GenericRecord>, PCollection<GenericRecord>> {
    private static final long serialVersionUID = 1L;
    static final int DEFAULT_SHARDS = 4;
    /** Join keys: hashes are joined per bucket (hash mod buckets), then hash by hash in memory. */
    static final int DEFAULT_BUCKETS = 1 << 12;

    /** A reference's identity, carried with the transform (the table is small; the hashes are not). */
    record RefInfo(String id, String uri) implements Serializable {
    }

    /** One vote outcome, before it becomes an Avro {@code ReferenceMatch}. */
    record Found(String referenceId, String referenceUri, double queryOffset, double referenceOffset, double scale, int score,
                 double verification) implements Serializable {
    }

    /** A vote that reached the score threshold, waiting for verification against every peak. */
    record Candidate(int reference, int score, double scale, int bandShift, double queryOffsetFrames, double referenceOffsetFrames,
                     double frameSeconds, long fromFrame, long toFrame) implements Serializable {
        ExcerptMatcher.Vote vote() {
            return new ExcerptMatcher.Vote(score, scale, bandShift, queryOffsetFrames, referenceOffsetFrames, frameSeconds);
        }
    }

    private final String indexDir;
    private final List<RefInfo> references;
    private final int minScore;
    private final double minVerification;
    private final int shards;
    private final int buckets;
    private final transient PCollection<KV<String, byte[]>> queryHashes;
    private final SerializableBiFunction<String, String, Boolean> licensed;

    private CheckFingerprints(String indexDir, List<RefInfo> references, int minScore, double minVerification, int shards, int buckets,
                              PCollection<KV<String, byte[]>> queryHashes, SerializableBiFunction<String, String, Boolean> licensed) {
        this.indexDir = indexDir;
        this.references = references;
        this.minScore = minScore;
        this.minVerification = minVerification;
        this.shards = shards;
        this.buckets = buckets;
        this.queryHashes = queryHashes;
        this.licensed = licensed;
    }

    /**
     * Checks against the reference index in {@code indexDir} (built by {@code audiocat references add}).
     *
     * @throws IllegalArgumentException when the folder holds no index
     */
    public static CheckFingerprints against(Path indexDir) {
        if (!Files.exists(indexDir.resolve(ReferenceIndex.FILE_NAME))) {
            throw new IllegalArgumentException(indexDir + ": no reference index here (no " + ReferenceIndex.FILE_NAME
                    + "); build one with 'audiocat references add <folder> --index " + indexDir + "'");
        }
        List<RefInfo> refs = new ArrayList<>();
        try {
            for (ReferenceIndex.Reference r : ReferenceIndex.open(indexDir).references()) {
                refs.add(new RefInfo(r.id(), r.uri()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the reference index in " + indexDir + ": " + e.getMessage(), e);
        }
        return new CheckFingerprints(indexDir.toAbsolutePath().toString(), List.copyOf(refs), ExcerptMatcher.DEFAULT_MIN_SCORE,
                ExcerptMatcher.DEFAULT_MIN_VERIFICATION, DEFAULT_SHARDS, DEFAULT_BUCKETS, null, (asset, ref) -> null);
    }

    /** Uses hashes computed in the analysis pass instead of decoding every file again. */
    public CheckFingerprints withQueryHashes(PCollection<KV<String, byte[]>> hashes) {
        return new CheckFingerprints(indexDir, references, minScore, minVerification, shards, buckets, Objects.requireNonNull(hashes, "hashes"), licensed);
    }

    /** Score below which a pair is "no match" (default {@link ExcerptMatcher#DEFAULT_MIN_SCORE}). */
    public CheckFingerprints withMinScore(int score) {
        if (score < 1) {
            throw new IllegalArgumentException("min score must be >= 1, got " + score);
        }
        return new CheckFingerprints(indexDir, references, score, minVerification, shards, buckets, queryHashes, licensed);
    }

    /**
     * Verification threshold: how many more of the asset's peaks than at a wrong alignment must find a
     * reference peak at the voted alignment ({@link ExcerptMatcher#verification}; default
     * {@link ExcerptMatcher#DEFAULT_MIN_VERIFICATION}, as {@code identify}).
     */
    public CheckFingerprints withMinVerification(double fraction) {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("min verification must be in [0, 1], got " + fraction);
        }
        return new CheckFingerprints(indexDir, references, minScore, fraction, shards, buckets, queryHashes, licensed);
    }

    /** Parallel readers of the reference index. */
    public CheckFingerprints withShards(int n) {
        if (n < 1 || n > 1024) {
            throw new IllegalArgumentException("shards must be in [1, 1024], got " + n);
        }
        return new CheckFingerprints(indexDir, references, minScore, minVerification, n, buckets, queryHashes, licensed);
    }

    /**
     * Number of join keys (default {@value #DEFAULT_BUCKETS}): the hash join shuffles per bucket and
     * matches hash by hash inside it, so the number of keys stays fixed as catalogs grow.
     */
    public CheckFingerprints withBuckets(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("buckets must be >= 1, got " + n);
        }
        return new CheckFingerprints(indexDir, references, minScore, minVerification, shards, n, queryHashes, licensed);
    }

    /**
     * How to tell whether asset {@code a} holds a licence for reference {@code r}: TRUE, FALSE or
     * null (unknown, the default, which counts as unlicensed).
     */
    public CheckFingerprints withLicences(SerializableBiFunction<String, String, Boolean> lookup) {
        return new CheckFingerprints(indexDir, references, minScore, minVerification, shards, buckets, queryHashes, Objects.requireNonNull(lookup, "lookup"));
    }

    @Override
    public PCollection<GenericRecord> expand(PCollection<GenericRecord> rows) {
        AvroCoder<GenericRecord> rowCoder = AvroCoder.of(GenericRecord.class, CatalogSchema.CATALOG);
        KvCoder<String, byte[]> hashBlockCoder = KvCoder.of(StringUtf8Coder.of(), ByteArrayCoder.of());

        PCollection<KV<String, byte[]>> queries = queryHashes != null ? queryHashes : rows
                .apply("DecodeForLandmarks", ParDo.of(new ExtractFromUri()))
                .setCoder(hashBlockCoder);

        PCollection<KV<Integer, KV<Integer, KV<String, Long>>>> queryPostings = queries
                .apply("ExplodeQueryHashes", ParDo.of(new ExplodeQuery(buckets)))
                .setCoder(KvCoder.of(VarIntCoder.of(), KvCoder.of(VarIntCoder.of(), KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()))));

        TupleTag<KV<Integer, KV<Integer, Long>>> postingsTag = new TupleTag<>() { };
        TupleTag<KV<Integer, byte[]>> peaksTag = new TupleTag<>() { };
        PCollectionTuple read = rows.getPipeline()
                .apply("ReferenceShards", Create.of(IntStream.range(0, shards).boxed().toList()).withCoder(VarIntCoder.of()))
                .apply("SpreadShards", Reshuffle.viaRandomKey())
                .apply("ReadReferenceHashes", ParDo.of(new ReadShard(indexDir, shards, buckets, postingsTag, peaksTag))
                        .withOutputTags(postingsTag, TupleTagList.of(peaksTag)));
        PCollection<KV<Integer, KV<Integer, Long>>> refPostings = read.get(postingsTag)
                .setCoder(KvCoder.of(VarIntCoder.of(), KvCoder.of(VarIntCoder.of(), VarLongCoder.of())));
        PCollection<KV<Integer, byte[]>> refPeaks = read.get(peaksTag)
                .setCoder(KvCoder.of(VarIntCoder.of(), ByteArrayCoder.of()));

        TupleTag<KV<Integer, Long>> refTag = new TupleTag<>() { };
        TupleTag<KV<Integer, KV<String, Long>>> queryTag = new TupleTag<>() { };
        PCollection<KV<String, KV<Long, Long>>> pairs = KeyedPCollectionTuple.of(refTag, refPostings).and(queryTag, queryPostings)
                .apply("JoinOnHash", CoGroupByKey.create())
                .apply("PairPerAssetAndReference", ParDo.of(new PairUp(refTag, queryTag)))
                .setCoder(KvCoder.of(StringUtf8Coder.of(), KvCoder.of(VarLongCoder.of(), VarLongCoder.of())));

        PCollection<KV<String, Candidate>> candidates = pairs
                .apply("GroupPairs", GroupByKey.create())
                .apply("VoteOffsetScalePitch", ParDo.of(new Vote(minScore)))
                .setCoder(KvCoder.of(StringUtf8Coder.of(), SerializableCoder.of(Candidate.class)));
        // verification: every peak of the asset's window against every peak of the reference at the
        // voted alignment. The asset's peaks join its candidates by asset; the reference's peaks are
        // emitted by the same readers as the reference postings, only for the
        // references some candidate names (a side input), and join the candidates by reference.
        TupleTag<Candidate> candidateTag = new TupleTag<>() { };
        TupleTag<byte[]> blockTag = new TupleTag<>() { };
        PCollection<KV<Integer, Pending>> pending = KeyedPCollectionTuple.of(candidateTag, candidates).and(blockTag, queries)
                .apply("JoinCandidatesToHashes", CoGroupByKey.create())
                .apply("CandidatePeaks", ParDo.of(new WithQueryPeaks(candidateTag, blockTag)))
                .setCoder(KvCoder.of(VarIntCoder.of(), SerializableCoder.of(Pending.class)));
        PCollectionView<List<Integer>> named = pending
                .apply("CandidateReferences", Keys.create())
                .apply("DistinctReferences", Distinct.create())
                .apply("AsSideInput", View.asList());
        PCollection<KV<Integer, byte[]>> referencePeaks = refPeaks
                .apply("PeaksOfCandidateReferences", ParDo.of(new KeepNamed(named)).withSideInputs(named))
                .setCoder(KvCoder.of(VarIntCoder.of(), ByteArrayCoder.of()));
        TupleTag<Pending> pendingTag = new TupleTag<>() { };
        TupleTag<byte[]> peakTag = new TupleTag<>() { };
        PCollection<KV<String, Found>> found = KeyedPCollectionTuple.of(pendingTag, pending).and(peakTag, referencePeaks)
                .apply("JoinCandidatesToReferencePeaks", CoGroupByKey.create())
                .apply("VerifyAlignedPeaks", ParDo.of(new Verify(references, minVerification, pendingTag, peakTag)))
                .setCoder(KvCoder.of(StringUtf8Coder.of(), SerializableCoder.of(Found.class)));

        TupleTag<GenericRecord> rowTag = new TupleTag<>() { };
        TupleTag<Found> foundTag = new TupleTag<>() { };
        TupleTag<byte[]> checkedTag = new TupleTag<>() { };
        PCollection<KV<String, GenericRecord>> keyedRows = rows
                .apply("KeyRowsByAsset", ParDo.of(new KeyByAsset()))
                .setCoder(KvCoder.of(StringUtf8Coder.of(), rowCoder));
        // an empty marker per asset that had hashes, so "checked, no match" differs from "not checked"
        PCollection<KV<String, byte[]>> checked = queries
                .apply("MarkChecked", ParDo.of(new MarkChecked()))
                .setCoder(hashBlockCoder);
        return KeyedPCollectionTuple.of(rowTag, keyedRows).and(foundTag, found).and(checkedTag, checked)
                .apply("JoinMatchesToRows", CoGroupByKey.create())
                .apply("FillReferenceMatches", ParDo.of(new Fill(rowTag, foundTag, checkedTag, licensed)))
                .setCoder(rowCoder);
    }

    static final class ExtractFromUri extends DoFn<GenericRecord, KV<String, byte[]>> {
        private static final long serialVersionUID = 1L;
        private final Counter failed = Metrics.counter(CheckFingerprints.class, "landmarks_decode_failed");

        @ProcessElement
        public void process(@Element GenericRecord row, OutputReceiver<KV<String, byte[]>> out) {
            Object uri = row.get("uri");
            if (uri == null) {
                return;
            }
            try {
                URI u = URI.create(uri.toString());
                Path file = "file".equals(u.getScheme()) ? Path.of(u) : Path.of(uri.toString());
                LandmarkHashes h = LandmarkExtractor.extract(file, 0);
                out.output(KV.of(row.get("asset_id").toString(), h.toBytes()));
            } catch (Exception e) {
                // the row was catalogued from this file moments ago; if it cannot be read again the
                // check is simply not done for it (fields stay null) and the counter says how often
                failed.inc();
            }
        }
    }

    static final class ExplodeQuery extends DoFn<KV<String, byte[]>, KV<Integer, KV<Integer, KV<String, Long>>>> {
        private static final long serialVersionUID = 1L;
        private final int buckets;

        ExplodeQuery(int buckets) {
            this.buckets = buckets;
        }

        @ProcessElement
        public void process(@Element KV<String, byte[]> e, OutputReceiver<KV<Integer, KV<Integer, KV<String, Long>>>> out) {
            LandmarkHashes h = LandmarkHashes.fromBytes(e.getValue());
            // long assets are checked in overlapping windows, each its own query (the key carries the
            // window's length, for the vote's threshold, and its frames, for the verification)
            long[][] windows = ExcerptMatcher.windows(h.frames(), h.frameSeconds());
            String[] keys = new String[windows.length];
            for (int w = 0; w < windows.length; w++) {
                keys[w] = e.getKey() + "\t" + (windows[w][1] - windows[w][0]) * h.frameSeconds() + "\t" + windows[w][0] + "\t" + windows[w][1];
            }
            long hop = windows.length > 1 ? windows[1][0] : Long.MAX_VALUE;
            int[] variants = new int[LandmarkExtractor.MAX_VARIANTS];
            for (int i = 0; i < h.size(); i++) {
                long t = h.anchorFrame(i);
                int wFrom = windows.length == 1 ? 0 : (int) Math.max(0, (t - (windows[0][1] - windows[0][0])) / hop);
                int wTo = windows.length == 1 ? 0 : (int) Math.min(windows.length - 1, t / hop);
                // the same neighbour lookups as the local matcher (levels near a quantisation boundary)
                int n = h.queryVariants(i, variants);
                for (int w = wFrom; w <= wTo; w++) {
                    if (windows.length > 1 && (t < windows[w][0] || t >= windows[w][1])) {
                        continue;
                    }
                    for (int v = 0; v < n; v++) {
                        int hash = variants[v];
                        out.output(KV.of(Math.floorMod(hash, buckets), KV.of(hash, KV.of(keys[w], h.payloads()[i]))));
                    }
                }
            }
        }
    }

    /**
     * Reads one residue class of the index's hashes (main output, keyed by join bucket) and, for the
     * references in the same residue class of reference numbers, their anchor peaks (one element per
     * reference, {@link #packPeaks packed}): the same peaks as {@link ReferenceIndex#anchors}.
     */
    static final class ReadShard extends DoFn<Integer, KV<Integer, KV<Integer, Long>>> {
        private static final long serialVersionUID = 1L;
        private final String dir;
        private final int shards;
        private final int buckets;
        private final TupleTag<KV<Integer, KV<Integer, Long>>> postingsTag;
        private final TupleTag<KV<Integer, byte[]>> peaksTag;

        ReadShard(String dir, int shards, int buckets, TupleTag<KV<Integer, KV<Integer, Long>>> postingsTag,
                  TupleTag<KV<Integer, byte[]>> peaksTag) {
            this.dir = dir;
            this.shards = shards;
            this.buckets = buckets;
            this.postingsTag = postingsTag;
            this.peaksTag = peaksTag;
        }

        @ProcessElement
        public void process(@Element Integer shard, MultiOutputReceiver out) throws IOException {
            OutputReceiver<KV<Integer, KV<Integer, Long>>> postings = out.get(postingsTag);
            ReferenceIndex index = ReferenceIndex.open(Path.of(dir));
            index.forEachHash((hash, ref, payload) -> {
                if (Math.floorMod(hash, shards) == shard) {
                    postings.output(KV.of(Math.floorMod(hash, buckets), KV.of(hash, ReferenceIndex.entryOf(ref, payload))));
                }
            });
            // this shard's references (whatever their hashes' residues): their anchor peaks
            long[][] peaks = index.anchors(shard, shards);
            for (int k = 0; k < peaks.length; k++) {
                if (peaks[k].length > 0) {
                    out.get(peaksTag).output(KV.of(k * shards + shard, packPeaks(peaks[k])));
                }
            }
        }
    }

    static byte[] packPeaks(long[] peaks) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(peaks.length * Long.BYTES);
        b.asLongBuffer().put(peaks);
        return b.array();
    }

    static long[] unpackPeaks(byte[] packed) {
        long[] peaks = new long[packed.length / Long.BYTES];
        java.nio.ByteBuffer.wrap(packed).asLongBuffer().get(peaks);
        return peaks;
    }

    /** Passes on the peaks of the references some candidate names (a side input: usually few). */
    static final class KeepNamed extends DoFn<KV<Integer, byte[]>, KV<Integer, byte[]>> {
        private static final long serialVersionUID = 1L;
        private final PCollectionView<List<Integer>> named;

        KeepNamed(PCollectionView<List<Integer>> named) {
            this.named = named;
        }

        private transient java.util.Set<Integer> wanted;

        @StartBundle
        public void startBundle() {
            wanted = null;
        }

        @ProcessElement
        public void process(@Element KV<Integer, byte[]> e, ProcessContext c) {
            if (wanted == null) {
                wanted = new java.util.HashSet<>(c.sideInput(named));
            }
            if (wanted.contains(e.getKey())) {
                c.output(e);
            }
        }
    }

    static final class PairUp extends DoFn<KV<Integer, CoGbkResult>, KV<String, KV<Long, Long>>> {
        private static final long serialVersionUID = 1L;
        private final TupleTag<KV<Integer, Long>> refTag;
        private final TupleTag<KV<Integer, KV<String, Long>>> queryTag;
        private final Counter stopped = Metrics.counter(CheckFingerprints.class, "hashes_skipped_as_too_common");

        PairUp(TupleTag<KV<Integer, Long>> refTag, TupleTag<KV<Integer, KV<String, Long>>> queryTag) {
            this.refTag = refTag;
            this.queryTag = queryTag;
        }

        @ProcessElement
        public void process(@Element KV<Integer, CoGbkResult> e, OutputReceiver<KV<String, KV<Long, Long>>> out) {
            // the bucket's reference postings, hash by hash (a bucket is a small slice of the index)
            java.util.Map<Integer, List<Long>> refs = new java.util.HashMap<>();
            for (KV<Integer, Long> r : e.getValue().getAll(refTag)) {
                refs.computeIfAbsent(r.getKey(), k -> new ArrayList<>()).add(r.getValue());
            }
            refs.values().removeIf(list -> {
                boolean tooCommon = list.size() > ExcerptMatcher.MAX_POSTINGS; // same stop list as the local matcher
                if (tooCommon) {
                    stopped.inc();
                }
                return tooCommon;
            });
            if (refs.isEmpty()) {
                return;
            }
            for (KV<Integer, KV<String, Long>> q : e.getValue().getAll(queryTag)) {
                List<Long> postings = refs.get(q.getKey());
                if (postings == null) {
                    continue;
                }
                long queryPayload = q.getValue().getValue();
                for (long entry : postings) {
                    long payload = ReferenceIndex.payloadOf(entry);
                    if (ExcerptMatcher.plausible(queryPayload, payload)) {
                        out.output(KV.of(q.getValue().getKey() + "\t" + ReferenceIndex.referenceNumber(entry), KV.of(queryPayload, payload)));
                    }
                }
            }
        }
    }

    static final class Vote extends DoFn<KV<String, Iterable<KV<Long, Long>>>, KV<String, Candidate>> {
        private static final long serialVersionUID = 1L;
        private final int minScore;

        Vote(int minScore) {
            this.minScore = minScore;
        }

        @ProcessElement
        public void process(@Element KV<String, Iterable<KV<Long, Long>>> e, OutputReceiver<KV<String, Candidate>> out) {
            long[] q = new long[64];
            long[] r = new long[64];
            int n = 0;
            for (KV<Long, Long> p : e.getValue()) {
                if (n == q.length) {
                    q = java.util.Arrays.copyOf(q, n * 2);
                    r = java.util.Arrays.copyOf(r, n * 2);
                }
                q[n] = p.getKey();
                r[n] = p.getValue();
                n++;
            }
            // key: asset \t window seconds \t window start frame \t window end frame \t reference number
            String[] key = e.getKey().split("\t");
            String asset = key[0];
            int threshold = ExcerptMatcher.minScoreFor(minScore, Double.parseDouble(key[1]));
            if (n < threshold) {
                return;
            }
            long from = Long.parseLong(key[2]);
            long to = Long.parseLong(key[3]);
            int ref = Integer.parseInt(key[4]);
            double frameSeconds = LandmarkExtractor.HOP / (double) LandmarkExtractor.RATE;
            ExcerptMatcher.vote(q, r, n, frameSeconds, threshold).filter(v -> v.score() >= threshold).ifPresent(v ->
                    out.output(KV.of(asset, new Candidate(ref, v.score(), v.scale(), v.bandShift(), v.queryOffsetFrames(),
                            v.referenceOffsetFrames(), v.frameSeconds(), from, to))));
        }
    }

    /** A candidate with the asset's peaks in its window, on its way to the reference's peaks. */
    record Pending(String assetId, Candidate candidate, long[] queryAnchors) implements Serializable {
    }

    /** Attaches to each candidate the asset's anchor peaks inside the candidate's window, keyed by reference. */
    static final class WithQueryPeaks extends DoFn<KV<String, CoGbkResult>, KV<Integer, Pending>> {
        private static final long serialVersionUID = 1L;
        private final TupleTag<Candidate> candidateTag;
        private final TupleTag<byte[]> blockTag;

        WithQueryPeaks(TupleTag<Candidate> candidateTag, TupleTag<byte[]> blockTag) {
            this.candidateTag = candidateTag;
            this.blockTag = blockTag;
        }

        @ProcessElement
        public void process(@Element KV<String, CoGbkResult> e, OutputReceiver<KV<Integer, Pending>> out) {
            java.util.Iterator<Candidate> cs = e.getValue().getAll(candidateTag).iterator();
            java.util.Iterator<byte[]> blocks = e.getValue().getAll(blockTag).iterator();
            if (!cs.hasNext() || !blocks.hasNext()) {
                return;
            }
            LandmarkHashes h = LandmarkHashes.fromBytes(blocks.next());
            // the window's peaks only: the rest of a long asset is other music
            java.util.Map<Long, long[]> anchorsByWindow = new java.util.HashMap<>();
            while (cs.hasNext()) {
                Candidate c = cs.next();
                long[] queryAnchors = anchorsByWindow.computeIfAbsent(c.fromFrame(), f -> h.anchors(c.fromFrame(), c.toFrame()));
                out.output(KV.of(c.reference(), new Pending(e.getKey(), c, queryAnchors)));
            }
        }
    }

    /**
     * Keeps the candidates whose verification (chance-corrected aligned-peak fraction) reaches the
     * threshold ({@link ExcerptMatcher#verification}, the same check as {@code identify}), per reference:
     * the reference's peaks meet every candidate that names it.
     */
    static final class Verify extends DoFn<KV<Integer, CoGbkResult>, KV<String, Found>> {
        private static final long serialVersionUID = 1L;
        private final List<RefInfo> references;
        private final double minVerification;
        private final TupleTag<Pending> pendingTag;
        private final TupleTag<byte[]> peakTag;
        private final Counter matches = Metrics.counter(CheckFingerprints.class, "reference_matches");
        private final Counter rejected = Metrics.counter(CheckFingerprints.class, "votes_rejected_by_peak_verification");

        Verify(List<RefInfo> references, double minVerification, TupleTag<Pending> pendingTag, TupleTag<byte[]> peakTag) {
            this.references = references;
            this.minVerification = minVerification;
            this.pendingTag = pendingTag;
            this.peakTag = peakTag;
        }

        @ProcessElement
        public void process(@Element KV<Integer, CoGbkResult> e, OutputReceiver<KV<String, Found>> out) {
            java.util.Iterator<Pending> ps = e.getValue().getAll(pendingTag).iterator();
            if (!ps.hasNext()) {
                return;
            }
            java.util.Iterator<byte[]> packed = e.getValue().getAll(peakTag).iterator();
            if (!packed.hasNext()) {
                throw new IllegalStateException("reference " + e.getKey() + " of the index has no peaks: the index changed during the run?");
            }
            long[] refAnchors = unpackPeaks(packed.next());
            RefInfo ref = references.get(e.getKey());
            while (ps.hasNext()) {
                Pending p = ps.next();
                ExcerptMatcher.Vote v = p.candidate().vote();
                double a = ExcerptMatcher.verification(p.queryAnchors(), refAnchors, v);
                if (a < minVerification) {
                    rejected.inc();
                    continue;
                }
                var m = v.toMatch(ref.id(), ref.uri(), a);
                matches.inc();
                out.output(KV.of(p.assetId(), new Found(m.referenceId(), m.referenceUri(), m.queryOffsetSeconds(),
                        m.referenceOffsetSeconds(), m.timeScale(), m.score(), a)));
            }
        }
    }

    static final class KeyByAsset extends DoFn<GenericRecord, KV<String, GenericRecord>> {
        private static final long serialVersionUID = 1L;

        @ProcessElement
        public void process(@Element GenericRecord row, OutputReceiver<KV<String, GenericRecord>> out) {
            out.output(KV.of(row.get("asset_id").toString(), row));
        }
    }

    static final class MarkChecked extends DoFn<KV<String, byte[]>, KV<String, byte[]>> {
        private static final long serialVersionUID = 1L;

        @ProcessElement
        public void process(@Element KV<String, byte[]> e, OutputReceiver<KV<String, byte[]>> out) {
            out.output(KV.of(e.getKey(), new byte[0]));
        }
    }

    /** Same reference, same alignment (the reference position of the asset's start within 0.5 s), overlapping in the asset. */
    static boolean samePassage(Found a, Found b) {
        return a.referenceId().equals(b.referenceId())
                && Math.abs((a.referenceOffset() - a.scale() * a.queryOffset()) - (b.referenceOffset() - b.scale() * b.queryOffset())) < 0.5
                && Math.abs(a.queryOffset() - b.queryOffset()) < ExcerptMatcher.WINDOW_SECONDS;
    }

    static final class Fill extends DoFn<KV<String, CoGbkResult>, GenericRecord> {
        private static final long serialVersionUID = 1L;
        private final TupleTag<GenericRecord> rowTag;
        private final TupleTag<Found> foundTag;
        private final TupleTag<byte[]> checkedTag;
        private final SerializableBiFunction<String, String, Boolean> licensed;
        private final Counter unlicensed = Metrics.counter(CheckFingerprints.class, "unlicensed_matches");

        Fill(TupleTag<GenericRecord> rowTag, TupleTag<Found> foundTag, TupleTag<byte[]> checkedTag,
             SerializableBiFunction<String, String, Boolean> licensed) {
            this.rowTag = rowTag;
            this.foundTag = foundTag;
            this.checkedTag = checkedTag;
            this.licensed = licensed;
        }

        @ProcessElement
        public void process(@Element KV<String, CoGbkResult> e, OutputReceiver<GenericRecord> out) {
            boolean checked = e.getValue().getAll(checkedTag).iterator().hasNext();
            List<Found> all = new ArrayList<>();
            e.getValue().getAll(foundTag).forEach(all::add);
            all.sort(Comparator.comparingInt(Found::score).reversed().thenComparing(Found::referenceId)
                    .thenComparingDouble(Found::queryOffset));
            // overlapping windows of a long asset find the same passage twice: one entry per passage
            List<Found> found = new ArrayList<>();
            for (Found f : all) {
                if (found.stream().noneMatch(k -> samePassage(k, f))) {
                    found.add(f);
                }
            }
            Schema itemSchema = CatalogSchema.itemSchema(CatalogSchema.CATALOG, "reference_matches");
            for (GenericRecord row : e.getValue().getAll(rowTag)) {
                GenericData.Record copy = new GenericData.Record((GenericData.Record) row, true);
                if (checked) {
                    List<GenericRecord> items = new ArrayList<>();
                    boolean anyUnlicensed = false;
                    for (Found f : found) {
                        Boolean lic = licensed.apply(e.getKey(), f.referenceId());
                        anyUnlicensed |= !Boolean.TRUE.equals(lic);
                        GenericData.Record m = new GenericData.Record(itemSchema);
                        m.put("reference_id", f.referenceId());
                        m.put("reference_uri", f.referenceUri());
                        m.put("query_offset_seconds", f.queryOffset());
                        m.put("reference_offset_seconds", f.referenceOffset());
                        m.put("time_scale", f.scale());
                        m.put("score", (double) f.score());
                        m.put("licensed", lic);
                        items.add(m);
                    }
                    copy.put("reference_matches", items);
                    copy.put("unlicensed_match", anyUnlicensed);
                    if (anyUnlicensed) {
                        unlicensed.inc();
                    }
                }
                out.output(copy);
            }
        }
    }
}
