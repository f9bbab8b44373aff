package dev.audiocat.bench;

import dev.audiocat.features.AnalysisResult;
import dev.audiocat.features.AudioAnalyzer;
import dev.audiocat.features.decode.AudioDecoder;
import dev.audiocat.features.decode.PcmSink;
import dev.audiocat.features.dsp.FrameDispatcher;
import dev.audiocat.features.quality.QcFlag;
import dev.audiocat.features.tonal.KeyDetector;
import dev.audiocat.features.tonal.KeyEstimate;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Key, tempo, QC and throughput of audiocat's analysis beside essentia.js, aubio and soundstretch on
 * the generated corpus. Run through bench/analysis/run.sh; prints a Markdown report and writes it
 * to {@code <corpus>/results.md}.
 */
public final class AnalysisBench {

    public static void main(String[] args) throws Exception {
        Path given = Path.of(args.length > 0 ? args[0] : "target/bench-analysis");
        int pieces = args.length > 1 ? Integer.parseInt(args[1]) : 48;
        long seed = args.length > 2 ? Long.parseLong(args[2]) : 20261122L;
        String nodeScript = args.length > 3 ? args[3] : "bench/analysis/essentia_peer.js";
        boolean peers = !Arrays.asList(args).contains("--no-peers");
        // --hard: the hard key set (Corpus.buildHard), music only, in a corpus directory of its own
        boolean hard = Arrays.asList(args).contains("--hard");
        Path dir = hard ? given.resolveSibling(given.getFileName() + "-hard") : given;

        long c0 = System.nanoTime();
        Corpus corpus = new Corpus(dir, seed);
        corpus.hard = hard;
        if (hard) {
            corpus.buildMusic(pieces);
        } else {
            corpus.build(pieces);
        }
        System.err.printf("corpus ready in %.0f s: %d pieces, %d tempo-less, %d QC files%n",
                (System.nanoTime() - c0) / 1e9, corpus.pieces.size(), corpus.tempoless.size(), corpus.qcFiles.size());

        List<String> music = new ArrayList<>();
        for (Corpus.Piece p : corpus.pieces) {
            music.add("music/" + p.name() + "." + p.format());
        }
        AudioAnalyzer analyzer = AudioAnalyzer.builder().build();
        for (int i = 0; i < 3; i++) { // JIT warm-up
            analyzer.analyze(dir.resolve(music.get(i)));
        }
        Map<String, AnalysisResult> ours = new HashMap<>();
        Map<String, Double> oursMs = new HashMap<>();
        List<String> all = new ArrayList<>(music);
        all.addAll(corpus.tempoless);
        all.addAll(corpus.qcFiles);
        // CPU time of this thread (FFmpeg runs in it through JNI): the machine is shared, so wall
        // time measures the neighbours too. Both are reported.
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        Map<String, Double> oursCpuMs = new HashMap<>();
        for (String f : all) {
            long t0 = System.nanoTime();
            long cpu0 = cpu.getCurrentThreadCpuTime();
            ours.put(f, analyzer.analyze(dir.resolve(f)));
            oursCpuMs.put(f, (cpu.getCurrentThreadCpuTime() - cpu0) / 1e6);
            oursMs.put(f, (System.nanoTime() - t0) / 1e6);
        }
        // Ablation, not timed: the default (profile + V-I cadences + chord durations) with an optional cue
        // added, without the chord durations (the previous default), and the profile alone.
        Map<String, Map<String, KeyEstimate>> ablation = new LinkedHashMap<>();
        for (String row : ABLATIONS) {
            ablation.put(row, new HashMap<>());
        }
        for (String f : music) {
            List<KeyDetector> ks = List.of(KeyDetector.withCues(true, true, true, true), KeyDetector.withCues(false, false, true, true),
                    KeyDetector.withCues(false, true, true, true, false, true), KeyDetector.withCues(false, true, true, true, true, false),
                    KeyDetector.withCues(false, false, true, true, false, false), KeyDetector.withCues(false, false, false, false, false, false));
            try (AudioDecoder d = AudioDecoder.open(dir.resolve(f))) {
                d.decode(PcmSink.DISCARD, AudioAnalyzer.ANALYSIS_RATE,
                        new FrameDispatcher(AudioAnalyzer.FRAME_SIZE, AudioAnalyzer.HOP, new ArrayList<>(ks)));
            }
            for (int i = 0; i < ABLATIONS.size(); i++) {
                ablation.get(ABLATIONS.get(i)).put(f, ks.get(i).result());
            }
        }
        // Issue 3's analysis set (identity, loudness, key, tempo, QC) without the fingerprints of issue 4.
        AudioAnalyzer lean = AudioAnalyzer.builder().fingerprints(false).build();
        Map<String, Double> leanMs = new HashMap<>();
        Map<String, Double> leanCpuMs = new HashMap<>();
        for (String f : music) {
            long t0 = System.nanoTime();
            long cpu0 = cpu.getCurrentThreadCpuTime();
            lean.analyze(dir.resolve(f));
            leanCpuMs.put(f, (cpu.getCurrentThreadCpuTime() - cpu0) / 1e6);
            leanMs.put(f, (System.nanoTime() - t0) / 1e6);
        }
        Map<String, Double> decodeMs = new HashMap<>();
        Map<String, Double> decodeCpuMs = new HashMap<>();
        for (String f : music) {
            long t0 = System.nanoTime();
            long cpu0 = cpu.getCurrentThreadCpuTime();
            try (AudioDecoder d = AudioDecoder.open(dir.resolve(f))) {
                d.decode(PcmSink.DISCARD, AudioAnalyzer.ANALYSIS_RATE, PcmSink.DISCARD);
            }
            decodeCpuMs.put(f, (cpu.getCurrentThreadCpuTime() - cpu0) / 1e6);
            decodeMs.put(f, (System.nanoTime() - t0) / 1e6);
        }

        List<String> tempoFiles = new ArrayList<>(music);
        tempoFiles.addAll(corpus.tempoless);
        Map<String, Map<String, String>> ess = new HashMap<>();
        Map<String, Double> aubioBpm = new HashMap<>();
        Map<String, Double> aubioMs = new HashMap<>();
        Map<String, Double> ssBpm = new HashMap<>();
        Map<String, Double> ssMs = new HashMap<>();
        Map<String, Double> aubioCpuMs = new HashMap<>();
        Map<String, Double> ssCpuMs = new HashMap<>();
        if (peers) {
            // Peer results are cached per corpus and peer in peers-<peer>.tsv (they do not depend on
            // audiocat's code); delete a file to measure that peer again.
            Path times = dir.resolve("time.txt");
            Path essCache = dir.resolve("peers-essentia.tsv");
            if (!Files.exists(essCache)) {
                Path list = dir.resolve("files.txt");
                Files.write(list, tempoFiles.stream().map(f -> dir.resolve(f).toString()).toList());
                List<String> rows = new ArrayList<>();
                String out = Tools.run("node", nodeScript, list.toString());
                for (String line : out.split("\n")) {
                    if (line.startsWith("{")) {
                        rows.add("essentia\t" + line);
                    }
                }
                Files.write(essCache, rows);
            }
            Path aubioCache = dir.resolve("peers-aubio.tsv");
            if (!Files.exists(aubioCache)) {
                List<String> rows = new ArrayList<>();
                for (String f : tempoFiles) {
                    long t0 = System.nanoTime();
                    String out = Tools.run("/usr/bin/time", "-f", "%U %S", "-o", times.toString(), "aubio", "tempo", "-i", dir.resolve(f).toString());
                    double ms = (System.nanoTime() - t0) / 1e6;
                    Matcher m = Pattern.compile("([0-9.]+) bpm").matcher(out); // aubio tempo prints "130.26 bpm"
                    rows.add(String.format(Locale.ROOT, "aubio\t%s\t%s\t%.1f\t%.1f", f, m.find() ? m.group(1) : "NaN", ms, cpuMs(times)));
                }
                Files.write(aubioCache, rows);
            }
            Path ssCache = dir.resolve("peers-soundstretch.tsv");
            if (!Files.exists(ssCache)) {
                List<String> rows = new ArrayList<>();
                for (String f : tempoFiles) {
                    Path wav = dir.resolve(f);
                    if (!f.endsWith(".wav")) {
                        wav = dir.resolve("ss.wav");
                        Tools.run("ffmpeg", "-v", "error", "-y", "-i", dir.resolve(f).toString(), "-c:a", "pcm_s16le", wav.toString());
                    }
                    long t0 = System.nanoTime();
                    String ss = Tools.run("/usr/bin/time", "-f", "%U %S", "-o", times.toString(), "soundstretch", wav.toString(), "-bpm");
                    double ms = (System.nanoTime() - t0) / 1e6;
                    Matcher m = Pattern.compile("Detected BPM rate ([0-9.]+)").matcher(ss);
                    rows.add(String.format(Locale.ROOT, "soundstretch\t%s\t%s\t%.1f\t%.1f", f, m.find() ? m.group(1) : "NaN", ms, cpuMs(times)));
                }
                Files.write(ssCache, rows);
            }
            List<String> cached = new ArrayList<>(Files.readAllLines(essCache));
            cached.addAll(Files.readAllLines(aubioCache));
            cached.addAll(Files.readAllLines(ssCache));
            for (String row : cached) {
                String[] c = row.split("\t");
                switch (c[0]) {
                    case "essentia" -> {
                        Map<String, String> m = flatJson(c[1]);
                        // "music/p00.wav": the cache holds absolute paths, and the corpus may have been moved since
                        Path abs = Path.of(m.get("file"));
                        ess.put(abs.getParent().getFileName() + "/" + abs.getFileName(), m);
                    }
                    case "aubio" -> {
                        aubioBpm.put(c[1], Double.parseDouble(c[2]));
                        aubioMs.put(c[1], Double.parseDouble(c[3]));
                        aubioCpuMs.put(c[1], Double.parseDouble(c[4]));
                    }
                    case "soundstretch" -> {
                        ssBpm.put(c[1], Double.parseDouble(c[2]));
                        ssMs.put(c[1], Double.parseDouble(c[3]));
                        ssCpuMs.put(c[1], Double.parseDouble(c[4]));
                    }
                    default -> throw new IllegalStateException("bad row in the peer cache: " + row);
                }
            }
        }

        StringBuilder md = new StringBuilder();
        report(md, dir, corpus, music, ours, ablation, oursMs, decodeMs, ess, aubioBpm, aubioMs, ssBpm, ssMs, peers);
        throughput(md, music, ours, oursMs, oursCpuMs, leanMs, leanCpuMs, decodeMs, decodeCpuMs, ess, aubioMs, aubioCpuMs, ssMs, ssCpuMs, peers);
        Files.writeString(dir.resolve("results.md"), md);
        System.out.println(md);
        writeDetails(dir, corpus, music, ours, ess, aubioBpm, ssBpm);
    }

    /** The key ablation rows, in the order of the detectors built for them in main. */
    static final List<String> ABLATIONS = List.of("+ final-chord cue (0.3)", "without the bass profile (= session 7)", "without the closing section",
            "without the natural-minor profile", "session 4: profile + V-I cadences + chord durations (before session 7)",
            "whole-file profile alone");

    static void report(StringBuilder md, Path dir, Corpus corpus, List<String> music, Map<String, AnalysisResult> ours,
                       Map<String, Map<String, KeyEstimate>> ablation,
                       Map<String, Double> oursMs, Map<String, Double> decodeMs, Map<String, Map<String, String>> ess,
                       Map<String, Double> aubioBpm, Map<String, Double> aubioMs, Map<String, Double> ssBpm,
                       Map<String, Double> ssMs, boolean peers) {
        // ---- key
        double[] keyScore = new double[4];
        int n = corpus.pieces.size();
        int[] exact = new int[4];
        double[] ablationScore = new double[ABLATIONS.size()];
        int[] ablationExact = new int[ABLATIONS.size()];
        double detunedOurs = 0;
        double detunedEss = 0;
        int detuned = 0;
        double tuningErr = 0;
        String[] profiles = {"bgate", "edma", "temperley"};
        for (int i = 0; i < n; i++) {
            Corpus.Piece p = corpus.pieces.get(i);
            String f = music.get(i);
            var k = ours.get(f).key();
            double s = k == null ? 0 : mirex(p.tonic(), p.minor(), pc(k.tonic()), "minor".equals(k.mode()));
            keyScore[0] += s;
            exact[0] += s == 1 ? 1 : 0;
            for (int a = 0; a < ABLATIONS.size(); a++) {
                KeyEstimate po = ablation.get(ABLATIONS.get(a)).get(f);
                double sp = po == null ? 0 : mirex(p.tonic(), p.minor(), pc(po.tonic()), "minor".equals(po.mode()));
                ablationScore[a] += sp;
                ablationExact[a] += sp == 1 ? 1 : 0;
            }
            if (k != null) {
                tuningErr += Math.abs(1200 * Math.log(k.tuningHz() / 440) / Math.log(2) - p.detuneCents());
            }
            double bestEss = 0;
            for (int j = 0; j < 3 && peers; j++) {
                Map<String, String> e = ess.get(f);
                double se = e == null ? 0 : mirex(p.tonic(), p.minor(), pc(e.get(profiles[j] + ".key")),
                        "minor".equals(e.get(profiles[j] + ".scale")));
                keyScore[j + 1] += se;
                exact[j + 1] += se == 1 ? 1 : 0;
                bestEss = Math.max(bestEss, se);
            }
            if (p.detuneCents() != 0) {
                detuned++;
                detunedOurs += s;
                Map<String, String> e = ess.get(f);
                if (e != null) {
                    detunedEss += mirex(p.tonic(), p.minor(), pc(e.get("edma.key")), "minor".equals(e.get("edma.scale")));
                }
            }
        }
        md.append("### Key (").append(n).append(" pieces, 24 keys x with/without drums, 3 soundfonts, 4 formats)\n\n");
        md.append("| system | MIREX weighted score | exact |\n|---|---|---|\n");
        md.append(String.format(Locale.ROOT, "| audiocat KeyDetector | **%.3f** | %d/%d |%n", keyScore[0] / n, exact[0], n));
        for (int a = 0; a < ABLATIONS.size(); a++) {
            md.append(String.format(Locale.ROOT, "| audiocat KeyDetector %s (ablation) | %.3f | %d/%d |%n", ABLATIONS.get(a),
                    ablationScore[a] / n, ablationExact[a], n));
        }
        for (int j = 0; j < 3 && peers; j++) {
            md.append(String.format(Locale.ROOT, "| essentia.js KeyExtractor %s | %.3f | %d/%d |%n", profiles[j], keyScore[j + 1] / n, exact[j + 1], n));
        }
        md.append(String.format(Locale.ROOT, "%nOn the %d detuned pieces (-40..+40 cents): audiocat %.3f, essentia.js edma %.3f. "
                + "Mean tuning error of audiocat: %.1f cents.%n%n", detuned, detunedOurs / Math.max(1, detuned),
                detunedEss / Math.max(1, detuned), tuningErr / n));

        if (!corpus.hardInfo.isEmpty()) {
            // the hard set by ending (Corpus.Midi.hardPiece): MIREX per system
            md.append("By ending (hard set):\n\n| ending | pieces | audiocat | essentia.js bgate | edma | temperley |\n|---|---|---|---|---|---|\n");
            for (String ending : Corpus.Midi.ENDINGS) {
                double[] sum = new double[4];
                int count = 0;
                for (int i = 0; i < n; i++) {
                    Corpus.Piece p = corpus.pieces.get(i);
                    if (!corpus.hardInfo.get(p.name()).startsWith("ending=" + ending + " ")) {
                        continue;
                    }
                    count++;
                    var k = ours.get(music.get(i)).key();
                    sum[0] += k == null ? 0 : mirex(p.tonic(), p.minor(), pc(k.tonic()), "minor".equals(k.mode()));
                    Map<String, String> e = ess.get(music.get(i));
                    for (int j = 0; j < 3 && e != null; j++) {
                        sum[j + 1] += mirex(p.tonic(), p.minor(), pc(e.get(profiles[j] + ".key")), "minor".equals(e.get(profiles[j] + ".scale")));
                    }
                }
                md.append(String.format(Locale.ROOT, "| %s | %d | %.3f | %.3f | %.3f | %.3f |%n", ending, count, sum[0] / Math.max(1, count),
                        sum[1] / Math.max(1, count), sum[2] / Math.max(1, count), sum[3] / Math.max(1, count)));
            }
            md.append("\n");
        }

        // ---- tempo
        int[] acc1 = new int[4];
        int[] acc2 = new int[4];
        double offsetErr = 0;
        int offsetN = 0;
        int oursUnstableMusic = 0;
        for (int i = 0; i < n; i++) {
            Corpus.Piece p = corpus.pieces.get(i);
            String f = music.get(i);
            var t = ours.get(f).tempo();
            double[] est = {
                t.bpm() == null ? Double.NaN : t.bpm(),
                peers && ess.containsKey(f) ? Double.parseDouble(ess.get(f).get("percival.bpm")) : Double.NaN,
                aubioBpm.getOrDefault(f, Double.NaN),
                ssBpm.getOrDefault(f, Double.NaN),
            };
            for (int j = 0; j < 4; j++) {
                acc1[j] += accuracy1(p.bpm(), est[j]) ? 1 : 0;
                acc2[j] += accuracy2(p.bpm(), est[j]) ? 1 : 0;
            }
            if (t.bpm() == null) {
                oursUnstableMusic++;
            } else if (accuracy1(p.bpm(), t.bpm())) {
                double beat = 60 / p.bpm();
                double e = t.beatOffsetSeconds() % beat; // the MIDI's first beat is at 0
                offsetErr += Math.min(e, beat - e);
                offsetN++;
            }
        }
        int tl = corpus.tempoless.size();
        int oursNoTempo = 0;
        for (String f : corpus.tempoless) {
            oursNoTempo += ours.get(f).tempo().stable() ? 0 : 1;
        }
        md.append("### Tempo (").append(n).append(" pieces, 60-180 BPM, half with drums)\n\n");
        md.append("| system | Accuracy1 (±4%) | Accuracy2 (+ x2, x3, ½, ⅓) | says \"no stable tempo\" on the ").append(tl)
                .append(" tempo-less files |\n|---|---|---|---|\n");
        String[] names = {"audiocat TempoEstimator", "essentia.js PercivalBpmEstimator", "aubio tempo", "soundstretch -bpm"};
        for (int j = 0; j < (peers ? 4 : 1); j++) {
            md.append(String.format(Locale.ROOT, "| %s | %s%.3f%s | %.3f | %s |%n", names[j], j == 0 ? "**" : "", acc1[j] / (double) n,
                    j == 0 ? "**" : "", acc2[j] / (double) n, j == 0 ? oursNoTempo + "/" + tl : "never (always a BPM)"));
        }
        md.append(String.format(Locale.ROOT, "%naudiocat: %d music pieces reported as \"no stable tempo\"; mean beat-grid offset error %.0f ms "
                + "on the %d pieces with the right tempo.%n%n", oursUnstableMusic, 1000 * offsetErr / Math.max(1, offsetN), offsetN));

        // ---- QC
        md.append("### QC flags (").append(corpus.qcFiles.size()).append(" files: 8 clean renders and 11 damaged copies of each)\n\n");
        md.append("| flag | labelled | found | true pos. | precision | recall | mean position error (s) |\n|---|---|---|---|---|---|---|\n");
        Map<String, int[]> counts = new LinkedHashMap<>();
        Map<String, double[]> posErr = new HashMap<>();
        for (String type : List.of(QcFlag.CLIPPING, QcFlag.DIGITAL_SILENCE, QcFlag.NEAR_SILENCE, QcFlag.DC_OFFSET, QcFlag.MAINS_HUM,
                QcFlag.LIMITED_BANDWIDTH, QcFlag.DROPOUT, QcFlag.MONO_AS_STEREO, QcFlag.PHASE_INVERTED, QcFlag.TRUNCATED)) {
            counts.put(type, new int[3]); // labelled, found, tp
            posErr.put(type, new double[2]);
        }
        List<String> falsePositives = new ArrayList<>();
        // Round-trip copies under the label's bar: the file was lowpassed, so a flag is right, but the bar
        // does not require one; such flags are listed, not scored (neither found nor false).
        Set<String> underBar = new HashSet<>();
        for (String u : corpus.unlabelled) {
            underBar.add(u.substring(0, u.indexOf(',')));
        }
        List<String> flaggedUnderBar = new ArrayList<>();
        for (String f : corpus.qcFiles) {
            List<Corpus.QcLabel> labels = corpus.qcLabels.stream().filter(l -> l.file().equals(f)).toList();
            List<QcFlag> flags = ours.get(f).qcFlags();
            boolean[] used = new boolean[labels.size()];
            for (Corpus.QcLabel l : labels) {
                counts.get(l.type())[0]++;
            }
            for (QcFlag q : flags) {
                if (q.type().equals(QcFlag.LIMITED_BANDWIDTH) && underBar.contains(f)) {
                    flaggedUnderBar.add(f);
                    continue;
                }
                int[] c = counts.get(q.type());
                c[1]++;
                boolean hit = false;
                for (int i = 0; i < labels.size(); i++) {
                    Corpus.QcLabel l = labels.get(i);
                    if (!used[i] && l.type().equals(q.type()) && q.startSeconds() < l.end() + 1 && q.endSeconds() > l.start() - 1) {
                        used[i] = true;
                        hit = true;
                        c[2]++;
                        double[] pe = posErr.get(q.type());
                        pe[0] += (Math.abs(q.startSeconds() - l.start()) + Math.abs(q.endSeconds() - l.end())) / 2;
                        pe[1]++;
                        break;
                    }
                }
                if (!hit) {
                    falsePositives.add(f + ": " + q);
                }
            }
        }
        for (var e : counts.entrySet()) {
            int[] c = e.getValue();
            double[] pe = posErr.get(e.getKey());
            md.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %.2f | %.2f | %.3f |%n", e.getKey(), c[0], c[1], c[2],
                    c[1] == 0 ? 1.0 : c[2] / (double) c[1], c[0] == 0 ? 1.0 : c[2] / (double) c[0], pe[1] == 0 ? 0 : pe[0] / pe[1]));
        }
        if (!falsePositives.isEmpty()) {
            md.append("\nFalse positives:\n\n");
            for (String s : falsePositives.subList(0, Math.min(20, falsePositives.size()))) {
                md.append("- `").append(s).append("`\n");
            }
        }
        if (!corpus.unlabelled.isEmpty()) {
            md.append(String.format(Locale.ROOT, "%nNot labelled limited_bandwidth (the round trip removed < %.0f dB above its cutoff, "
                    + "qc_unlabelled.csv): %s. Flagged all the same (not scored: they were lowpassed, so the flag is right): %d of %d%s%n",
                    Corpus.MIN_REMOVED_DB, String.join("; ", corpus.unlabelled), flaggedUnderBar.size(), corpus.unlabelled.size(),
                    flaggedUnderBar.isEmpty() ? "" : " (" + String.join(", ", flaggedUnderBar) + ")"));
        }
        md.append("\nNo peer: none of essentia.js, aubio or soundstretch reports these flags.\n\n");

    }

    static void throughput(StringBuilder md, List<String> music, Map<String, AnalysisResult> ours, Map<String, Double> oursMs,
                           Map<String, Double> oursCpu, Map<String, Double> leanMs, Map<String, Double> leanCpu,
                           Map<String, Double> decodeMs, Map<String, Double> decodeCpu,
                           Map<String, Map<String, String>> ess, Map<String, Double> aubioMs, Map<String, Double> aubioCpu,
                           Map<String, Double> ssMs, Map<String, Double> ssCpu, boolean peers) {
        double audio = 0;
        double[] wall = new double[7]; // ours, decode, essentia key+bpm, essentia decode, aubio, soundstretch, ours without fingerprints
        double[] cpuT = new double[7];
        for (String f : music) {
            audio += ours.get(f).durationSeconds();
            wall[0] += oursMs.get(f);
            cpuT[0] += oursCpu.get(f);
            wall[6] += leanMs.get(f);
            cpuT[6] += leanCpu.get(f);
            wall[1] += decodeMs.get(f);
            cpuT[1] += decodeCpu.get(f);
            if (peers && ess.containsKey(f)) {
                Map<String, String> e = ess.get(f);
                wall[2] += Double.parseDouble(e.get("edma.ms")) + Double.parseDouble(e.get("percival.ms"));
                cpuT[2] += Double.parseDouble(e.get("edma.cpu_ms")) + Double.parseDouble(e.get("percival.cpu_ms"));
                wall[3] += Double.parseDouble(e.get("decode_ms"));
                wall[4] += aubioMs.get(f);
                cpuT[4] += aubioCpu.get(f);
                wall[5] += ssMs.get(f);
                cpuT[5] += ssCpu.get(f);
            }
        }
        double a = audio;
        md.append(String.format(Locale.ROOT, "### Throughput (%.1f min of music in %d files, one thread)%n%n", audio / 60, music.size()));
        md.append("x realtime = audio seconds / seconds spent. \"CPU\" is the process's or thread's CPU time, \"wall\" the elapsed time "
                + "(on a shared machine wall time also measures the neighbours).\n\n");
        md.append("| system | what is timed | x realtime per core (CPU) | x realtime (wall) |\n|---|---|---|---|\n");
        md.append(row("(a) audiocat, issue 3's analysis set (`fingerprints(false)`)",
                "SHA-256 + decode + PCM hash + R128/LRA/true peak + key + tempo + QC", a, cpuT[6], wall[6], true));
        md.append(row("(a) without decode", "(a) minus the decode-only row", a, cpuT[6] - cpuT[1], wall[6] - wall[1], false));
        md.append(row("(b) audiocat `AudioAnalyzer.analyze`, full single pass", "(a) + Chromaprint + landmark fingerprints", a, cpuT[0], wall[0], true));
        md.append(row("(b) without decode", "(b) minus the decode-only row", a, cpuT[0] - cpuT[1], wall[0] - wall[1], false));
        md.append(row("audiocat decode only", "FFmpeg decode + resample to 22.05 kHz mono", a, cpuT[1], wall[1], false));
        md.append(String.format(Locale.ROOT, "%nDecode share of CPU time: %.0f%% of (a), %.0f%% of (b).%n%n",
                100 * cpuT[1] / cpuT[6], 100 * cpuT[1] / cpuT[0]));
        if (peers) {
            md.append("| peer | what is timed | x realtime per core (CPU) | x realtime (wall) |\n|---|---|---|---|\n");
            md.append(row("essentia.js", "KeyExtractor (edma) + PercivalBpmEstimator, decode excluded", a, cpuT[2], wall[2], false));
            md.append(row("aubio tempo", "whole command, its own decode included", a, cpuT[4], wall[4], false));
            md.append(row("soundstretch -bpm", "whole command on WAV (other formats converted beforehand, not timed)", a, cpuT[5], wall[5], false));
        }
    }

    static String row(String name, String what, double audio, double cpuMs, double wallMs, boolean bold) {
        String b = bold ? "**" : "";
        return String.format(Locale.ROOT, "| %s | %s | %s%.0f%s | %.0f |%n", name, what, b, audio / (cpuMs / 1000), b, audio / (wallMs / 1000));
    }

    static double cpuMs(Path timeFile) throws java.io.IOException {
        String[] t = Files.readString(timeFile).trim().split("\\s+");
        return 1000 * (Double.parseDouble(t[t.length - 2]) + Double.parseDouble(t[t.length - 1]));
    }

    static void writeDetails(Path dir, Corpus corpus, List<String> music, Map<String, AnalysisResult> ours,
                             Map<String, Map<String, String>> ess, Map<String, Double> aubio, Map<String, Double> ss) throws Exception {
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(dir.resolve("details.csv")))) {
            w.println("file,label_key,label_bpm,drums,detune,soundfont,ours_key,ours_conf,ours_tuning,ours_bpm,ours_conf,ours_offset,"
                    + "ess_bgate,ess_edma,ess_temperley,ess_bpm,aubio_bpm,soundstretch_bpm");
            for (int i = 0; i < corpus.pieces.size(); i++) {
                Corpus.Piece p = corpus.pieces.get(i);
                String f = music.get(i);
                AnalysisResult r = ours.get(f);
                Map<String, String> e = ess.getOrDefault(f, Map.of());
                w.printf(Locale.ROOT, "%s,%s,%.1f,%b,%.0f,%s,%s,%.2f,%.1f,%s,%.2f,%s,%s,%s,%s,%s,%.1f,%.1f%n", f, p.keyLabel(), p.bpm(), p.drums(),
                        p.detuneCents(), Path.of(p.soundfont()).getFileName(),
                        r.key() == null ? "-" : r.key().tonic() + " " + r.key().mode(), r.key() == null ? 0 : r.key().confidence(),
                        r.key() == null ? 0 : r.key().tuningHz(), r.tempo().bpm() == null ? "-" : String.format(Locale.ROOT, "%.1f", r.tempo().bpm()),
                        r.tempo().confidence(), r.tempo().beatOffsetSeconds() == null ? "-" : String.format(Locale.ROOT, "%.3f", r.tempo().beatOffsetSeconds()),
                        e.get("bgate.key") + " " + e.get("bgate.scale"), e.get("edma.key") + " " + e.get("edma.scale"),
                        e.get("temperley.key") + " " + e.get("temperley.scale"), e.get("percival.bpm"),
                        aubio.getOrDefault(f, Double.NaN), ss.getOrDefault(f, Double.NaN));
            }
            for (String f : corpus.tempoless) {
                w.printf(Locale.ROOT, "%s,,,,,,,,,%s,%.2f,,,,,%s,%.1f,%.1f%n", f, ours.get(f).tempo().bpm(), ours.get(f).tempo().confidence(),
                        ess.getOrDefault(f, Map.of()).get("percival.bpm"), aubio.getOrDefault(f, Double.NaN), ss.getOrDefault(f, Double.NaN));
            }
        }
    }

    public static int pc(String name) {
        if (name == null) {
            return -1;
        }
        Map<String, String> flats = Map.of("Db", "C#", "Eb", "D#", "Gb", "F#", "Ab", "G#", "Bb", "A#");
        String n = flats.getOrDefault(name, name);
        return Arrays.asList(Corpus.PCS).indexOf(n);
    }

    /** MIREX key score: 1 same, 0.5 fifth (either way, same mode), 0.3 relative, 0.2 parallel. */
    public static double mirex(int refTonic, boolean refMinor, int estTonic, boolean estMinor) {
        if (estTonic < 0) {
            return 0;
        }
        if (refMinor == estMinor) {
            if (estTonic == refTonic) {
                return 1;
            }
            int d = Math.floorMod(estTonic - refTonic, 12);
            return d == 7 || d == 5 ? 0.5 : 0;
        }
        if (estTonic == refTonic) {
            return 0.2;
        }
        if (!refMinor && estMinor && Math.floorMod(refTonic - 3, 12) == estTonic) {
            return 0.3;
        }
        if (refMinor && !estMinor && Math.floorMod(refTonic + 3, 12) == estTonic) {
            return 0.3;
        }
        return 0;
    }

    /** Tempo Accuracy1: within ±4 % of the reference (also used by rhythm.TempoReplay). */
    public static boolean accuracy1(double ref, double est) {
        return !Double.isNaN(est) && Math.abs(est - ref) <= 0.04 * ref;
    }

    /** Tempo Accuracy2: Accuracy1 at the reference or at ×2, ×3, ½, ⅓ of it. */
    public static boolean accuracy2(double ref, double est) {
        for (double m : new double[] {1, 2, 3, 0.5, 1.0 / 3}) {
            if (accuracy1(ref * m, est)) {
                return true;
            }
        }
        return false;
    }

    /** Flattens one level of nested JSON objects from essentia_peer.js into "outer.inner" keys. */
    public static Map<String, String> flatJson(String json) {
        Map<String, String> m = new HashMap<>();
        Matcher outer = Pattern.compile("\"(\\w+)\":(\\{[^}]*\\}|\"[^\"]*\"|[-0-9.eE+]+)").matcher(json);
        while (outer.find()) {
            String k = outer.group(1);
            String v = outer.group(2);
            if (v.startsWith("{")) {
                Matcher inner = Pattern.compile("\"(\\w+)\":(\"[^\"]*\"|[-0-9.eE+]+)").matcher(v);
                while (inner.find()) {
                    m.put(k + "." + inner.group(1), inner.group(2).replace("\"", ""));
                }
            } else {
                m.put(k, v.replace("\"", ""));
            }
        }
        return m;
    }
}
