package dev.audiocat.features.fingerprint;

import dev.audiocat.features.decode.AudioDecoder;
import dev.audiocat.features.decode.PcmSink;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Tuning loop for the landmark fingerprint: the same corpus split and the same seeded queries as
 * {@link FingerprintBench}, but with the decoded mono PCM of the indexed recordings and of the
 * degraded queries cached on disk, so that one evaluation of a changed extractor or matcher costs
 * seconds instead of minutes. Arguments: {@code WORKDIR perLength seed}. Not a test.
 */
public final class LandmarkTuning {

    record Query(String file, String key, boolean positive, String sourceId, double start) {
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        int perLength = Integer.parseInt(args[1]);
        long seed = Long.parseLong(args[2]);
        PrintStream out = System.out;
        Path pcmDir = work.resolve("pcm");
        Path qDir = work.resolve("queries-" + seed + "-" + perLength);
        Files.createDirectories(pcmDir);
        Path manifest = qDir.resolve("manifest.tsv");
        Path indexedList = qDir.resolve("indexed.tsv");
        if (!Files.exists(manifest)) {
            prepare(work, perLength, seed, pcmDir, qDir, manifest, indexedList);
        }
        List<String[]> indexed = new ArrayList<>();
        for (String l : Files.readAllLines(indexedList)) {
            indexed.add(l.split("\t"));
        }
        List<Query> queries = new ArrayList<>();
        for (String l : Files.readAllLines(manifest)) {
            String[] f = l.split("\t");
            queries.add(new Query(f[0], f[1], Boolean.parseBoolean(f[2]), f[3], Double.parseDouble(f[4])));
        }
        if (Boolean.getBoolean("tune.long")) {
            java.util.Set<String> ids = new java.util.HashSet<>();
            indexed.forEach(r -> ids.add(r[2]));
            ReferenceIndex index = ReferenceIndex.inMemory();
            for (String[] r : indexed) {
                index.add(r[0], r[2], extract(pcmDir.resolve(r[1]), new LandmarkExtractor()));
            }
            ExcerptMatcher mm = new ExcerptMatcher(index, 1, 0.0);
            for (Path p : FingerprintBench.listAudio(Path.of("/usr/share/games/warzone2100/music"), ".opus")) {
                if (ids.contains(p.toUri().toString())) {
                    continue;
                }
                Path tmp = work.resolve("long.f32");
                decodeTo(p, tmp);
                byte[] all = Files.readAllBytes(tmp);
                if (Boolean.getBoolean("tune.windows")) {
                    // the whole held-out track in ingest's windows, with identify's thresholds and verification
                    LandmarkHashes h = extract(tmp, new LandmarkExtractor());
                    List<List<ExcerptMatch>> per = new ExcerptMatcher(index).matchWindows(h, 1);
                    long hits = per.stream().filter(l -> !l.isEmpty()).count();
                    System.out.printf(Locale.ROOT, "windows %s %.0f s: %d windows, %d with a match%s%n", p.getFileName(), h.seconds(), per.size(), hits,
                            per.stream().filter(l -> !l.isEmpty()).map(l -> " " + l.get(0).referenceUri().replaceAll(".*/albums/", "") + "@"
                                    + Math.round(l.get(0).queryOffsetSeconds()) + "s score " + l.get(0).score() + " ver "
                                    + String.format(Locale.ROOT, "%.2f", l.get(0).verification()) + " refAtQueryStart " + String.format(Locale.ROOT, "%.2f", l.get(0).referenceOffsetSeconds() - l.get(0).timeScale() * l.get(0).queryOffsetSeconds()) + " scale " + String.format(Locale.ROOT, "%.3f", l.get(0).timeScale()) + " pitch " + l.get(0).pitchShiftSemitones()).toList());
                    continue;
                }
                for (int sec : new int[] {20, 40, 80, 160, 100000}) {
                    int bytes = (int) Math.min(all.length, (long) sec * LandmarkExtractor.RATE * 4);
                    Files.write(tmp, java.util.Arrays.copyOf(all, bytes));
                    LandmarkHashes h = extract(tmp, new LandmarkExtractor());
                    List<ExcerptMatch> m = mm.match(h, 1);
                    System.out.printf(Locale.ROOT, "long %s %.0f s: best %s%n", p.getFileName(), h.seconds(), m.isEmpty() ? "-" : m.get(0).score() + " " + m.get(0).referenceUri());
                }
            }
            return;
        }
        String which = System.getProperty("tune.which");
        if (which != null) {
            java.util.Set<String> ids = new java.util.HashSet<>();
            indexed.forEach(r -> ids.add(r[2]));
            ReferenceIndex held = ReferenceIndex.inMemory();
            for (Path p : FingerprintBench.concat(FingerprintBench.listAudio(Path.of("/usr/share/games/warzone2100/music"), ".opus"),
                    FingerprintBench.listAudio(Path.of("/usr/share/sonic-pi/samples"), ".flac"))) {
                if (!ids.contains(p.toUri().toString())) {
                    held.add(p.toString(), p.toString(), LandmarkExtractor.extract(p, 0));
                }
            }
            System.out.println("held out: " + held.references().size() + " " + held.references().stream().map(ReferenceIndex.Reference::id).toList());
            System.out.println(new ExcerptMatcher(held, 1, 0.0).match(extract(qDir.resolve(which + ".f32"), new LandmarkExtractor()), 3));
            return;
        }
        String debug = System.getProperty("tune.debug");
        if (debug != null) {
            debug(qDir, pcmDir, queries, indexed, debug);
            return;
        }
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long c0 = mx.getCurrentThreadCpuTime();
        ReferenceIndex index = ReferenceIndex.inMemory();
        double audio = 0;
        long peaks = 0;
        for (String[] r : indexed) {
            LandmarkExtractor x = new LandmarkExtractor();
            LandmarkHashes h = extract(pcmDir.resolve(r[1]), x);
            peaks += x.peakCount();
            index.add(r[0], r[2], h);
            audio += h.seconds();
        }
        double cpu = (mx.getCurrentThreadCpuTime() - c0) / 1e9;
        index.size();
        out.printf(Locale.ROOT, "index: %.2f h, %d hashes (%.0f/s), %.0f peaks/s, landmark stage (FFT + extract) %.1f s CPU = %.0fx%n",
                audio / 3600, index.size(), index.size() / audio, peaks / audio, cpu, audio / cpu);
        ExcerptMatcher matcher = new ExcerptMatcher(index, 1);
        String dump = System.getProperty("tune.dump");
        if (dump != null) {
            dump(Path.of(dump), qDir, queries, index, matcher);
            return;
        }
        Map<String, int[]> tp = new LinkedHashMap<>();
        List<Integer> neg = new ArrayList<>();
        Map<String, List<Integer>> negByKey = new java.util.TreeMap<>();
        List<Integer> pos = new ArrayList<>();
        Map<String, List<Integer>> posByKey = new LinkedHashMap<>();
        List<String> lines = new ArrayList<>();
        int threshold = Integer.getInteger("tune.threshold", ExcerptMatcher.DEFAULT_MIN_SCORE);
        long m0 = mx.getCurrentThreadCpuTime();
        for (Query q : queries) {
            LandmarkHashes h = extract(qDir.resolve(q.file()), new LandmarkExtractor());
            List<ExcerptMatch> m = matcher.match(h, 3);
            int best = m.isEmpty() ? 0 : m.get(0).score();
            if (q.positive()) {
                boolean same = !m.isEmpty() && m.get(0).referenceId().equals(q.sourceId());
                int s = same ? best : 0;
                pos.add(s);
                posByKey.computeIfAbsent(q.key(), k -> new ArrayList<>()).add(s);
                int[] c = tp.computeIfAbsent(q.key(), k -> new int[2]);
                c[0] += same && best >= threshold ? 1 : 0;
                c[1]++;
                if (!(same && best >= threshold)) {
                    lines.add("miss " + q.file() + " best=" + (m.isEmpty() ? "-" : best + (same ? " same" : " other")));
                }
            } else if (!q.file().startsWith(System.getProperty("tune.exclude", "none") + "_") && !q.file().equals(System.getProperty("tune.exclude") + ".f32")) {
                neg.add(best);
                negByKey.computeIfAbsent(q.key().replaceAll(".*/", ""), k -> new ArrayList<>()).add(best);
                if (best >= threshold) {
                    lines.add("FP " + q.file() + " score " + best + " -> " + m.get(0));
                }
            }
        }
        double mcpu = (mx.getCurrentThreadCpuTime() - m0) / 1e9;
        int hits = 0;
        int total = 0;
        for (Map.Entry<String, int[]> e : tp.entrySet()) {
            List<Integer> s = new ArrayList<>(posByKey.get(e.getKey()));
            Collections.sort(s);
            out.printf(Locale.ROOT, "  %-22s %.3f (%d/%d) scores %s%n", e.getKey(), e.getValue()[0] / (double) e.getValue()[1],
                    e.getValue()[0], e.getValue()[1], s.subList(0, Math.min(5, s.size())));
            if (!e.getKey().startsWith("clean")) {
                hits += e.getValue()[0];
                total += e.getValue()[1];
            }
        }
        Collections.sort(neg);
        Collections.sort(pos);
        long fps = neg.stream().filter(s -> s >= threshold).count();
        out.printf(Locale.ROOT, "overall degraded TPR %.3f (%d/%d); FP %d/%d; held-out top scores %s; pos p1 %d p5 %d med %d; queries %.1f s CPU (%.1f ms each)%n",
                hits / (double) total, hits, total, fps, neg.size(), neg.subList(Math.max(0, neg.size() - 8), neg.size()),
                FingerprintBench.pct(pos, 0.01), FingerprintBench.pct(pos, 0.05), FingerprintBench.pct(pos, 0.5), mcpu,
                1000 * mcpu / queries.size());
        for (Map.Entry<String, List<Integer>> e : negByKey.entrySet()) {
            List<Integer> s = new ArrayList<>(e.getValue());
            Collections.sort(s);
            out.println("  held-out " + e.getKey() + " top " + s.subList(Math.max(0, s.size() - 6), s.size()));
        }
        if (Boolean.getBoolean("tune.verbose")) {
            lines.forEach(l -> out.println("  " + l));
        }
    }

    /**
     * Per query, the candidates of the vote (score before verification, best 6) with their
     * aligned-peak fractions at a few tolerances, the mean fraction at offsets moved away from the
     * vote, and {@link ExcerptMatcher#verification}, for calibrating the verification offline; one
     * line per (query, candidate). Also times lookup + vote and identify's matcher.
     */
    static void dump(Path file, Path qDir, List<Query> queries, ReferenceIndex index, ExcerptMatcher matcher) throws IOException {
        int[][] tols = {{1, 8}, {2, 8}, {1, 4}, {2, 12}, {0, 8}};
        int[] moves = {-71, -37, 37, 71};
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        List<Double> lookupMs = new ArrayList<>();
        List<Double> matchMs = new ArrayList<>();
        ExcerptMatcher real = new ExcerptMatcher(index);
        real.match(extract(qDir.resolve(queries.get(0).file()), new LandmarkExtractor()), 3); // builds the position table and anchors
        try (PrintStream w = new PrintStream(Files.newOutputStream(file))) {
            w.println("file\tkey\tpositive\tsame\tseconds\tscore\tthreshold\taligned_1_8\taligned_2_8\taligned_1_4\taligned_2_12\taligned_0_8"
                    + "\tbaseline_1_8\tscale\tshift\tverify_us\tverification");
            for (Query q : queries) {
                LandmarkHashes h = extract(qDir.resolve(q.file()), new LandmarkExtractor());
                long[] qa = h.anchors();
                int thr = ExcerptMatcher.minScoreFor(ExcerptMatcher.DEFAULT_MIN_SCORE, h.seconds());
                long c0 = mx.getCurrentThreadCpuTime();
                List<ExcerptMatcher.Candidate> cs = new ArrayList<>(matcher.candidates(h));
                lookupMs.add((mx.getCurrentThreadCpuTime() - c0) / 1e6);
                long c1 = mx.getCurrentThreadCpuTime();
                real.match(h, 3);
                matchMs.add((mx.getCurrentThreadCpuTime() - c1) / 1e6);
                cs.sort((a, b) -> Integer.compare(b.vote().score(), a.vote().score()));
                for (ExcerptMatcher.Candidate c : cs.subList(0, Math.min(6, cs.size()))) {
                    long[] ra = index.anchors(c.reference());
                    StringBuilder b = new StringBuilder();
                    String id = index.reference(c.reference()).orElseThrow().id();
                    b.append(q.file()).append('\t').append(q.key()).append('\t').append(q.positive()).append('\t')
                            .append(id.equals(q.sourceId())).append('\t').append(String.format(Locale.ROOT, "%.2f", h.seconds()))
                            .append('\t').append(c.vote().score()).append('\t').append(thr);
                    long t0 = mx.getCurrentThreadCpuTime();
                    double verification = ExcerptMatcher.verification(qa, ra, c.vote());
                    long us = (mx.getCurrentThreadCpuTime() - t0) / 1000;
                    for (int[] t : tols) {
                        b.append('\t').append(String.format(Locale.ROOT, "%.4f", ExcerptMatcher.aligned(qa, ra, c.vote(), t[0], t[1])));
                    }
                    double base = 0;
                    for (int m : moves) {
                        base += ExcerptMatcher.aligned(qa, ra, c.vote().movedBy(m), 1, 8) / moves.length;
                    }
                    b.append('\t').append(String.format(Locale.ROOT, "%.4f\t%.4f\t%d\t%d\t%.4f", base, c.vote().scale(), c.vote().bandShift(), us,
                            verification));
                    w.println(b);
                }
                if (cs.isEmpty()) {
                    w.println(q.file() + "\t" + q.key() + "\t" + q.positive() + "\tfalse\t" + String.format(Locale.ROOT, "%.2f", h.seconds())
                            + "\t0\t" + thr + "\t0\t0\t0\t0\t0\t0\t1\t0\t0\t0");
                }
            }
        }
        Collections.sort(lookupMs);
        Collections.sort(matchMs);
        System.out.printf(Locale.ROOT, "lookup+vote (min score 1) CPU ms p50 %.1f p95 %.1f max %.1f; identify's matcher (with verification) p50 %.1f p95 %.1f max %.1f%n",
                lookupMs.get(lookupMs.size() / 2), lookupMs.get((int) (lookupMs.size() * 0.95)), lookupMs.get(lookupMs.size() - 1),
                matchMs.get(matchMs.size() / 2), matchMs.get((int) (matchMs.size() * 0.95)), matchMs.get(matchMs.size() - 1));
    }

    static void debug(Path qDir, Path pcmDir, List<Query> queries, List<String[]> indexed, String name) throws IOException {
        Query q = queries.stream().filter(x -> x.file().equals(name + ".f32")).findFirst().orElseThrow();
        String clean = name.replaceAll("_[^_]*$", "");
        LandmarkExtractor rx = new LandmarkExtractor();
        LandmarkHashes ref = extract(pcmDir.resolve(q.sourceId() + ".f32"), rx);
        for (String f : List.of(clean, name)) {
            LandmarkExtractor x = new LandmarkExtractor();
            LandmarkHashes h = extract(qDir.resolve(f + ".f32"), x);
            ReferenceIndex idx = ReferenceIndex.inMemory();
            idx.add("ref", "ref", ref);
            int[] v = new int[LandmarkExtractor.MAX_VARIANTS];
            int hits = 0;
            int plaus = 0;
            int lookups = 0;
            Map<Integer, Integer> shifts = new java.util.TreeMap<>();
            for (int i = 0; i < h.size(); i++) {
                int n = h.queryVariants(i, v);
                lookups += n;
                for (int j = 0; j < n; j++) {
                    long r = idx.range(v[j]);
                    for (int k = (int) (r >>> 32); k < (int) (r >>> 32) + (int) r; k++) {
                        hits++;
                        long pr = ReferenceIndex.payloadOf(idx.entry(k));
                        if (ExcerptMatcher.plausible(h.payloads()[i], pr)) {
                            plaus++;
                            shifts.merge(LandmarkHashes.band(pr) - LandmarkHashes.band(h.payloads()[i]), 1, Integer::sum);
                        }
                    }
                }
            }
            System.out.println(f + ": " + x.peakCount() + " peaks, " + h.size() + " hashes, " + lookups + " lookups, " + hits + " hits, "
                    + plaus + " plausible; shifts " + shifts);
            System.out.println("   match: " + new ExcerptMatcher(idx, 1, 0.0).match(h, 3));
        }
    }

    static LandmarkHashes extract(Path f32, LandmarkExtractor x) throws IOException {
        byte[] b = Files.readAllBytes(f32);
        FloatBuffer fb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float[] all = new float[fb.remaining()];
        fb.get(all);
        dev.audiocat.features.quality.TestAudio.feed(all, LandmarkExtractor.FRAME_SIZE, LandmarkExtractor.HOP,
                LandmarkExtractor.RATE, x);
        return x.result();
    }

    /** Decodes {@code file} to mono float at the landmark rate, into {@code out}. */
    static void decodeTo(Path file, Path out) throws Exception {
        ByteArraySink sink = new ByteArraySink();
        try (AudioDecoder d = AudioDecoder.open(file)) {
            d.decode(null, LandmarkExtractor.RATE, sink);
        }
        Files.write(out, sink.bytes());
    }

    static final class ByteArraySink implements PcmSink {
        private final java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
        private final ByteBuffer buf = ByteBuffer.allocate(4 * 8192).order(ByteOrder.LITTLE_ENDIAN);

        @Override
        public void start(int sampleRate, int channelCount) {
        }

        @Override
        public void accept(float[][] channels, int frames) {
            for (int i = 0; i < frames; i++) {
                if (buf.remaining() < 4) {
                    o.write(buf.array(), 0, buf.position());
                    buf.clear();
                }
                buf.putFloat(channels[0][i]);
            }
        }

        @Override
        public void finish() {
            o.write(buf.array(), 0, buf.position());
            buf.clear();
        }

        byte[] bytes() {
            return o.toByteArray();
        }
    }

    /** The bench's split and queries (same random sequence as FingerprintBench), cached as PCM. */
    static void prepare(Path work, int perLength, long seed, Path pcmDir, Path qDir, Path manifest, Path indexedList) throws Exception {
        Files.createDirectories(qDir);
        Random rnd = new Random(seed);
        List<Path> music = FingerprintBench.listAudio(Path.of("/usr/share/games/warzone2100/music"), ".opus");
        List<Path> loops = FingerprintBench.listAudio(Path.of("/usr/share/sonic-pi/samples"), ".flac");
        List<Path> kits = FingerprintBench.listAudio(Path.of("/usr/share/hydrogen/data/drumkits"), ".wav");
        kits.addAll(FingerprintBench.listAudio(Path.of("/usr/share/hydrogen/data/drumkits"), ".flac"));
        Collections.sort(kits);
        List<Path> longTracks = new ArrayList<>();
        for (Path p : FingerprintBench.concat(music, loops)) {
            if (FingerprintBench.duration(p) >= 12.5) {
                longTracks.add(p);
            }
        }
        Map<String, int[]> raws = new LinkedHashMap<>();
        for (Path p : FingerprintBench.concat(music, loops)) {
            try {
                FpcalcReference.raw(p);
            } catch (IOException tooShort) {
                continue;
            }
            raws.put(p.toString(), ChromaprintSink.fingerprintFile(p, ChromaprintSink.DEFAULT_MAX_SECONDS).rawFingerprint());
        }
        Map<String, String> groups = new DuplicateGrouper().group(raws);
        Map<String, List<Path>> byGroup = new LinkedHashMap<>();
        for (Path p : longTracks) {
            byGroup.computeIfAbsent(groups.getOrDefault(p.toString(), p.toString()), k -> new ArrayList<>()).add(p);
        }
        FingerprintBench.Split split = FingerprintBench.split(groups, byGroup, music, loops, kits, rnd);
        List<Path> negatives = split.negatives();
        List<Path> positives = split.positives();
        List<Path> indexed = split.indexed();
        StringBuilder il = new StringBuilder();
        Map<Path, String> idOf = new LinkedHashMap<>();
        for (Path p : indexed) {
            String id = dev.audiocat.features.AudioAnalyzer.sha256(p);
            idOf.put(p, id);
            Path f32 = pcmDir.resolve(id + ".f32");
            if (!Files.exists(f32)) {
                decodeTo(p, f32);
            }
            il.append(id).append('\t').append(id).append(".f32\t").append(p.toUri()).append('\n');
        }
        Files.writeString(indexedList, il.toString());
        StringBuilder ml = new StringBuilder();
        for (int len : FingerprintBench.LENGTHS) {
            for (int i = 0; i < perLength; i++) {
                for (boolean positive : new boolean[] {true, false}) {
                    List<Path> pool = positive ? positives : negatives;
                    Path src = pool.get(rnd.nextInt(pool.size()));
                    double dur = FingerprintBench.duration(src);
                    double start = rnd.nextDouble() * Math.max(0, dur - len - 0.5);
                    Path cut = qDir.resolve((positive ? "pos" : "neg") + len + "_" + i + ".wav");
                    FingerprintBench.run("ffmpeg", "-loglevel", "error", "-y", "-ss", FingerprintBench.fmt(start), "-i", src.toString(), "-t",
                            FingerprintBench.fmt(len), "-c:a", "pcm_s16le", cut.toString());
                    for (String deg : FingerprintBench.DEGRADATIONS) {
                        Path q = FingerprintBench.degrade(cut, deg, rnd.nextLong());
                        String name = q.getFileName().toString().replaceAll("\\.(wav|mp3)$", "") + ".f32";
                        decodeTo(q, qDir.resolve(name));
                        ml.append(name).append('\t').append(deg).append('/').append(len).append("s\t").append(positive).append('\t')
                                .append(positive ? idOf.get(src) : "-").append('\t').append(FingerprintBench.fmt(start)).append('\n');
                        if (!q.equals(cut)) {
                            Files.delete(q);
                        }
                    }
                    Files.delete(cut);
                }
            }
        }
        Files.writeString(manifest, ml.toString());
    }
}
