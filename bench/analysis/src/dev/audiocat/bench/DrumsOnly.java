package dev.audiocat.bench;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Drum-only copies of bench corpora (bench/analysis/drum-corpora.sh): for every piece with drums, its
 * Standard MIDI File without the pitched channels (channel 10 and the tempo kept), rendered with the
 * piece's soundfont as {@link Corpus} renders (fluidsynth, -3 dBFS peak) and stored as FLAC, labelled
 * with the piece's tempo. The generator's drum part depends on the tempo only, so pieces of one tempo and
 * soundfont give the same audio: each distinct pair is kept once.
 *
 * <p>Usage: {@code DrumsOnly OUT_CORPUS CORPUS...}; OUT_CORPUS gets music/ and labels.csv, the layout
 * tempo-replay.sh reads.
 */
public final class DrumsOnly {

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        Files.createDirectories(out.resolve("music"));
        Set<String> seen = new HashSet<>();
        int pieces = 0;
        int kept = 0;
        try (PrintWriter labels = new PrintWriter(Files.newBufferedWriter(out.resolve("labels.csv")))) {
            labels.println("file,key,bpm,drums,detune_cents,soundfont,format");
            for (int a = 1; a < args.length; a++) {
                Path corpus = Path.of(args[a]);
                String set = setName(corpus);
                List<String> lines = Files.readAllLines(corpus.resolve("labels.csv"));
                for (String line : lines.subList(1, lines.size())) {
                    String[] f = line.split(",");
                    if (!"true".equals(f[3])) {
                        continue;
                    }
                    pieces++;
                    String name = Path.of(f[0]).getFileName().toString().replaceAll("\\.[^.]+$", "");
                    byte[] drums = drumsOnly(Files.readAllBytes(corpus.resolve("music").resolve(name + ".mid")));
                    String soundfont = soundfont(f[5]);
                    MessageDigest sha = MessageDigest.getInstance("SHA-256");
                    sha.update(soundfont.getBytes());
                    if (!seen.add(HexFormat.of().formatHex(sha.digest(drums)))) {
                        continue;
                    }
                    String base = set + "-" + name;
                    Path mid = out.resolve("music").resolve(base + ".mid");
                    Files.write(mid, drums);
                    Path wav = Corpus.render(mid, soundfont, out.resolve("music").resolve(base + ".render.wav"));
                    Corpus.transcode(wav, out.resolve("music").resolve(base + ".flac"));
                    Files.delete(wav);
                    labels.printf(Locale.ROOT, "music/%s.flac,%s,%s,true,0,%s,flac%n", base, f[1], f[2], f[5]);
                    kept++;
                }
            }
        }
        System.out.printf(Locale.ROOT, "%d pieces with drums, %d distinct drum parts rendered into %s%n", pieces, kept, out);
    }

    /**
     * A name for the corpus's files: its home's name for HOME/bench/analysis/corpus (as run.sh makes them),
     * its own folder's for the tuning sets (HOME/bench/analysis/tuning/default-7/corpus: default-7).
     */
    static String setName(Path corpus) {
        Path dir = corpus.toAbsolutePath().normalize().getParent();
        return dir.getFileName().toString().equals("analysis") ? dir.getParent().getParent().getFileName().toString() : dir.getFileName().toString();
    }

    private static String soundfont(String fileName) {
        for (String sf : Corpus.SOUNDFONTS) {
            if (Path.of(sf).getFileName().toString().equals(fileName)) {
                return sf;
            }
        }
        throw new IllegalArgumentException("unknown soundfont " + fileName + " in labels.csv; the bench knows " + List.of(Corpus.SOUNDFONTS));
    }

    /**
     * The file without channel events other than channel 10's (meta events kept): the one-track format
     * {@code Corpus.Midi.write} produces, every event with its status byte.
     */
    static byte[] drumsOnly(byte[] smf) {
        ByteBuffer in = ByteBuffer.wrap(smf);
        if (smf.length < 22 || in.getInt(0) != 0x4D546864 || in.getInt(14) != 0x4D54726B) {
            throw new IllegalArgumentException("not a one-track Standard MIDI File as the bench writes them");
        }
        int end = 22 + in.getInt(18);
        ByteArrayOutputStream trk = new ByteArrayOutputStream();
        long tick = 0;
        long last = 0;
        int i = 22;
        while (i < end) {
            long delta = 0;
            int c;
            do {
                c = smf[i++] & 0xff;
                delta = (delta << 7) | (c & 0x7f);
            } while ((c & 0x80) != 0);
            tick += delta;
            int status = smf[i] & 0xff;
            int len;
            boolean keep;
            if (status == 0xFF) {
                int j = i + 2;
                int n = 0;
                do {
                    c = smf[j++] & 0xff;
                    n = (n << 7) | (c & 0x7f);
                } while ((c & 0x80) != 0);
                len = j - i + n;
                keep = true;
            } else if (status >= 0x80 && status < 0xF0) {
                len = (status & 0xF0) == 0xC0 || (status & 0xF0) == 0xD0 ? 2 : 3;
                keep = (status & 0x0F) == 9;
            } else {
                throw new IllegalArgumentException("unexpected MIDI status " + status + " at byte " + i + " (running status is not written by the bench)");
            }
            if (keep) {
                Corpus.Midi.vlq(trk, tick - last);
                trk.write(smf, i, len);
                last = tick;
            }
            i += len;
        }
        ByteBuffer b = ByteBuffer.allocate(22 + trk.size());
        b.put(smf, 0, 18).putInt(trk.size()).put(trk.toByteArray());
        return b.array();
    }
}
