package dev.audiocat.features.fingerprint;

import dev.audiocat.features.decode.AudioDecoder;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * The fingerprint benchmark ({@code bench/fingerprint/run.sh}): builds a reference index from real
 * recordings in Debian packages, cuts seeded random 5 s and 10 s excerpts from indexed tracks and from
 * held-out tracks, degrades each one way with sox/ffmpeg, and reports true- and false-positive rates,
 * build rate, query latency and index size; also the fpcalc agreement of the Chromaprint port.
 *
 * <p>Arguments: {@code WORKDIR [excerptsPerLength] [seed]}. Not a test: long measurements live here.
 */
public final class FingerprintBench {

    static final String[] DEGRADATIONS = {"clean", "noise10dB", "mp3_64k", "gain-15dB", "bandpass300-3400", "reverb",
        "speed1.03", "tempo0.95", "pitch+100c"};
    static final int[] LENGTHS = {5, 10};

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        int perLength = args.length > 1 ? Integer.parseInt(args[1]) : 25;
        long seed = args.length > 2 ? Long.parseLong(args[2]) : 20261122L;
        Files.createDirectories(work);
        PrintStream out = System.out;
        Random rnd = new Random(seed);

        List<Path> music = listAudio(Path.of("/usr/share/games/warzone2100/music"), ".opus");
        List<Path> loops = new ArrayList<>();
        for (Path p : listAudio(Path.of("/usr/share/sonic-pi/samples"), ".flac")) {
            loops.add(p);
        }
        List<Path> kits = listAudio(Path.of("/usr/share/hydrogen/data/drumkits"), ".wav");
        kits.addAll(listAudio(Path.of("/usr/share/hydrogen/data/drumkits"), ".flac"));
        Collections.sort(kits);
        // long enough to cut a 10 s excerpt from
        List<Path> longTracks = new ArrayList<>();
        for (Path p : concat(music, loops)) {
            if (duration(p) >= 12.5) {
                longTracks.add(p);
            }
        }
        // 0. Chromaprint: agreement with fpcalc on every recording, and duplicate groups (so that a
        //    held-out track has no copy, remaster or "enhanced" version left in the index)
        Map<String, int[]> raws = new LinkedHashMap<>();
        int exact = 0;
        int compared = 0;
        long bitErrors = 0;
        long items = 0;
        for (Path p : concat(music, loops)) {
            int[] ref;
            try {
                ref = FpcalcReference.raw(p);
            } catch (IOException tooShort) {
                continue; // fpcalc refuses recordings shorter than its first fingerprint item
            }
            ChromaprintSink sink = ChromaprintSink.fingerprintFile(p, ChromaprintSink.DEFAULT_MAX_SECONDS);
            int[] mine = sink.rawFingerprint();
            compared++;
            boolean same = java.util.Arrays.equals(ref, mine) && FpcalcReference.compressed(p).equals(sink.fingerprint());
            if (!same) {
                out.println("  chromaprint differs from fpcalc on " + p + ": " + FpcalcReference.bitErrors(ref, mine) + " bits, lengths "
                        + ref.length + "/" + mine.length);
            }
            exact += same ? 1 : 0;
            bitErrors += FpcalcReference.bitErrors(ref, mine) + 32L * Math.abs(ref.length - mine.length);
            items += ref.length;
            raws.put(p.toString(), mine);
        }
        out.printf(Locale.ROOT, "chromaprint vs fpcalc 1.5.1: %d/%d recordings identical (raw and compressed), %d differing bits in %d sub-fingerprints%n",
                exact, compared, bitErrors, items);
        String feed = System.getProperty("bench.chromaprintFeed");
        if (feed != null) {
            int libExact = 0;
            int libTotal = 0;
            long libItems = 0;
            long libBits = 0;
            for (Path p : concat(music.subList(0, Math.min(6, music.size())), loops.subList(0, Math.min(20, loops.size())))) {
                Path raw = work.resolve("feed.s16");
                AudioProbeLite a = AudioProbeLite.of(p);
                run("ffmpeg", "-loglevel", "error", "-y", "-i", p.toString(), "-f", "s16le", "-c:a", "pcm_s16le", raw.toString());
                Process proc = new ProcessBuilder(feed, Integer.toString(a.rate()), Integer.toString(a.channels()))
                        .redirectInput(raw.toFile()).start();
                String refLine = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                proc.waitFor();
                byte[] b = Files.readAllBytes(raw);
                short[] pcm = new short[b.length / 2];
                ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(pcm);
                Chromaprint cp = new Chromaprint();
                cp.start(a.rate(), a.channels());
                cp.feed(pcm, 0, pcm.length / a.channels());
                cp.finish();
                StringBuilder sb = new StringBuilder();
                for (int v : cp.rawFingerprint()) {
                    sb.append(sb.length() == 0 ? "" : ",").append(Integer.toUnsignedString(v));
                }
                libTotal++;
                libExact += sb.toString().equals(refLine) ? 1 : 0;
                String[] refItems = refLine.isEmpty() ? new String[0] : refLine.split(",");
                int[] mineRaw = cp.rawFingerprint();
                libItems += refItems.length;
                for (int k = 0; k < Math.min(refItems.length, mineRaw.length); k++) {
                    libBits += Integer.bitCount((int) Long.parseLong(refItems[k]) ^ mineRaw[k]);
                }
                libBits += 32L * Math.abs(refItems.length - mineRaw.length);
                Files.deleteIfExists(raw);
            }
            out.printf(Locale.ROOT, "chromaprint library path (own downmix + av_resample port, whole files) vs libchromaprint's chromaprint_feed: "
                    + "%d/%d identical, %d differing bits in %d sub-fingerprints%n", libExact, libTotal, libBits, libItems);
        }
        Map<String, String> groups = new DuplicateGrouper().group(raws);
        Map<String, List<Path>> byGroup = new LinkedHashMap<>();
        for (Path p : longTracks) {
            byGroup.computeIfAbsent(groups.getOrDefault(p.toString(), p.toString()), k -> new ArrayList<>()).add(p);
        }
        out.printf(Locale.ROOT, "duplicate groups among the recordings: %d groups covering %d recordings%n",
                new java.util.HashSet<>(groups.values()).size(), groups.size());
        for (Map.Entry<String, String> g : groups.entrySet()) {
            out.println("  dup " + Path.of(g.getKey()).getFileName() + " -> group of " + Path.of(g.getValue()).getFileName());
        }
        Split split = split(groups, byGroup, music, loops, kits, rnd);
        List<Path> negatives = split.negatives();
        List<Path> positives = split.positives();
        List<Path> indexed = split.indexed();
        out.printf(Locale.ROOT, "corpus: %d indexed recordings (%d long tracks usable for excerpts), %d held out%n",
                indexed.size(), positives.size(), negatives.size());

        // 1. index build
        Path indexDir = work.resolve("index");
        Map<Path, String> idOf = new LinkedHashMap<>();
        for (Path p : indexed) {
            idOf.put(p, dev.audiocat.features.AudioAnalyzer.sha256(p));
        }
        boolean reuse = Boolean.getBoolean("bench.reuseIndex") && Files.exists(indexDir.resolve(ReferenceIndex.FILE_NAME));
        if (reuse) {
            // only an index of exactly this split (another seed holds out other tracks)
            java.util.Set<String> have = new java.util.HashSet<>();
            ReferenceIndex.open(indexDir).references().forEach(r -> have.add(r.id()));
            if (!have.equals(new java.util.HashSet<>(idOf.values()))) {
                out.println("bench.reuseIndex: the index in " + indexDir + " holds another split; rebuilding it");
                reuse = false;
            }
        }
        if (!reuse) {
            deleteRecursively(indexDir);
            ReferenceIndex index = ReferenceIndex.open(indexDir);
            double audioSeconds = 0;
            java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
            long c0 = mx.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            for (Path p : indexed) {
                LandmarkHashes h = LandmarkExtractor.extract(p, 0);
                index.add(idOf.get(p), p.toUri().toString(), h);
                audioSeconds += h.seconds();
            }
            double buildSeconds = (System.nanoTime() - t0) / 1e9;
            double cpuSeconds = (mx.getCurrentThreadCpuTime() - c0) / 1e9;
            index.save();
            long bytes = index.bytesOnDisk();
            out.printf(Locale.ROOT, "index: %.2f h of audio, %d hashes (%.0f per second of audio), %.1f MB on disk (%.1f MB per hour)%n",
                    audioSeconds / 3600, index.size(), index.size() / audioSeconds, bytes / 1e6, bytes / 1e6 / (audioSeconds / 3600));
            out.printf(Locale.ROOT, "index build (decode + landmarks, 1 thread): %.1f s CPU = %.0fx realtime per core; wall %.1f s = %.0fx on this shared machine%n",
                    cpuSeconds, audioSeconds / cpuSeconds, buildSeconds, audioSeconds / buildSeconds);
            // the decoder's share: the same files decoded and resampled to the landmark rate, nothing else
            long d0 = mx.getCurrentThreadCpuTime();
            double opusSeconds = 0;
            double opusCpu = 0;
            for (Path p : indexed) {
                long f0 = mx.getCurrentThreadCpuTime();
                // the landmark path's decoder settings (LandmarkExtractor.extract)
                double seconds = LandmarkExtractor.decodeLandmarkStream(p, 0, dev.audiocat.features.decode.PcmSink.DISCARD);
                if (p.toString().endsWith(".opus")) {
                    opusSeconds += seconds;
                    opusCpu += (mx.getCurrentThreadCpuTime() - f0) / 1e9;
                }
            }
            double decodeCpu = (mx.getCurrentThreadCpuTime() - d0) / 1e9;
            out.printf(Locale.ROOT, "  of which decode + resample to %d Hz mono alone: %.1f s CPU = %.0fx realtime (%.0f%% of the build); Opus tracks alone: %.0fx%n",
                    LandmarkExtractor.RATE, decodeCpu, audioSeconds / decodeCpu, 100 * decodeCpu / cpuSeconds, opusSeconds / opusCpu);
            // the same build again in this JVM, now warm (into a scratch index, not saved): the rate a
            // long-running indexer reaches once the JIT has compiled the landmark path
            Path warmDir = work.resolve("index-warm");
            deleteRecursively(warmDir);
            ReferenceIndex warm = ReferenceIndex.open(warmDir);
            long w0 = mx.getCurrentThreadCpuTime();
            for (Path p : indexed) {
                warm.add(idOf.get(p), p.toUri().toString(), LandmarkExtractor.extract(p, 0));
            }
            double warmCpu = (mx.getCurrentThreadCpuTime() - w0) / 1e9;
            deleteRecursively(warmDir);
            out.printf(Locale.ROOT, "index build again, warm JVM (steady state): %.1f s CPU = %.0fx realtime per core "
                            + "(first build minus this one: %+.1f s CPU, the JIT's warm-up plus the machine's noise)%n",
                    warmCpu, audioSeconds / warmCpu, cpuSeconds - warmCpu);
        }
        long l0 = System.nanoTime();
        ReferenceIndex loaded = ReferenceIndex.open(indexDir);
        out.printf(Locale.ROOT, "index load: %.0f ms%n", (System.nanoTime() - l0) / 1e6);
        // scores of every candidate (threshold 1, no verification), and the matcher `identify` uses:
        // its answers decide true and false positives, and its CPU time is the query latency
        ExcerptMatcher matcher = new ExcerptMatcher(loaded, 1, 0.0);
        ExcerptMatcher production = new ExcerptMatcher(loaded);

        // 2. excerpts
        Path ex = work.resolve("excerpts");
        deleteRecursively(ex);
        Files.createDirectories(ex);
        Map<String, int[]> tp = new LinkedHashMap<>(); // key degradation/len -> {hits, total}
        Map<String, int[]> fp = new LinkedHashMap<>();
        List<Integer> negScores = new ArrayList<>();
        List<Integer> posScores = new ArrayList<>();
        List<Double> latencies = new ArrayList<>();
        List<Double> offsetErrors = new ArrayList<>();
        List<Double> extractCpu = new ArrayList<>();
        List<Double> matchCpu = new ArrayList<>();
        List<Double> matchWall = new ArrayList<>();
        List<Double> prodCpu = new ArrayList<>();
        List<Double> posVerification = new ArrayList<>();
        List<Double> negVerification = new ArrayList<>();
        int negVotedOnly = 0;
        List<String> lines = new ArrayList<>();
        // -Dbench.dump=FILE: every query's answers of both matchers, doubles printed exactly (diff two
        // runs to prove a matcher change leaves the results alone); -Dbench.saveQueries=DIR: every
        // query's landmark hashes (LandmarkHashes.toBytes), to replay the matcher without re-cutting
        String dumpFile = System.getProperty("bench.dump");
        PrintStream dump = dumpFile == null ? null : new PrintStream(Files.newOutputStream(Path.of(dumpFile)), false, StandardCharsets.UTF_8);
        String saveQueries = System.getProperty("bench.saveQueries");
        if (saveQueries != null) {
            Files.createDirectories(Path.of(saveQueries));
        }
        Map<Integer, List<Integer>> negByLength = new java.util.TreeMap<>();
        for (int len : LENGTHS) {
            for (int i = 0; i < perLength; i++) {
                for (boolean positive : new boolean[] {true, false}) {
                    List<Path> pool = positive ? positives : negatives;
                    Path src = pool.get(rnd.nextInt(pool.size()));
                    double dur = duration(src);
                    double start = rnd.nextDouble() * Math.max(0, dur - len - 0.5);
                    Path cut = ex.resolve((positive ? "pos" : "neg") + len + "_" + i + ".wav");
                    run("ffmpeg", "-loglevel", "error", "-y", "-ss", fmt(start), "-i", src.toString(), "-t", fmt(len),
                            "-c:a", "pcm_s16le", cut.toString());
                    for (String deg : DEGRADATIONS) {
                        Path q = degrade(cut, deg, rnd.nextLong());
                        java.lang.management.ThreadMXBean tmx = java.lang.management.ManagementFactory.getThreadMXBean();
                        long q0 = System.nanoTime();
                        long c0 = tmx.getCurrentThreadCpuTime();
                        LandmarkHashes qh = LandmarkExtractor.extract(q, 0);
                        long c1 = tmx.getCurrentThreadCpuTime();
                        long m0 = System.nanoTime();
                        List<ExcerptMatch> m = matcher.match(qh, 5);
                        long c2 = tmx.getCurrentThreadCpuTime();
                        List<ExcerptMatch> answer = production.match(qh, 5);
                        prodCpu.add((tmx.getCurrentThreadCpuTime() - c2) / 1e6);
                        double ms = (System.nanoTime() - q0) / 1e6;
                        latencies.add(ms);
                        extractCpu.add((c1 - c0) / 1e6);
                        matchCpu.add((c2 - c1) / 1e6);
                        matchWall.add((System.nanoTime() - m0) / 1e6);
                        String name = (positive ? "pos" : "neg") + len + "_" + i + "_" + deg;
                        if (dump != null) {
                            dump.println(name + " " + src.getFileName() + " start=" + start + " all=" + m + " identify=" + answer);
                        }
                        if (saveQueries != null) {
                            Files.write(Path.of(saveQueries, name + ".lh"), qh.toBytes());
                        }
                        int best = m.isEmpty() ? 0 : m.get(0).score();
                        // the product's threshold for this query's length
                        int threshold = ExcerptMatcher.minScoreFor(ExcerptMatcher.DEFAULT_MIN_SCORE, qh.seconds());
                        String key = deg + "/" + len + "s";
                        if (positive) {
                            // identify's answer: the reference must be right; the offset is reported
                            // separately (loops repeat)
                            boolean right = !answer.isEmpty() && answer.get(0).referenceId().equals(idOf.get(src));
                            m.stream().filter(x -> x.referenceId().equals(idOf.get(src))).findFirst()
                                    .ifPresent(x -> posVerification.add(x.verification()));
                            if (right) {
                                ExcerptMatch top = answer.get(0);
                                double atZero = top.referenceOffsetSeconds() - top.timeScale() * top.queryOffsetSeconds();
                                offsetErrors.add(Math.abs(atZero - start));
                            }
                            int[] c = tp.computeIfAbsent(key, k -> new int[2]);
                            c[0] += right ? 1 : 0;
                            c[1]++;
                            posScores.add(!m.isEmpty() && m.get(0).referenceId().equals(idOf.get(src)) ? best : 0);
                            if (!right) {
                                lines.add(String.format(Locale.ROOT, "miss %s %s start=%.2f best vote=%s", key, src.getFileName(), start,
                                        m.isEmpty() ? "-" : m.get(0).score() + "@" + fmt(m.get(0).referenceOffsetSeconds()) + " x"
                                                + fmt(m.get(0).timeScale()) + " verification " + fmt(m.get(0).verification()) + " "
                                                + (m.get(0).referenceId().equals(idOf.get(src)) ? "same" : "other")));
                            }
                        } else {
                            int[] c = fp.computeIfAbsent(key, k -> new int[2]);
                            c[0] += answer.isEmpty() ? 0 : 1;
                            c[1]++;
                            negScores.add(best);
                            negByLength.computeIfAbsent(len, k -> new ArrayList<>()).add(best);
                            negVerification.add(m.stream().mapToDouble(ExcerptMatch::verification).max().orElse(0));
                            if (best >= threshold) {
                                negVotedOnly++;
                                lines.add(String.format(Locale.ROOT, "held-out vote above the threshold %s %s start=%.2f -> %s score %d verification %.3f%s",
                                        key, src.getFileName(), start, m.get(0).referenceUri(), best, m.get(0).verification(),
                                        answer.isEmpty() ? " (rejected by verification)" : " FALSE POSITIVE"));
                            } else if (!answer.isEmpty()) {
                                lines.add("false positive " + key + " " + src.getFileName() + " -> " + answer.get(0));
                            }
                        }
                        if (!q.equals(cut)) {
                            Files.deleteIfExists(q);
                        }
                    }
                }
            }
        }
        if (dump != null) {
            dump.close();
        }
        int hits = 0;
        int total = 0;
        out.println("true-positive rate per degradation and excerpt length (threshold ExcerptMatcher.minScoreFor("
                + ExcerptMatcher.DEFAULT_MIN_SCORE + ", query seconds): " + ExcerptMatcher.minScoreFor(ExcerptMatcher.DEFAULT_MIN_SCORE, 5)
                + " for 5 s, " + ExcerptMatcher.minScoreFor(ExcerptMatcher.DEFAULT_MIN_SCORE, 10) + " for 10 s):");
        for (Map.Entry<String, int[]> e : tp.entrySet()) {
            out.printf(Locale.ROOT, "  %-24s %.3f (%d/%d)%n", e.getKey(), e.getValue()[0] / (double) e.getValue()[1], e.getValue()[0], e.getValue()[1]);
            if (!e.getKey().startsWith("clean")) {
                hits += e.getValue()[0];
                total += e.getValue()[1];
            }
        }
        int fpHits = fp.values().stream().mapToInt(c -> c[0]).sum();
        int fpTotal = fp.values().stream().mapToInt(c -> c[1]).sum();
        out.printf(Locale.ROOT, "overall TPR over degraded queries: %.3f (%d/%d)%n", hits / (double) total, hits, total);
        out.printf(Locale.ROOT, "false positives on held-out excerpts: %d/%d (FPR %.3f); held-out votes at or above the threshold before verification: %d%n",
                fpHits, fpTotal, fpHits / (double) fpTotal, negVotedOnly);
        Collections.sort(posVerification);
        Collections.sort(negVerification);
        out.printf(Locale.ROOT, "verification (min %.2f): true references min %.3f, p1 %.3f, p5 %.3f, median %.3f; held-out best (any vote) max %.3f, p99 %.3f, p90 %.3f%n",
                ExcerptMatcher.DEFAULT_MIN_VERIFICATION, posVerification.get(0), pctD(posVerification, 0.01), pctD(posVerification, 0.05),
                pctD(posVerification, 0.5), negVerification.get(negVerification.size() - 1), pctD(negVerification, 0.99), pctD(negVerification, 0.9));
        Collections.sort(negScores);
        Collections.sort(posScores);
        out.printf(Locale.ROOT, "held-out best scores: max %d, p99 %d, p90 %d; true-reference scores: p1 %d, p5 %d, median %d%n",
                negScores.get(negScores.size() - 1), pct(negScores, 0.99), pct(negScores, 0.90), pct(posScores, 0.01),
                pct(posScores, 0.05), pct(posScores, 0.5));
        for (Map.Entry<Integer, List<Integer>> e : negByLength.entrySet()) {
            List<Integer> s = new ArrayList<>(e.getValue());
            Collections.sort(s);
            out.printf(Locale.ROOT, "held-out %d s excerpts: best scores max %d, p99 %d, p90 %d (threshold %d)%n", e.getKey(), s.get(s.size() - 1),
                    pct(s, 0.99), pct(s, 0.90), ExcerptMatcher.minScoreFor(ExcerptMatcher.DEFAULT_MIN_SCORE, e.getKey()));
        }
        Collections.sort(offsetErrors);
        long within = offsetErrors.stream().filter(e -> e < 0.1).count();
        out.printf(Locale.ROOT, "offset of true positives: %d/%d within 0.1 s of the cut point (others: repeated sections of loops)%n",
                within, offsetErrors.size());
        Collections.sort(latencies);
        out.printf(Locale.ROOT, "query latency, wall on this shared machine (decode + extract + match, 1 thread): p50 %.1f ms, p95 %.1f ms, max %.1f ms%n",
                pctD(latencies, 0.5), pctD(latencies, 0.95), latencies.get(latencies.size() - 1));
        Collections.sort(extractCpu);
        Collections.sort(matchCpu);
        Collections.sort(matchWall);
        out.printf(Locale.ROOT, "  of which decode + extract CPU: p50 %.1f ms, p95 %.1f ms; index lookup + vote CPU: p50 %.1f ms, p95 %.1f ms, max %.1f ms (wall p50 %.1f ms, p95 %.1f ms)%n",
                pctD(extractCpu, 0.5), pctD(extractCpu, 0.95), pctD(matchCpu, 0.5), pctD(matchCpu, 0.95), matchCpu.get(matchCpu.size() - 1),
                pctD(matchWall, 0.5), pctD(matchWall, 0.95));
        Collections.sort(prodCpu);
        out.printf(Locale.ROOT, "  index lookup + vote + verification CPU with identify's thresholds (identify's matcher): p50 %.1f ms, p95 %.1f ms, max %.1f ms%n",
                pctD(prodCpu, 0.5), pctD(prodCpu, 0.95), prodCpu.get(prodCpu.size() - 1));
        for (String l : lines) {
            out.println("  " + l);
        }
    }

    /** Native rate and channel count of a file. */
    record AudioProbeLite(int rate, int channels) {
        static AudioProbeLite of(Path p) throws Exception {
            try (AudioDecoder d = AudioDecoder.open(p)) {
                return new AudioProbeLite(d.probe().sampleRate(), d.probe().channels());
            }
        }
    }

    static int pct(List<Integer> sorted, double p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(p * sorted.size())));
    }

    static double pctD(List<Double> sorted, double p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(p * sorted.size())));
    }

    /**
     * One degraded version of {@code cut}. sox runs with {@code -R}: its dither is otherwise seeded at
     * random, and the same excerpt gave other samples (and a few other hashes) in every run, so that
     * runs could not be compared query by query ({@code -Dbench.dump}).
     */
    static Path degrade(Path cut, String deg, long seed) throws Exception {
        String base = cut.toString().replace(".wav", "");
        Path out = Path.of(base + "_" + deg + (deg.startsWith("mp3") ? ".mp3" : ".wav"));
        switch (deg) {
            case "clean" -> {
                return cut;
            }
            case "noise10dB" -> addNoise(cut, out, 10, seed);
            case "mp3_64k" -> run("ffmpeg", "-loglevel", "error", "-y", "-i", cut.toString(), "-b:a", "64k", out.toString());
            case "gain-15dB" -> run("sox", "-R", cut.toString(), out.toString(), "vol", "-15dB");
            case "bandpass300-3400" -> run("sox", "-R", cut.toString(), out.toString(), "sinc", "300-3400");
            case "reverb" -> run("sox", "-R", cut.toString(), out.toString(), "reverb");
            case "speed1.03" -> run("sox", "-R", cut.toString(), out.toString(), "speed", "1.03");
            case "tempo0.95" -> run("sox", "-R", cut.toString(), out.toString(), "tempo", "0.95");
            case "pitch+100c" -> run("sox", "-R", cut.toString(), out.toString(), "pitch", "100");
            default -> throw new IllegalArgumentException(deg);
        }
        return out;
    }

    /** White Gaussian noise at {@code snrDb} below the excerpt's own power (seeded). */
    static void addNoise(Path in, Path out, double snrDb, long seed) throws Exception {
        Path raw = Path.of(in + ".raw");
        run("sox", "-R", in.toString(), "-t", "raw", "-e", "floating-point", "-b", "32", "-r", "44100", "-c", "1", raw.toString());
        byte[] b = Files.readAllBytes(raw);
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int n = b.length / 4;
        double power = 0;
        for (int i = 0; i < n; i++) {
            float v = bb.getFloat(i * 4);
            power += v * v;
        }
        power /= Math.max(1, n);
        double sigma = Math.sqrt(power / Math.pow(10, snrDb / 10));
        Random r = new Random(seed);
        for (int i = 0; i < n; i++) {
            bb.putFloat(i * 4, (float) (bb.getFloat(i * 4) + sigma * r.nextGaussian()));
        }
        Files.write(raw, b);
        run("sox", "-R", "-t", "raw", "-e", "floating-point", "-b", "32", "-r", "44100", "-c", "1", raw.toString(), "-b", "16", out.toString());
        Files.deleteIfExists(raw);
    }

    static double duration(Path p) throws Exception {
        try (AudioDecoder d = AudioDecoder.open(p)) {
            Double s = d.probe().declaredDurationSeconds();
            return s == null ? 0 : s;
        }
    }

    static List<Path> listAudio(Path root, String ext) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IOException(root + " is missing: run scripts/tools.sh ensure_bench_tools (warzone2100-music, sonic-pi-samples, hydrogen-drumkits)");
        }
        try (Stream<Path> s = Files.walk(root)) {
            return new ArrayList<>(s.filter(p -> p.toString().toLowerCase(Locale.ROOT).endsWith(ext)).sorted().toList());
        }
    }

    static List<Path> concat(List<Path> a, List<Path> b) {
        List<Path> r = new ArrayList<>(a);
        r.addAll(b);
        return r;
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] o = p.getInputStream().readAllBytes();
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + new String(o, StandardCharsets.UTF_8));
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** The corpus split: held-out duplicate groups (negatives), the rest of the long tracks (positives), what is indexed. */
    record Split(List<Path> negatives, List<Path> positives, List<Path> indexed) {}

    /**
     * Shuffles the duplicate groups of the long tracks with {@code rnd}, holds out a fifth of them
     * (at least 3) with every copy of their recordings, and indexes all other music and loops plus
     * the first 400 drum-kit samples.
     */
    static Split split(Map<String, String> groups, Map<String, List<Path>> byGroup, List<Path> music,
            List<Path> loops, List<Path> kits, Random rnd) {
        List<List<Path>> identities = new ArrayList<>(byGroup.values());
        Collections.shuffle(identities, rnd);
        int heldOutGroups = Math.max(3, identities.size() / 5);
        List<Path> negatives = new ArrayList<>();
        List<Path> heldOutAll = new ArrayList<>();
        for (List<Path> g : identities.subList(0, heldOutGroups)) {
            negatives.add(g.get(0));
            for (Map.Entry<String, String> e : groups.entrySet()) {
                if (e.getValue().equals(groups.getOrDefault(g.get(0).toString(), ""))) {
                    heldOutAll.add(Path.of(e.getKey()));
                }
            }
            heldOutAll.addAll(g);
        }
        List<Path> positives = new ArrayList<>();
        for (List<Path> g : identities.subList(heldOutGroups, identities.size())) {
            positives.addAll(g);
        }
        List<Path> indexed = new ArrayList<>();
        for (Path p : concat(music, loops)) {
            if (!heldOutAll.contains(p)) {
                indexed.add(p);
            }
        }
        indexed.addAll(kits.subList(0, Math.min(kits.size(), 400)));
        return new Split(negatives, positives, indexed);
    }
}
