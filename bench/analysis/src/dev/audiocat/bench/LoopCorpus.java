package dev.audiocat.bench;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

/**
 * Short loops with known tempo (bench/analysis/loops.sh): the bench's generated pieces ({@link Corpus#drawPiece},
 * {@link Corpus.Midi#piece}), rendered whole with their soundfont, and cut on a bar line to 1, 2 or 4 bars (in turn),
 * as WAV; for pieces with drums also the drum part alone ({@link DrumsOnly}), cut the same way; and from each render
 * an excerpt that starts off the beat and lasts a length that is not a whole number of beats (not a loop).
 * Writes labels.csv: file, bpm, kind (loop or excerpt).
 *
 * <p>Usage: {@code LoopCorpus OUT_DIR SEED PIECES}.
 */
public final class LoopCorpus {

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long seed = Long.parseLong(args[1]);
        int pieces = Integer.parseInt(args[2]);
        Files.createDirectories(dir.resolve("loops"));
        Random r = new Random(seed);
        try (PrintWriter labels = new PrintWriter(Files.newBufferedWriter(dir.resolve("labels.csv")))) {
            labels.println("file,bpm,kind");
            for (int i = 0; i < pieces; i++) {
                Corpus.Piece p = Corpus.drawPiece("L", i, r);
                int bars = new int[] {1, 2, 4}[i % 3];
                int startBar = 1 + r.nextInt(8);
                double offBeat = 0.2 + 0.6 * r.nextDouble();     // of a beat
                double notWhole = 0.15 + 0.7 * r.nextDouble();   // of a beat, added to the excerpt's length
                byte[] smf = Corpus.Midi.piece(p, new Random(seed * 1000 + i));
                cut(dir, p, smf, "mix", bars, startBar, offBeat, notWhole, labels);
                if (p.drums()) {
                    cut(dir, p, DrumsOnly.drumsOnly(smf), "drums", bars, startBar, offBeat, notWhole, labels);
                }
            }
        }
    }

    private static void cut(Path dir, Corpus.Piece p, byte[] smf, String part, int bars, int startBar, double offBeat, double notWhole,
            PrintWriter labels) throws Exception {
        String name = String.format(Locale.ROOT, "%s-%s", p.name(), part);
        Path loop = dir.resolve("loops").resolve(name + "-loop.wav");
        Path excerpt = dir.resolve("loops").resolve(name + "-excerpt.wav");
        if (!Files.exists(loop) || !Files.exists(excerpt)) {
            Path mid = dir.resolve("loops").resolve(name + ".mid");
            Files.write(mid, smf);
            Path wav = Corpus.render(mid, p.soundfont(), dir.resolve("loops").resolve(name + ".render.wav"));
            float[][] x = Corpus.Wav.read(wav);
            double beat = 60 / p.bpm();
            write(loop, x, startBar * 4 * beat, bars * 4 * beat);
            write(excerpt, x, (startBar * 4 + offBeat) * beat, (bars * 4 + notWhole) * beat);
            Files.delete(wav);
            Files.delete(mid);
        }
        labels.printf(Locale.ROOT, "loops/%s,%.1f,loop%n", loop.getFileName(), p.bpm());
        labels.printf(Locale.ROOT, "loops/%s,%.1f,excerpt%n", excerpt.getFileName(), p.bpm());
    }

    private static void write(Path f, float[][] x, double from, double seconds) throws Exception {
        int a = (int) Math.round(from * Corpus.RATE);
        int n = (int) Math.round(seconds * Corpus.RATE);
        float[][] y = new float[x.length][n];
        for (int c = 0; c < x.length; c++) {
            System.arraycopy(x[c], a, y[c], 0, Math.min(n, x[c].length - a));
        }
        Corpus.Wav.write(f, Corpus.RATE, y);
    }
}
