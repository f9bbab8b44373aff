package dev.audiocat.features.tonal;

import dev.audiocat.bench.AnalysisBench;
import dev.audiocat.features.AudioAnalyzer;
import dev.audiocat.features.decode.AudioDecoder;
import dev.audiocat.features.decode.PcmSink;
import dev.audiocat.features.dsp.FrameDispatcher;
import dev.audiocat.features.dsp.FrameProcessor;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The key replay harness (bench/analysis/key-replay.sh): pools the bench's labelled corpora, decodes each
 * file once through {@link AudioDecoder} and {@link FrameDispatcher} exactly as {@link AudioAnalyzer} does,
 * caches {@link KeyDetector}'s per-block profiles ({@link KeyDetector#addBlock}: 16 tonal frames, 120 bins,
 * whole range and bass register, with the tuning estimated so far) and the file's final tuning, and re-runs
 * the per-track work of the code on the classpath ({@code addBlock} for every cached block, then
 * {@code decide}) for the shipped detector and the variants named in {@code key.variants}.
 *
 * <p>Prints, per corpus and pooled, the MIREX weighted score and exact count of every variant beside
 * essentia.js's three profiles (read from the corpus's cached {@code peers-essentia.tsv}, when present),
 * then every error of the first variant (or of the one named, or numbered from 0, by {@code key.errors}) with
 * its label, essentia.js bgate's answer, the error type
 * (fifth, relative, parallel, other) and the piece's structure (hard sets). Writes every file's answers
 * to {@code <cache>/replay.csv}.
 *
 * <p>Usage: {@code KeyReplay <cache dir> <corpus dir>...}; {@code key.variants} names the variants to run, separated
 * by ';' (a '_' in a name stands for a space).
 */
public final class KeyReplay {

    /** One file's cached blocks: per block the 120-bin profile and bass profile, its frames, the tuning then. */
    record Blocks(double[][] profile, double[][] bass, int[] frames, double[] tuning, double finalTuning) {
    }

    /** The shipped detector and the variants: name and how to build the detector that replays the blocks. */
    static final Map<String, java.util.function.Supplier<KeyDetector>> VARIANTS = new LinkedHashMap<>();

    static {
        VARIANTS.put("shipped", KeyDetector::new);
        VARIANTS.put("session 7 (without the bass profile)", () -> KeyDetector.withCues(false, false, true, true));
        VARIANTS.put("session 4 (profile + cadences + chords)", () -> KeyDetector.withCues(false, false, true, true, false, false));
        VARIANTS.put("without the closing section", () -> KeyDetector.withCues(false, true, true, true, false, true));
        VARIANTS.put("without natural minor", () -> KeyDetector.withCues(false, true, true, true, true, false));
        VARIANTS.put("+ final chord", () -> KeyDetector.withCues(true, true, true, true));
        for (double bw : new double[] {0.2, 0.3, 0.5, 0.6}) {
            VARIANTS.put("bass weight " + bw, () -> new KeyDetector(KeyDetector.END_SECONDS, 0, bw, KeyDetector.CADENCE_WEIGHT,
                    KeyDetector.CHORD_WEIGHT, KeyDetector.TAIL_WEIGHT, true));
        }
        VARIANTS.put("profile alone", () -> KeyDetector.withCues(false, false, false, false, false, false));
    }

    public static void main(String[] args) throws Exception {
        Path cache = Path.of(args[0]);
        Files.createDirectories(cache);
        long t0 = System.nanoTime();
        List<String> names = new ArrayList<>(VARIANTS.keySet());
        String only = System.getProperty("key.variants");
        if (only != null) {
            names.removeIf(n -> !java.util.Arrays.asList(only.split(";")).contains(n.replace(' ', '_')));
        }
        String[] ess = {"bgate", "edma", "temperley"};
        String errorsOf = System.getProperty("key.errors", names.get(0));
        int ev = errorsOf.matches("\\d+") ? Integer.parseInt(errorsOf) : Math.max(0, names.indexOf(errorsOf));
        int cols = names.size() + ess.length;
        double[] pooled = new double[cols];
        int[] pooledExact = new int[cols];
        int pooledN = 0;
        int pooledEssN = 0;
        int decoded = 0;
        java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
        long[] replayNs = new long[names.size()];
        StringBuilder table = new StringBuilder();
        StringBuilder errors = new StringBuilder();
        try (PrintWriter csv = new PrintWriter(Files.newBufferedWriter(cache.resolve("replay.csv")))) {
            csv.println("corpus,file,label,structure," + String.join(",", names) + ",ess_bgate,ess_edma,ess_temperley");
            for (int a = 1; a < args.length; a++) {
                Path dir = Path.of(args[a]);
                String set = dir.getParent().getParent().getParent().getFileName() + "/" + dir.getFileName();
                List<String> lines = Files.readAllLines(dir.resolve("labels.csv"));
                int structCol = java.util.Arrays.asList(lines.get(0).split(",")).indexOf("structure");
                Map<String, Map<String, String>> essByFile = essentia(dir);
                double[] score = new double[cols];
                int[] exact = new int[cols];
                int n = 0;
                int essN = 0;
                for (String l : lines.subList(1, lines.size())) {
                    String[] lab = l.split(",");
                    String f = lab[0];
                    String[] key = lab[1].split(" ");
                    int refTonic = AnalysisBench.pc(key[0]);
                    boolean refMinor = "minor".equals(key[1]);
                    boolean[] fresh = new boolean[1];
                    Blocks b = blocks(cache, dir, f, fresh);
                    decoded += fresh[0] ? 1 : 0;
                    n++;
                    String[] answers = new String[cols];
                    for (int v = 0; v < names.size(); v++) {
                        long c0 = cpu.getCurrentThreadCpuTime();
                        KeyEstimate e = replay(b, VARIANTS.get(names.get(v)).get());
                        replayNs[v] += cpu.getCurrentThreadCpuTime() - c0;
                        double s = e == null ? 0 : AnalysisBench.mirex(refTonic, refMinor, AnalysisBench.pc(e.tonic()), "minor".equals(e.mode()));
                        score[v] += s;
                        exact[v] += s == 1 ? 1 : 0;
                        answers[v] = e == null ? "-" : e.tonic() + " " + e.mode();
                    }
                    Map<String, String> em = essByFile.get(dir.resolve(f).toAbsolutePath().normalize().toString());
                    if (em != null) {
                        essN++;
                        for (int j = 0; j < ess.length; j++) {
                            String t = em.get(ess[j] + ".key");
                            String m = em.get(ess[j] + ".scale");
                            double s = AnalysisBench.mirex(refTonic, refMinor, AnalysisBench.pc(t), "minor".equals(m));
                            score[names.size() + j] += s;
                            exact[names.size() + j] += s == 1 ? 1 : 0;
                            answers[names.size() + j] = norm(t) + " " + m;
                        }
                    }
                    String structure = structCol >= 0 && lab.length > structCol ? lab[structCol] : "";
                    csv.printf(Locale.ROOT, "%s,%s,%s,%s,%s%n", set, f, lab[1], structure, String.join(",", java.util.Arrays.stream(answers)
                            .map(x -> x == null ? "" : x).toList()));
                    if (!answers[ev].equals(lab[1])) {
                        String[] est = answers[ev].split(" ");
                        if (SEGMENTS > 0) {
                            structure += " local:" + localKeys(b);
                        }
                        errors.append(String.format(Locale.ROOT, "| %s %s | %s | %s | %s | %s | %s |%n", set.replaceAll("/.*", ""),
                                f.replaceAll(".*/|\\..*", ""), lab[1], answers[ev], answers.length > names.size() && answers[names.size()] != null
                                        ? answers[names.size()] : "–", errorType(refTonic, refMinor, est), structure));
                    }
                }
                StringBuilder row = new StringBuilder("| " + set + " | " + n + " |");
                for (int c = 0; c < cols; c++) {
                    int nn = c < names.size() ? n : essN;
                    row.append(nn == 0 ? " – |" : String.format(Locale.ROOT, " %.3f (%d) |", score[c] / nn, exact[c]));
                    pooled[c] += nn == 0 ? 0 : score[c];
                    pooledExact[c] += exact[c];
                }
                table.append(row).append('\n');
                pooledN += n;
                pooledEssN += essN;
            }
        }
        StringBuilder head = new StringBuilder("| corpus | pieces |");
        StringBuilder rule = new StringBuilder("|---|---|");
        for (String nm : names) {
            head.append(' ').append(nm).append(" |");
            rule.append("---|");
        }
        for (String e : ess) {
            head.append(" essentia.js ").append(e).append(" |");
            rule.append("---|");
        }
        System.out.println(head);
        System.out.println(rule);
        System.out.print(table);
        StringBuilder row = new StringBuilder("| **pooled** | " + pooledN + " |");
        for (int c = 0; c < cols; c++) {
            int nn = c < names.size() ? pooledN : pooledEssN;
            row.append(String.format(Locale.ROOT, " %.3f (%d/%d) |", pooled[c] / Math.max(1, nn), pooledExact[c], nn));
        }
        System.out.println(row);
        System.out.println();
        System.out.println("Errors of '" + names.get(ev) + "':");
        System.out.println();
        System.out.println("| piece | label | ours | essentia.js bgate | error | structure |");
        System.out.println("|---|---|---|---|---|---|");
        System.out.print(errors);
        System.out.println();
        for (int v = 0; v < names.size(); v++) {
            System.out.printf(Locale.ROOT, "replay (addBlock + decide) of '%s': %.2f ms thread CPU per file%n", names.get(v), replayNs[v] / 1e6 / pooledN);
        }
        System.err.printf(Locale.ROOT, "%d files decoded (the rest from %s), %.1f s; details in %s%n", decoded, cache,
                (System.nanoTime() - t0) / 1e9, cache.resolve("replay.csv"));
    }

    /** Blocks per local key in the error list (key.segments; 0 = none). */
    static final int SEGMENTS = Integer.getInteger("key.segments", 0);

    /** The shipped detector's answer on every {@link #SEGMENTS} blocks alone, as "Am Am C ...". */
    static String localKeys(Blocks b) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < b.frames().length; i += SEGMENTS) {
            int j = Math.min(b.frames().length, i + SEGMENTS);
            KeyDetector k = new KeyDetector();
            for (int x = i; x < j; x++) {
                k.addBlock(b.profile()[x], b.bass()[x], b.frames()[x], b.tuning()[x]);
            }
            k.decide(b.finalTuning());
            KeyEstimate e = k.result();
            out.append(' ').append(e == null ? "-" : e.tonic() + ("minor".equals(e.mode()) ? "m" : ""));
        }
        return out.toString();
    }

    /** Feeds the cached blocks to {@code k} and takes its decision. */
    static KeyEstimate replay(Blocks b, KeyDetector k) {
        for (int i = 0; i < b.frames().length; i++) {
            k.addBlock(b.profile()[i], b.bass()[i], b.frames()[i], b.tuning()[i]);
        }
        k.decide(b.finalTuning());
        return k.result();
    }

    static String norm(String name) {
        int p = AnalysisBench.pc(name);
        return p < 0 ? String.valueOf(name) : KeyDetector.PITCH_CLASSES[p];
    }

    /** fifth (either way, same mode), relative, parallel, or other; "none" without an answer. */
    static String errorType(int refTonic, boolean refMinor, String[] est) {
        if (est.length < 2) {
            return "none";
        }
        int t = AnalysisBench.pc(est[0]);
        boolean minor = "minor".equals(est[1]);
        double s = AnalysisBench.mirex(refTonic, refMinor, t, minor);
        int up = Math.floorMod(t - refTonic, 12);
        return s == 0.5 ? (up == 7 ? "fifth (V)" : "fifth (IV)") : s == 0.3 ? "relative" : s == 0.2 ? "parallel" : "other (" + up + (minor ? "m" : "") + ")";
    }

    /** essentia.js's answers from the corpus's peers-essentia.tsv, by absolute file name. */
    static Map<String, Map<String, String>> essentia(Path dir) throws Exception {
        Map<String, Map<String, String>> out = new HashMap<>();
        Path tsv = dir.resolve("peers-essentia.tsv");
        if (!Files.exists(tsv)) {
            return out;
        }
        for (String line : Files.readAllLines(tsv)) {
            int tab = line.indexOf('\t');
            Map<String, String> m = AnalysisBench.flatJson(line.substring(tab + 1));
            if (m.containsKey("file")) {
                // by the path under the corpus dir: some corpora were copied from another home
                Path fp = Path.of(m.get("file"));
                out.put(dir.resolve(fp.getParent().getFileName().toString()).resolve(fp.getFileName().toString()).toAbsolutePath().normalize()
                        .toString(), m);
            }
        }
        return out;
    }

    /** The blocks of one file, from the cache or decoded (and cached) now. */
    static Blocks blocks(Path cache, Path dir, String file, boolean[] fresh) throws Exception {
        Path abs = dir.toAbsolutePath().normalize().resolve(file);
        Path c = cache.resolve("blocks").resolve(abs.toString().substring(1).replace('/', '_') + ".bin");
        if (Files.exists(c) && Files.getLastModifiedTime(c).compareTo(Files.getLastModifiedTime(abs)) > 0) {
            try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(c)))) {
                double fin = in.readDouble();
                int n = in.readInt();
                double[][] p = new double[n][120];
                double[][] bs = new double[n][120];
                int[] fr = new int[n];
                double[] tu = new double[n];
                for (int i = 0; i < n; i++) {
                    fr[i] = in.readInt();
                    tu[i] = in.readDouble();
                    for (int j = 0; j < 120; j++) {
                        p[i][j] = in.readDouble();
                    }
                    for (int j = 0; j < 120; j++) {
                        bs[i][j] = in.readDouble();
                    }
                }
                return new Blocks(p, bs, fr, tu, fin);
            }
        }
        // bass on so that the bass-register profile is computed too (for variants that use it)
        KeyDetector k = KeyDetector.withCues(false, true, true, true);
        List<double[]> p = new ArrayList<>();
        List<double[]> bs = new ArrayList<>();
        List<Integer> fr = new ArrayList<>();
        List<Double> tu = new ArrayList<>();
        k.tap = (profile, bass, frames, tuning) -> {
            p.add(profile.clone());
            bs.add(bass.clone());
            fr.add(frames);
            tu.add(tuning);
        };
        try (AudioDecoder d = AudioDecoder.open(abs)) {
            d.decode(PcmSink.DISCARD, AudioAnalyzer.ANALYSIS_RATE,
                    new FrameDispatcher(AudioAnalyzer.FRAME_SIZE, AudioAnalyzer.HOP, new ArrayList<FrameProcessor>(List.of(k))));
        }
        KeyEstimate e = k.result();
        double fin = e == null ? 0 : 1200 * Math.log(e.tuningHz() / 440.0) / Math.log(2);
        Blocks b = new Blocks(p.toArray(new double[0][]), bs.toArray(new double[0][]), fr.stream().mapToInt(Integer::intValue).toArray(),
                tu.stream().mapToDouble(Double::doubleValue).toArray(), fin);
        Files.createDirectories(c.getParent());
        try (DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(c)))) {
            out.writeDouble(fin);
            out.writeInt(fr.size());
            for (int i = 0; i < fr.size(); i++) {
                out.writeInt(b.frames()[i]);
                out.writeDouble(b.tuning()[i]);
                for (double v : b.profile()[i]) {
                    out.writeDouble(v);
                }
                for (double v : b.bass()[i]) {
                    out.writeDouble(v);
                }
            }
        }
        fresh[0] = true;
        return b;
    }
}
