package dev.audiocat.features.rhythm;

import dev.audiocat.bench.AnalysisBench;
import dev.audiocat.features.AudioAnalyzer;
import dev.audiocat.features.decode.AudioDecoder;
import dev.audiocat.features.decode.PcmSink;
import dev.audiocat.features.dsp.FrameDispatcher;
import dev.audiocat.features.dsp.FrameProcessor;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The tempo replay harness (bench/analysis/tempo-replay.sh): pools the bench's labelled corpora, decodes
 * each file once through {@link AudioDecoder} and {@link FrameDispatcher} exactly as {@link AudioAnalyzer}
 * does, caches {@link TempoEstimator}'s per-frame curves (onset strength, harmonic change) under the cache
 * directory, and re-runs the per-track decision ({@code finish()}) of the code on the classpath on them.
 * Prints Accuracy1 / Accuracy2 per corpus and pooled, "no stable tempo" on the tempo-less files (pooled
 * over distinct files by content), and writes every file's estimate and stability statistics to
 * {@code <cache>/replay.csv}.
 *
 * <p>Usage: {@code TempoReplay <cache dir> <corpus dir>...} where a corpus dir is a bench corpus
 * ({@code .../bench/analysis/corpus} or {@code corpus-hard}) holding labels.csv and, for default sets,
 * tempoless/.
 */
public final class TempoReplay {

    record Curves(float[] onset, float[] change, int rate, int hop) {
    }

    public static void main(String[] args) throws Exception {
        Path cache = Path.of(args[0]);
        Files.createDirectories(cache);
        long t0 = System.nanoTime();
        int decoded = 0;
        int musicN = 0;
        int acc1All = 0;
        int acc2All = 0;
        int unstableMusicAll = 0;
        java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
        long finishNs = 0;
        int finishes = 0;
        Map<String, Boolean> tempolessByContent = new LinkedHashMap<>();
        Map<String, String> tempolessName = new LinkedHashMap<>();
        StringBuilder table = new StringBuilder();
        try (PrintWriter csv = new PrintWriter(Files.newBufferedWriter(cache.resolve("replay.csv")))) {
            csv.println("corpus,file,label_bpm,drums,bpm,stable,confidence,grid_periodicity,agreement,beats_with_onsets,bpm_tested,acc1,acc2,beat_periodicity,beat_agreement,salience,chords");
            for (int a = 1; a < args.length; a++) {
                Path dir = Path.of(args[a]);
                String set = dir.getParent().getParent().getParent().getFileName() + "/" + dir.getFileName();
                List<String[]> labels = new ArrayList<>();
                List<String> lines = Files.readAllLines(dir.resolve("labels.csv"));
                for (String l : lines.subList(1, lines.size())) {
                    labels.add(l.split(","));
                }
                List<String> tempoless = new ArrayList<>();
                if (Files.isDirectory(dir.resolve("tempoless"))) {
                    try (Stream<Path> s = Files.list(dir.resolve("tempoless"))) {
                        s.map(p -> "tempoless/" + p.getFileName())
                                .filter(f -> (f.endsWith(".wav") || f.endsWith(".flac")) && !f.contains(".render.") && !f.contains(".raw."))
                                .sorted().forEach(tempoless::add);
                    }
                }
                int n = 0;
                int acc1 = 0;
                int acc2 = 0;
                int unstable = 0;
                List<String> misses = new ArrayList<>();
                for (String[] lab : labels) {
                    String f = lab[0];
                    double ref = Double.parseDouble(lab[2]);
                    boolean[] fresh = new boolean[1];
                    Curves c = curves(cache, dir, f, fresh);
                    decoded += fresh[0] ? 1 : 0;
                    long c0 = cpu.getCurrentThreadCpuTime();
                    TempoEstimator t = TempoEstimator.replay(c.onset, c.change, c.rate, c.hop, estimator());
                    finishNs += cpu.getCurrentThreadCpuTime() - c0;
                    finishes++;
                    TempoEstimate e = t.result();
                    double bpm = e.bpm() == null ? Double.NaN : e.bpm();
                    boolean a1 = AnalysisBench.accuracy1(ref, bpm);
                    boolean a2 = AnalysisBench.accuracy2(ref, bpm);
                    n++;
                    acc1 += a1 ? 1 : 0;
                    acc2 += a2 ? 1 : 0;
                    unstable += e.bpm() == null ? 1 : 0;
                    if (!a1) {
                        misses.add(String.format(Locale.ROOT, "%s %s%s->%s", f.replaceAll(".*/|\\..*", ""), lab[2].replace(".0", ""),
                                "true".equals(lab[3]) ? "d" : "", e.bpm() == null ? "none" : String.format(Locale.ROOT, "%.1f", bpm)));
                    }
                    row(csv, set, f, lab[2], lab[3], t, a1, a2);
                }
                int tlStable = 0;
                for (String f : tempoless) {
                    boolean[] fresh = new boolean[1];
                    Curves c = curves(cache, dir, f, fresh);
                    decoded += fresh[0] ? 1 : 0;
                    TempoEstimator t = TempoEstimator.replay(c.onset, c.change, c.rate, c.hop, estimator());
                    boolean stable = t.result().stable();
                    tlStable += stable ? 1 : 0;
                    String sha = sha(dir.resolve(f));
                    tempolessByContent.put(sha, stable);
                    tempolessName.putIfAbsent(sha, set + "/" + f);
                    row(csv, set, f, "", "", t, false, false);
                }
                musicN += n;
                acc1All += acc1;
                acc2All += acc2;
                unstableMusicAll += unstable;
                table.append(String.format(Locale.ROOT, "| %s | %d | %.3f (%d) | %.3f (%d) | %d | %s | %s |%n", set, n, acc1 / (double) n, acc1,
                        acc2 / (double) n, acc2, unstable, tempoless.isEmpty() ? "–" : (tempoless.size() - tlStable) + "/" + tempoless.size(),
                        String.join(", ", misses)));
            }
        }
        int distinct = tempolessByContent.size();
        long distinctNoTempo = tempolessByContent.values().stream().filter(s -> !s).count();
        System.out.println("| corpus | pieces | Acc1 | Acc2 | music \"no stable tempo\" | tempo-less \"no stable tempo\" | Acc1 misses (file label[d = drums]->estimate) |");
        System.out.println("|---|---|---|---|---|---|---|");
        System.out.print(table);
        System.out.printf(Locale.ROOT, "| **pooled** | %d | %.3f (%d) | %.3f (%d) | %d | %d/%d distinct | |%n", musicN, acc1All / (double) musicN, acc1All,
                acc2All / (double) musicN, acc2All, unstableMusicAll, distinctNoTempo, distinct);
        List<String> wrong = new ArrayList<>();
        tempolessByContent.forEach((sha, stable) -> {
            if (stable) {
                wrong.add(tempolessName.get(sha));
            }
        });
        if (!wrong.isEmpty()) {
            System.out.println("tempo-less files given a tempo: " + wrong);
        }
        System.out.printf(Locale.ROOT, "finish() on the %d music pieces: %.0f ms thread CPU in all, %.2f ms per file%n", finishes,
                finishNs / 1e6, finishNs / 1e6 / Math.max(1, finishes));
        System.err.printf(Locale.ROOT, "%d files decoded (the rest from %s), %.1f s; details in %s%n", decoded, cache,
                (System.nanoTime() - t0) / 1e9, cache.resolve("replay.csv"));
    }

    /**
     * The estimator to replay into: the shipped defaults, or the tuning parameters given as system
     * properties tempo.prior (prior centre, BPM), tempo.offbeat (off-beat ratio), tempo.offbeat.nochords
     * (the off-beat ratio of files without chord changes), tempo.change (harmonic-rhythm weight), for
     * sweeps on tuning sets.
     */
    private static TempoEstimator estimator() {
        return new TempoEstimator(Double.parseDouble(System.getProperty("tempo.prior", String.valueOf(TempoEstimator.PRIOR_CENTRE_BPM))),
                Double.parseDouble(System.getProperty("tempo.offbeat", String.valueOf(TempoEstimator.OFFBEAT_RATIO))),
                Double.parseDouble(System.getProperty("tempo.offbeat.nochords", String.valueOf(TempoEstimator.OFFBEAT_RATIO_WITHOUT_CHORDS))),
                Double.parseDouble(System.getProperty("tempo.change", String.valueOf(TempoEstimator.CHANGE_WEIGHT))));
    }

    private static void row(PrintWriter csv, String set, String f, String ref, String drums, TempoEstimator t, boolean a1, boolean a2) {
        TempoEstimate e = t.result();
        double[] s = t.stats;
        csv.printf(Locale.ROOT, "%s,%s,%s,%s,%s,%b,%.3f,%s,%s,%s,%s,%b,%b,%s,%s%n", set, f, ref, drums,
                e.bpm() == null ? "-" : String.format(Locale.ROOT, "%.1f", e.bpm()), e.stable(), e.confidence(),
                s.length > 0 ? String.format(Locale.ROOT, "%.4f", s[0]) : "", s.length > 1 ? String.format(Locale.ROOT, "%.3f", s[1]) : "",
                s.length > 2 ? String.format(Locale.ROOT, "%.0f", s[2]) : "", s.length > 3 ? String.format(Locale.ROOT, "%.4f", s[3]) : "", a1, a2,
                s.length > 5 ? String.format(Locale.ROOT, "%.4f,%.3f", s[4], s[5]) : ",",
                s.length > 7 ? String.format(Locale.ROOT, "%.4f,%.5f", s[6], s[7]) : ",");
    }

    /** The curves of one file, from the cache or decoded (and cached) now. */
    private static Curves curves(Path cache, Path dir, String file, boolean[] fresh) throws Exception {
        Path abs = dir.toAbsolutePath().normalize().resolve(file);
        Path c = cache.resolve("curves").resolve(abs.toString().substring(1).replace('/', '_') + ".bin");
        if (Files.exists(c) && Files.getLastModifiedTime(c).compareTo(Files.getLastModifiedTime(abs)) > 0) {
            try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(c)))) {
                int rate = in.readInt();
                int hop = in.readInt();
                int n = in.readInt();
                float[] o = new float[n];
                float[] h = new float[n];
                for (int i = 0; i < n; i++) {
                    o[i] = in.readFloat();
                }
                for (int i = 0; i < n; i++) {
                    h[i] = in.readFloat();
                }
                return new Curves(o, h, rate, hop);
            }
        }
        TempoEstimator t = new TempoEstimator();
        try (AudioDecoder d = AudioDecoder.open(abs)) {
            d.decode(PcmSink.DISCARD, AudioAnalyzer.ANALYSIS_RATE,
                    new FrameDispatcher(AudioAnalyzer.FRAME_SIZE, AudioAnalyzer.HOP, new ArrayList<FrameProcessor>(List.of(t))));
        }
        Curves cv = new Curves(t.onsetCurve(), t.changeCurve(), t.rate(), t.hop());
        Files.createDirectories(c.getParent());
        try (DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(c)))) {
            out.writeInt(cv.rate);
            out.writeInt(cv.hop);
            out.writeInt(cv.onset.length);
            for (float v : cv.onset) {
                out.writeFloat(v);
            }
            for (float v : cv.change) {
                out.writeFloat(v);
            }
        }
        fresh[0] = true;
        return cv;
    }

    private static String sha(Path f) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
