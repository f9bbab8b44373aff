package dev.audiocat.features.rhythm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Tempo of short loops (bench/analysis/loops.sh): sample-pack loops of 1, 2 and 4 bars cut on the bar line from
 * renders of the bench's generated pieces (known tempo, {@code dev.audiocat.bench.LoopCorpus}), their drum parts
 * alone, copies cut off the beat to a length that is not a whole number of beats (not loops: a tempo given there
 * must be right), every Sonic Pi sample that is not a loop (one-shots, ambience: no tempo), and Sonic Pi's own
 * loops (no labels; printed beside the peer). Peer: {@code aubio tempo} on the same files.
 *
 * <p>Usage: {@code LoopBench CORPUS_DIR} with the files LoopCorpus wrote (labels.csv).
 */
public final class LoopBench {

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        List<String> lines = Files.readAllLines(dir.resolve("labels.csv"));
        int[] n = new int[2];          // loops, excerpts
        int[][] ours = new int[2][3];  // [kind][acc1, acc2, tempo given]
        int[][] peer = new int[2][3];
        int[][] old = new int[2][3];
        StringBuilder detail = new StringBuilder();
        for (String l : lines.subList(1, lines.size())) {
            String[] f = l.split(",");
            String file = f[0];
            double bpm = Double.parseDouble(f[1]);
            int kind = f[2].equals("loop") ? 0 : 1;
            TempoEstimate e = LoopCheck.estimate(dir.resolve(file));
            Double a = aubio(dir.resolve(file));
            n[kind]++;
            score(ours[kind], e.bpm(), bpm);
            score(peer[kind], a, bpm);
            score(old[kind], LoopCheck.before.bpm(), bpm);
            detail.append(String.format(Locale.ROOT, "%-34s %6.1f %-7s ours %s aubio %s%n", file, bpm, f[2],
                    LoopCheck.line("", e, LoopCheck.last).trim(), a == null ? "-" : String.format(Locale.ROOT, "%.1f", a)));
        }
        Files.writeString(dir.resolve("details.txt"), detail);
        System.out.printf(Locale.ROOT, "%-58s %-22s %-22s %-22s%n", "set", "audiocat", "without the loop test", "aubio tempo");
        System.out.printf(Locale.ROOT, "%-58s %-22s %-22s %-22s%n", n[0] + " loops cut on the bar (Acc1 / Acc2 / tempo given)",
                acc(ours[0], n[0]), acc(old[0], n[0]), acc(peer[0], n[0]));
        System.out.printf(Locale.ROOT, "%-58s %-22s %-22s %-22s%n", n[1] + " excerpts cut off the beat (right / wrong / given)",
                given(ours[1]), given(old[1]), given(peer[1]));
        List<Path> sonicPi;
        try (Stream<Path> s = Files.list(Path.of("/usr/share/sonic-pi/samples"))) {
            sonicPi = s.filter(p -> p.toString().endsWith(".flac")).sorted().toList();
        }
        List<String> invented = new ArrayList<>();
        List<String> aubioInvented = new ArrayList<>();
        List<String> oldInvented = new ArrayList<>();
        int oneShots = 0;
        StringBuilder loops = new StringBuilder();
        for (Path p : sonicPi) {
            String name = p.getFileName().toString();
            TempoEstimate e = LoopCheck.estimate(p);
            Double a = aubio(p);
            if (name.startsWith("loop_")) {
                loops.append(String.format(Locale.ROOT, "  %-24s ours %7s  without %7s  aubio %7s  %s%n", name, e.bpm() == null ? "-" : String.format(Locale.ROOT, "%.1f", e.bpm()),
                        LoopCheck.before.bpm() == null ? "-" : String.format(Locale.ROOT, "%.1f", LoopCheck.before.bpm()),
                        a == null ? "-" : String.format(Locale.ROOT, "%.1f", a), LoopCheck.line("", e, LoopCheck.last).trim()));
                continue;
            }
            oneShots++;
            if (e.bpm() != null) {
                invented.add(name + String.format(Locale.ROOT, " %.1f", e.bpm()));
            }
            if (a != null) {
                aubioInvented.add(name);
            }
            if (LoopCheck.before.bpm() != null) {
                oldInvented.add(name);
            }
        }
        System.out.printf(Locale.ROOT, "%-58s %-22s %-22s %-22s%n", oneShots + " Sonic Pi samples that are not loops (tempo given)",
                invented.size() + " of " + oneShots, oldInvented.size() + " of " + oneShots, aubioInvented.size() + " of " + oneShots);
        if (!invented.isEmpty()) {
            System.out.println("  audiocat gave a tempo to: " + invented);
        }
        System.out.println("Sonic Pi's loops (no labels):");
        System.out.print(loops);
        System.out.println("per file: " + dir.resolve("details.txt"));
    }

    private static void score(int[] s, Double got, double truth) {
        if (got == null) {
            return;
        }
        s[2]++;
        double r = got / truth;
        if (Math.abs(r - 1) <= 0.04) {
            s[0]++;
        }
        for (double m : new double[] {1, 2, 3, 0.5, 1 / 3.0}) {
            if (Math.abs(got / (truth * m) - 1) <= 0.04) {
                s[1]++;
                break;
            }
        }
    }

    private static String acc(int[] s, int n) {
        return String.format(Locale.ROOT, "%.3f / %.3f / %d", s[0] / (double) n, s[1] / (double) n, s[2]);
    }

    private static String given(int[] s) {
        return String.format(Locale.ROOT, "%d / %d / %d", s[1], s[2] - s[1], s[2]);
    }

    /** {@code aubio tempo}'s printed tempo, or null when it prints none. */
    static Double aubio(Path f) throws Exception {
        Process p = new ProcessBuilder("aubio", "tempo", "-i", f.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        Matcher m = Pattern.compile("([0-9.]+) bpm").matcher(out);
        if (!m.find()) {
            return null;
        }
        double v = Double.parseDouble(m.group(1));
        return v > 0 ? v : null;
    }
}
