package dev.audiocat.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The labelled evaluation corpus, generated reproducibly from a seed: tonal pieces written as MIDI
 * (known key, mode, tempo, tuning), rendered with fluidsynth and several GM soundfonts, stored in
 * several formats; tempo-less material (speech, pads, single hits); QC fixtures made by damaging
 * clean renders in known places.
 */
final class Corpus {

    static final String[] PCS = {"C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"};
    static final String[] SOUNDFONTS = {
        "/usr/share/sounds/sf2/FluidR3_GM.sf2",
        "/usr/share/sounds/sf2/TimGM6mb.sf2",
        "/usr/share/sounds/sf3/MuseScore_General_Full.sf3",
    };
    static final String[] FORMATS = {"wav", "flac", "mp3", "ogg"};
    static final int PPQ = 480;
    static final int RATE = 44100;

    record Piece(String name, int tonic, boolean minor, double bpm, boolean drums, double detuneCents,
                 String soundfont, String format) {
        String keyLabel() {
            return PCS[tonic] + " " + (minor ? "minor" : "major");
        }
    }

    record QcLabel(String file, String type, double start, double end) {
    }

    final Path dir;
    final long seed;
    final List<Piece> pieces = new ArrayList<>();
    final List<String> tempoless = new ArrayList<>();
    final List<String> qcFiles = new ArrayList<>();
    final List<QcLabel> qcLabels = new ArrayList<>();
    /** QC copies left without a limited_bandwidth label (file,type,removed_db), see bandwidthLabel. */
    final List<String> unlabelled = new ArrayList<>();
    private boolean rebuild; // the current QC base was just re-trimmed: its fixtures are stale
    /**
     * The hard key set ({@code --hard}): {@link Midi#hardPiece} instead of {@link Midi#piece}, music
     * only. A separate generator and random stream, so the default pieces of every seed stay as they were.
     */
    boolean hard;
    /** Per piece of the hard set: how it is built (sections, ending), for labels.csv and the report. */
    final java.util.Map<String, String> hardInfo = new java.util.HashMap<>();

    Corpus(Path dir, long seed) {
        this.dir = dir;
        this.seed = seed;
    }

    /** Generates (or reuses, when already rendered) every file. */
    void build(int pieceCount) throws Exception {
        Random r = buildMusic(pieceCount);
        Files.createDirectories(dir.resolve("tempoless"));
        Files.createDirectories(dir.resolve("qc"));
        buildTempoless(r);
        buildQc(r);
    }

    /**
     * Generates (or reuses) the labelled pieces only; returns the seeded generator in the state the
     * tempo-less material and QC fixtures continue from.
     */
    Random buildMusic(int pieceCount) throws Exception {
        Files.createDirectories(dir.resolve("music"));
        if (hard) {
            buildHard(pieceCount);
            return null;
        }
        Random r = new Random(seed);
        for (int i = 0; i < pieceCount; i++) {
            Piece p = drawPiece("p", i, r);
            pieces.add(p);
            int index = i;
            renderIfMissing(p, () -> Midi.piece(p, new Random(seed * 1000 + index)));
        }
        writeLabels(false);
        return r;
    }

    /**
     * The i-th piece of the rotation: key, mode, drums, soundfont and format follow i; tempo, and
     * the detune of every fourth piece, are drawn from {@code r} (in that order).
     */
    static Piece drawPiece(String prefix, int i, Random r) {
        int tonic = i % 12;
        boolean minor = (i / 12) % 2 == 1;
        double bpm = 60 + Math.round(r.nextDouble() * 120);
        boolean drums = (i / 24) % 2 == 0 ? i % 2 == 0 : i % 2 == 1;
        double detune = i % 4 == 3 ? Math.round((r.nextDouble() * 80 - 40)) : 0;
        String sf = SOUNDFONTS[i % SOUNDFONTS.length];
        String fmt = FORMATS[(i / 3) % FORMATS.length];
        return new Piece(String.format("%s%02d", prefix, i), tonic, minor, bpm, drums, detune, sf, fmt);
    }

    /** Writes the piece's MIDI, renders it with its soundfont and stores it in its format, unless that file exists. */
    private void renderIfMissing(Piece p, java.util.function.Supplier<byte[]> midi) throws Exception {
        Path audio = dir.resolve("music").resolve(p.name + "." + p.format);
        if (Files.exists(audio)) {
            return;
        }
        Path mid = dir.resolve("music").resolve(p.name + ".mid");
        Files.write(mid, midi.get());
        Path wav = render(mid, p.soundfont, dir.resolve("music").resolve(p.name + ".render.wav"));
        transcode(wav, audio);
        if (!p.format.equals("wav")) {
            Files.deleteIfExists(wav);
        }
    }

    private void writeLabels(boolean withStructure) throws IOException {
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(dir.resolve("labels.csv")))) {
            w.println("file,key,bpm,drums,detune_cents,soundfont,format" + (withStructure ? ",structure" : ""));
            for (Piece p : pieces) {
                w.printf(Locale.ROOT, "music/%s.%s,%s,%.1f,%b,%.0f,%s,%s%s%n", p.name, p.format, p.keyLabel(), p.bpm, p.drums,
                        p.detuneCents, Path.of(p.soundfont).getFileName(), p.format, withStructure ? "," + hardInfo.get(p.name) : "");
            }
        }
    }

    /**
     * The hard key set: same key/mode/drums/soundfont/format/detune rotation as the default set, but
     * pieces from {@link Midi#hardPiece}. Label rule (docs/benchmarks.md): the main key is the key of
     * at least three quarters of the bars and of the last section; a section in the relative or
     * dominant key may open the piece or come in the middle, never at the end.
     */
    private void buildHard(int pieceCount) throws Exception {
        Random r = new Random(seed ^ 0x4841524BL); // "HARK": a stream of its own
        for (int i = 0; i < pieceCount; i++) {
            Piece p = drawPiece("h", i, r);
            pieces.add(p);
            StringBuilder info = new StringBuilder();
            byte[] midi = Midi.hardPiece(p, new Random(seed * 1000 + 500 + i), info);
            hardInfo.put(p.name, info.toString());
            renderIfMissing(p, () -> midi);
        }
        writeLabels(true);
    }

    private void buildTempoless(Random r) throws Exception {
        String[] texts = {
            "The archive holds tape transfers from nineteen sixty to nineteen ninety, catalogued by hand over many years.",
            "Please state your name, the date of the recording, and the room in which it was made, then wait for the tone.",
            "Every file ends either in the catalog or in the dead letter table, with the reason why it was rejected.",
            "Spoken word recordings have rhythm, but they have no steady beat that a listener could tap along to.",
        };
        for (int i = 0; i < texts.length; i++) {
            Path f = dir.resolve("tempoless").resolve("speech" + i + ".wav");
            if (!Files.exists(f)) {
                Path raw = dir.resolve("tempoless").resolve("speech" + i + ".raw.wav");
                Tools.run("espeak-ng", "-v", i % 2 == 0 ? "en" : "en-us", "-s", String.valueOf(140 + 15 * i), "-w", raw.toString(),
                        texts[i] + " " + texts[(i + 1) % texts.length]);
                Tools.run("ffmpeg", "-v", "error", "-y", "-i", raw.toString(), "-ar", "44100", f.toString());
                Files.deleteIfExists(raw);
            }
            tempoless.add("tempoless/speech" + i + ".wav");
        }
        for (int i = 0; i < 4; i++) {
            Path f = dir.resolve("tempoless").resolve("pad" + i + ".flac");
            if (!Files.exists(f)) {
                Path mid = dir.resolve("tempoless").resolve("pad" + i + ".mid");
                Files.write(mid, Midi.ambience(new Random(seed * 77 + i)));
                Path wav = render(mid, SOUNDFONTS[i % 2 == 0 ? 0 : 2], dir.resolve("tempoless").resolve("pad" + i + ".render.wav"));
                transcode(wav, f);
                Files.deleteIfExists(wav);
            }
            tempoless.add("tempoless/pad" + i + ".flac");
        }
        for (int i = 0; i < 4; i++) {
            Path f = dir.resolve("tempoless").resolve("hit" + i + ".wav");
            if (!Files.exists(f)) {
                Path mid = dir.resolve("tempoless").resolve("hit" + i + ".mid");
                Files.write(mid, Midi.singleHit(i));
                Path wav = render(mid, SOUNDFONTS[i % 3], dir.resolve("tempoless").resolve("hit" + i + ".render.wav"));
                transcode(wav, f);
                Files.deleteIfExists(wav);
            }
            tempoless.add("tempoless/hit" + i + ".wav");
        }
        for (String s : new String[] {"ambi_drone", "ambi_lunar_land", "ambi_haunted_hum", "ambi_choir"}) {
            Path src = Path.of("/usr/share/sonic-pi/samples/" + s + ".flac");
            Path f = dir.resolve("tempoless").resolve(s + ".flac");
            if (Files.exists(src) && !Files.exists(f)) {
                Files.copy(src, f);
            }
            if (Files.exists(f)) {
                tempoless.add("tempoless/" + s + ".flac");
            }
        }
    }

    /** Damaged copies of clean renders: each fixture carries exactly one kind of damage at a known place. */
    private void buildQc(Random r) throws Exception {
        int bases = 8;
        for (int b = 0; b < bases; b++) {
            Piece p = pieces.get(b * 5 % pieces.size());
            String base = "b" + b;
            Path clean = dir.resolve("qc").resolve(base + "_clean.wav");
            if (!Files.exists(clean)) {
                Path mid = dir.resolve("qc").resolve(base + ".mid");
                Piece longer = new Piece(base, p.tonic, p.minor, p.bpm, p.drums, 0, SOUNDFONTS[b % 2 == 0 ? 0 : 2], "wav");
                Files.write(mid, Midi.piece(longer, new Random(seed * 31 + b)));
                render(mid, longer.soundfont, dir.resolve("qc").resolve(base + ".render.wav"));
                transcode(dir.resolve("qc").resolve(base + ".render.wav"), clean);
                Files.deleteIfExists(dir.resolve("qc").resolve(base + ".render.wav"));
            }
            float[][] x = Wav.read(clean);
            // A render ends in digital zero after the last release: trim it so that the clean base
            // carries no damage of its own, and rebuild the fixtures made from an untrimmed base.
            boolean regenerate = false;
            int last = x[0].length - 1;
            while (last > 0 && Math.abs(x[0][last]) <= 1.5f / 32768 && Math.abs(x[1][last]) <= 1.5f / 32768) {
                last--;
            }
            if (x[0].length - last > RATE / 10) {
                int keep = last + RATE / 20;
                x = new float[][] {java.util.Arrays.copyOf(x[0], keep), java.util.Arrays.copyOf(x[1], keep)};
                Wav.write(clean, RATE, x);
                regenerate = true;
            }
            // It also ends in a release tail that decays far below -60 dBFS for seconds: real trailing
            // near-silence that QC rightly reports. A clean base keeps 0.5 s of it after the last
            // 100 ms block at or above -60 dBFS RMS, ending in a 50 ms fade.
            int keepTo = lastLoudBlockEnd(x) + RATE / 2;
            if (keepTo < x[0].length - RATE / 2) {
                x = new float[][] {java.util.Arrays.copyOf(x[0], keepTo), java.util.Arrays.copyOf(x[1], keepTo)};
                for (float[] c : x) {
                    for (int i = Math.max(0, keepTo - RATE / 20); i < keepTo; i++) {
                        c[i] *= (float) ((keepTo - 1 - i) / (double) (RATE / 20));
                    }
                }
                Wav.write(clean, RATE, x);
                regenerate = true;
            }
            // Some soundfont samples carry a DC offset of their own, and so does the render: 27182818's
            // b0 averages +0.009, above dc_offset's 0.005, so all its copies were rightly flagged and
            // counted as false positives (session 11). A clean base has each channel's mean removed.
            boolean offset = false;
            for (float[] c : x) {
                double mean = 0;
                for (float v : c) {
                    mean += v;
                }
                mean /= c.length;
                if (Math.abs(mean) >= 0.0005) {
                    for (int i = 0; i < c.length; i++) {
                        c[i] -= (float) mean;
                    }
                    offset = true;
                }
            }
            if (offset) {
                Wav.write(clean, RATE, x);
                regenerate = true;
            }
            rebuild = regenerate;
            double dur = x[0].length / (double) RATE;
            qcFiles.add("qc/" + base + "_clean.wav");
            Random fr = new Random(seed * 131 + b);

            double t = 3 + fr.nextDouble() * (dur - 10);
            fixture(base + "_clip", x, y -> gainClip(y, t, t + 3, 6.0), "clipping", t, t + 3);
            double g1 = 2 + fr.nextDouble() * (dur / 2 - 4);
            double g2 = dur / 2 + fr.nextDouble() * (dur / 2 - 4);
            double gl = 0.01 + 0.04 * fr.nextDouble();
            fixture(base + "_gap", x, y -> { zero(y, g1, g1 + gl); zero(y, g2, g2 + gl); }, "dropout", g1, g1 + gl, g2, g2 + gl);
            double s = 3 + fr.nextDouble() * (dur - 10);
            fixture(base + "_silence", x, y -> zero(y, s, s + 3), "digital_silence", s, s + 3);
            double q = 3 + fr.nextDouble() * (dur - 12);
            long quietSeed = fr.nextLong(); // drawn here, not inside the lambda, so later draws never depend on the cache
            fixture(base + "_quiet", x, y -> quiet(y, q, q + 5, quietSeed), "near_silence", q, q + 5);
            int mains = b % 2 == 0 ? 50 : 60;
            double h = 2 + fr.nextDouble() * (dur - 16);
            fixture(base + "_hum" + mains, x, y -> hum(y, h, h + 12, mains), "mains_hum", h, h + 12);
            fixture(base + "_dc", x, y -> dc(y, 0.03), "dc_offset", 0, dur);
            fixture(base + "_mono", x, y -> y[1] = y[0].clone(), "mono_as_stereo", 0, dur);
            fixture(base + "_inverted", x, y -> {
                y[1] = y[0].clone();
                for (int i = 0; i < y[1].length; i++) {
                    y[1][i] = -y[1][i];
                }
            }, "phase_inverted", 0, dur);
            // lowpass + upsample: through 22.05 kHz and back (content ends at ~11 kHz)
            Path up = dir.resolve("qc").resolve(base + "_upsampled.wav");
            if (!Files.exists(up) || rebuild) {
                Path low = dir.resolve("qc").resolve(base + ".low.wav");
                Tools.run("sox", clean.toString(), "-r", "22050", low.toString());
                Tools.run("sox", low.toString(), "-r", "44100", up.toString());
                Files.deleteIfExists(low);
            }
            qcFiles.add("qc/" + base + "_upsampled.wav");
            bandwidthLabel(x, "qc/" + base + "_upsampled.wav", dur);
            Path mp3wav = dir.resolve("qc").resolve(base + "_mp3.wav");
            if (!Files.exists(mp3wav) || rebuild) {
                Path mp3 = dir.resolve("qc").resolve(base + ".mp3");
                Tools.run("ffmpeg", "-v", "error", "-y", "-i", clean.toString(), "-c:a", "libmp3lame", "-b:a", b % 2 == 0 ? "128k" : "160k", mp3.toString());
                Tools.run("ffmpeg", "-v", "error", "-y", "-i", mp3.toString(), "-c:a", "pcm_s16le", mp3wav.toString());
                Files.deleteIfExists(mp3);
            }
            qcFiles.add("qc/" + base + "_mp3.wav");
            bandwidthLabel(x, "qc/" + base + "_mp3.wav", dur);
            // an interrupted copy (session 11): the WAV's bytes end at a seeded place, its header still
            // states the whole duration (drawn last, so every earlier fixture keeps its place)
            double cut = dur / 4 + fr.nextDouble() * (dur / 2);
            Path cutWav = dir.resolve("qc").resolve(base + "_cut.wav");
            if (!Files.exists(cutWav) || rebuild) {
                Wav.write(cutWav, RATE, x);
                try (java.nio.channels.FileChannel fc = java.nio.channels.FileChannel.open(cutWav, java.nio.file.StandardOpenOption.WRITE)) {
                    fc.truncate(44 + Math.round(cut * RATE) * 2L * 2);
                }
            }
            qcFiles.add("qc/" + base + "_cut.wav");
            qcLabels.add(new QcLabel("qc/" + base + "_cut.wav", "truncated", Math.round(cut * RATE) / (double) RATE, dur));
        }
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(dir.resolve("qc_unlabelled.csv")))) {
            w.println("file,type,removed_db");
            for (String u : unlabelled) {
                w.println(u);
            }
        }
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(dir.resolve("qc_labels.csv")))) {
            w.println("file,type,start,end");
            for (QcLabel l : qcLabels) {
                w.printf(Locale.ROOT, "%s,%s,%.3f,%.3f%n", l.file, l.type, l.start, l.end);
            }
        }
    }

    /** End (exclusive sample index) of the last 100 ms block whose RMS over both channels is at least -60 dBFS. */
    static int lastLoudBlockEnd(float[][] x) {
        int block = RATE / 10;
        int end = 0;
        for (int b = 0; b + block <= x[0].length; b += block) {
            double e = 0;
            for (float[] c : x) {
                for (int i = b; i < b + block; i++) {
                    e += c[i] * (double) c[i];
                }
            }
            if (e / (block * x.length) >= 1e-6) {
                end = b + block;
            }
        }
        return end;
    }

    /**
     * A lowpass (MP3, 22.05 kHz round trip) is damage only when it removed something: the file is
     * labelled limited_bandwidth when, in the 2 kHz above the round trip's cutoff, the clean base's
     * long-term power stands at least {@value #MIN_REMOVED_DB} dB above the damaged copy's. Cutoff:
     * the lowest 250 Hz band from 8 kHz up where the copy lost at least that much. Renders with
     * nothing above the cutoff lose nothing and are left unlabelled (listed in qc_unlabelled.csv).
     */
    private void bandwidthLabel(float[][] clean, String rel, double dur) throws IOException {
        float[][] damaged = Wav.read(dir.resolve(rel));
        int n = 4096;
        double[] pc = new double[n / 2];
        double[] pd = new double[n / 2];
        org.jtransforms.fft.DoubleFFT_1D fft = new org.jtransforms.fft.DoubleFFT_1D(n);
        double[] a = new double[n];
        double[] b = new double[n];
        for (int s = 0; s + n <= Math.min(clean[0].length, damaged[0].length); s += 4 * n) {
            double e = 0;
            for (int i = 0; i < n; i++) {
                double w = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / n);
                a[i] = w * (clean[0][s + i] + clean[1][s + i]) / 2;
                b[i] = w * (damaged[0][s + i] + damaged[1][s + i]) / 2;
                e += a[i] * a[i];
            }
            if (e / n < 1e-5) { // the snapshots the detector would skip (about -50 dBFS)
                continue;
            }
            fft.realForward(a);
            fft.realForward(b);
            for (int k = 1; k < n / 2; k++) {
                pc[k] += a[2 * k] * a[2 * k] + a[2 * k + 1] * a[2 * k + 1];
                pd[k] += b[2 * k] * b[2 * k] + b[2 * k + 1] * b[2 * k + 1];
            }
        }
        double binHz = RATE / (double) n;
        double removed = Double.NEGATIVE_INFINITY; // without a cutoff: the most any 250 Hz band lost
        for (double cut = 8000; cut < 21000; cut += 250) {
            double band = ratioDb(pc, pd, cut, cut + 250, binHz);
            if (band >= MIN_REMOVED_DB) {
                removed = ratioDb(pc, pd, cut, Math.min(cut + 2000, 21000), binHz);
                break;
            }
            removed = Math.max(removed, band);
        }
        if (removed >= MIN_REMOVED_DB) {
            qcLabels.add(new QcLabel(rel, "limited_bandwidth", 0, dur));
        } else {
            unlabelled.add(String.format(Locale.ROOT, "%s,limited_bandwidth,%.1f", rel, removed));
            System.err.printf(Locale.ROOT, "%s: not labelled limited_bandwidth (the round trip removed %.1f dB above its cutoff)%n", rel, removed);
        }
    }

    static final double MIN_REMOVED_DB = 20;

    private static double ratioDb(double[] pc, double[] pd, double from, double to, double binHz) {
        double c = 1e-30;
        double d = 1e-30;
        for (int k = (int) Math.ceil(from / binHz); k < to / binHz && k < pc.length; k++) {
            c += pc[k];
            d += pd[k];
        }
        return 10 * Math.log10(c / d);
    }

    interface Damage {
        void apply(float[][] y);
    }

    private void fixture(String name, float[][] clean, Damage d, String type, double... spans) throws IOException {
        Path f = dir.resolve("qc").resolve(name + ".wav");
        String rel = "qc/" + name + ".wav";
        if (!Files.exists(f) || rebuild) {
            float[][] y = {clean[0].clone(), clean[1].clone()};
            d.apply(y);
            Wav.write(f, RATE, y);
        }
        qcFiles.add(rel);
        for (int i = 0; i < spans.length; i += 2) {
            qcLabels.add(new QcLabel(rel, type, spans[i], spans[i + 1]));
        }
    }

    static void gainClip(float[][] y, double from, double to, double gain) {
        for (float[] c : y) {
            for (int i = (int) (from * RATE); i < (int) (to * RATE) && i < c.length; i++) {
                c[i] = (float) Math.max(-1, Math.min(1, c[i] * gain));
            }
        }
    }

    static void zero(float[][] y, double from, double to) {
        for (float[] c : y) {
            java.util.Arrays.fill(c, (int) Math.round(from * RATE), Math.min(c.length, (int) Math.round(to * RATE)), 0f);
        }
    }

    static void quiet(float[][] y, double from, double to, long seed) {
        Random r = new Random(seed);
        for (float[] c : y) {
            for (int i = (int) (from * RATE); i < (int) (to * RATE) && i < c.length; i++) {
                c[i] = (float) (c[i] * 0.0005 + 0.0002 * r.nextGaussian()); // about -70 dBFS
            }
        }
    }

    static void hum(float[][] y, double from, double to, int mains) {
        for (float[] c : y) {
            for (int i = (int) (from * RATE); i < (int) (to * RATE) && i < c.length; i++) {
                double t = i / (double) RATE;
                c[i] += (float) (0.01 * Math.sin(2 * Math.PI * mains * t) + 0.005 * Math.sin(2 * Math.PI * 2 * mains * t + 1)
                        + 0.003 * Math.sin(2 * Math.PI * 3 * mains * t + 2));
            }
        }
    }

    static void dc(float[][] y, double v) {
        for (float[] c : y) {
            for (int i = 0; i < c.length; i++) {
                c[i] += (float) v;
            }
        }
    }

    static Path render(Path mid, String soundfont, Path wav) throws Exception {
        Tools.run("fluidsynth", "-ni", "-q", "-g", "0.4", "-r", String.valueOf(RATE), "-O", "float", "-T", "wav", "-F", wav.toString(),
                soundfont, mid.toString());
        // Normalise to -3 dBFS peak so no render clips.
        float[][] x = Wav.read(wav);
        double peak = 1e-9;
        for (float[] c : x) {
            for (float v : c) {
                peak = Math.max(peak, Math.abs(v));
            }
        }
        double g = Math.pow(10, -3 / 20.0) / peak;
        for (float[] c : x) {
            for (int i = 0; i < c.length; i++) {
                c[i] *= (float) g;
            }
        }
        Wav.write(wav, RATE, x);
        return wav;
    }

    static void transcode(Path wav, Path out) throws Exception {
        String name = out.getFileName().toString();
        if (name.endsWith(".wav")) {
            if (!wav.equals(out)) {
                Files.move(wav, out);
            }
            return;
        }
        List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-v", "error", "-y", "-i", wav.toString()));
        if (name.endsWith(".mp3")) {
            cmd.addAll(List.of("-c:a", "libmp3lame", "-b:a", "192k"));
        } else if (name.endsWith(".ogg")) {
            cmd.addAll(List.of("-c:a", "libvorbis", "-q:a", "5"));
        }
        cmd.add(out.toString());
        Tools.run(cmd.toArray(String[]::new));
    }

    /** Minimal 16-bit/float WAV reading and 16-bit writing for the corpus. */
    static final class Wav {
        static float[][] read(Path f) throws IOException {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
            b.position(12);
            int ch = 0;
            int bits = 0;
            int fmt = 0;
            while (b.remaining() >= 8) {
                String id = new String(new byte[] {b.get(), b.get(), b.get(), b.get()});
                int len = b.getInt();
                if (id.equals("fmt ")) {
                    int p = b.position();
                    fmt = b.getShort() & 0xffff;
                    ch = b.getShort();
                    b.getInt();
                    b.getInt();
                    b.getShort();
                    bits = b.getShort();
                    if (fmt == 0xfffe) {
                        b.getShort();
                        b.getShort();
                        b.getInt();
                        fmt = b.getShort() & 0xffff;
                    }
                    b.position(p + len);
                } else if (id.equals("data")) {
                    int frames = Math.min(len, b.remaining()) / (ch * bits / 8);
                    float[][] out = new float[ch][frames];
                    for (int i = 0; i < frames; i++) {
                        for (int c = 0; c < ch; c++) {
                            out[c][i] = fmt == 3 ? b.getFloat() : b.getShort() / 32768f;
                        }
                    }
                    return out;
                } else {
                    b.position(b.position() + len + (len & 1));
                }
            }
            throw new IOException("no data chunk in " + f);
        }

        static void write(Path f, int rate, float[][] x) throws IOException {
            int ch = x.length;
            int n = x[0].length;
            ByteBuffer b = ByteBuffer.allocate(44 + n * ch * 2).order(ByteOrder.LITTLE_ENDIAN);
            b.put("RIFF".getBytes()).putInt(36 + n * ch * 2).put("WAVE".getBytes());
            b.put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) ch).putInt(rate)
                    .putInt(rate * ch * 2).putShort((short) (ch * 2)).putShort((short) 16);
            b.put("data".getBytes()).putInt(n * ch * 2);
            for (int i = 0; i < n; i++) {
                for (float[] c : x) {
                    b.putShort((short) Math.round(Math.max(-1, Math.min(1, c[i])) * 32767));
                }
            }
            Files.write(f, b.array());
        }
    }

    /** Writes Standard MIDI Files (format 0, 480 PPQ) from generated note lists. */
    static final class Midi {
        record Ev(long tick, int order, byte[] data) {
        }

        // Scale degrees in semitones; minor uses the harmonic minor's raised 7th in V.
        static final int[] MAJOR = {0, 2, 4, 5, 7, 9, 11};
        static final int[] MINOR = {0, 2, 3, 5, 7, 8, 10};
        static final int[][] MAJOR_PROGS = {{0, 3, 4, 0}, {0, 5, 3, 4}, {0, 4, 5, 3}, {1, 4, 0, 0}};
        static final int[][] MINOR_PROGS = {{0, 3, 4, 0}, {0, 5, 2, 4}, {0, 3, 6, 4}, {0, 5, 3, 4}};
        static final int[] CHORD_PROGRAMS = {0, 4, 48, 19, 24, 2};
        static final int[] MELODY_PROGRAMS = {73, 40, 56, 71, 65, 0};
        static final int[] BASS_PROGRAMS = {32, 33, 34, 43};

        static byte[] piece(Piece p, Random r) {
            List<Ev> ev = new ArrayList<>();
            tempo(ev, p.bpm);
            int chordProg = CHORD_PROGRAMS[r.nextInt(CHORD_PROGRAMS.length)];
            int melProg = MELODY_PROGRAMS[r.nextInt(MELODY_PROGRAMS.length)];
            int bassProg = BASS_PROGRAMS[r.nextInt(BASS_PROGRAMS.length)];
            program(ev, 0, chordProg);
            program(ev, 1, melProg);
            program(ev, 2, bassProg);
            if (p.detuneCents != 0) {
                int bend = (int) Math.round(8192 + p.detuneCents / 200.0 * 8192); // default bend range +-2 semitones
                for (int ch = 0; ch < 3; ch++) {
                    ev.add(new Ev(0, 1, new byte[] {(byte) (0xE0 | ch), (byte) (bend & 0x7f), (byte) (bend >> 7)}));
                }
            }
            int[] scale = p.minor ? MINOR : MAJOR;
            int[][] progs = p.minor ? MINOR_PROGS : MAJOR_PROGS;
            int[] prog = progs[r.nextInt(progs.length)];
            int bars = 16;
            int pattern = r.nextInt(3);
            int base = 48 + p.tonic; // chords around C3..B3
            int melodyDegree = 7 + 2;
            for (int bar = 0; bar < bars; bar++) {
                int degree = prog[bar % 4];
                int[] chord = new int[3];
                for (int j = 0; j < 3; j++) {
                    int d = degree + 2 * j;
                    int semis = scale[d % 7] + 12 * (d / 7);
                    if (p.minor && degree == 4 && j == 1) {
                        semis += 1; // leading tone in V
                    }
                    chord[j] = base + semis;
                }
                long barTick = (long) bar * 4 * PPQ;
                // chords
                for (int beat = 0; beat < 4; beat++) {
                    long t = barTick + (long) beat * PPQ;
                    if (pattern == 0 && beat % 2 == 1) {
                        continue;
                    }
                    int len = pattern == 0 ? 2 * PPQ : PPQ;
                    if (pattern == 2) { // arpeggio in eighths
                        for (int e = 0; e < 2; e++) {
                            note(ev, 0, chord[(beat * 2 + e) % 3] + 12, t + (long) e * PPQ / 2, PPQ / 2, beat == 0 && e == 0 ? 90 : 70);
                        }
                        if (beat == 0) {
                            for (int c : chord) {
                                note(ev, 0, c, t, 4 * PPQ, 60);
                            }
                        }
                        continue;
                    }
                    for (int c : chord) {
                        note(ev, 0, c, t, len - 20, beat == 0 ? 90 : 72);
                    }
                }
                // bass: root on beats 1 and 3, fifth on 2 and 4 when quarters
                int root = 36 + p.tonic + scale[degree % 7] - (p.tonic + scale[degree % 7] >= 12 ? 12 : 0);
                for (int beat = 0; beat < 4; beat++) {
                    int n = beat % 2 == 0 ? root : root + 7;
                    note(ev, 2, n, barTick + (long) beat * PPQ, PPQ - 30, beat == 0 ? 100 : 85);
                }
                // melody: eighths and quarters, chord tones on the beats
                long t = barTick;
                while (t < barTick + 4 * PPQ) {
                    boolean onBeat = (t % PPQ) == 0;
                    int len = r.nextDouble() < 0.6 ? PPQ / 2 : PPQ;
                    if (t + len > barTick + 4 * PPQ) {
                        len = (int) (barTick + 4 * PPQ - t);
                    }
                    if (onBeat) {
                        int target = degree + 2 * r.nextInt(3);
                        melodyDegree = nearest(melodyDegree, target);
                    } else {
                        melodyDegree += r.nextBoolean() ? 1 : -1;
                    }
                    melodyDegree = Math.max(5, Math.min(14, melodyDegree));
                    int semis = scale[melodyDegree % 7] + 12 * (melodyDegree / 7);
                    if (p.minor && melodyDegree % 7 == 6 && degree == 4) {
                        semis += 1;
                    }
                    if (r.nextDouble() < 0.9) {
                        note(ev, 1, 60 + p.tonic - (p.tonic > 6 ? 12 : 0) + semis, t, len - 20, onBeat ? 95 : 75);
                    }
                    t += len;
                }
                if (p.drums) {
                    for (int e = 0; e < 8; e++) {
                        long dt = barTick + (long) e * PPQ / 2;
                        note(ev, 9, 42, dt, PPQ / 4, e % 2 == 0 ? 80 : 55);
                        if (e == 0 || e == 4 || (e == 5 && bar % 2 == 1)) {
                            note(ev, 9, 36, dt, PPQ / 4, 110);
                        }
                        if (e == 2 || e == 6) {
                            note(ev, 9, 38, dt, PPQ / 4, 100);
                        }
                    }
                }
            }
            // final chord
            long end = (long) bars * 4 * PPQ;
            note(ev, 0, base, end, 2 * PPQ, 80);
            note(ev, 0, base + (p.minor ? 3 : 4), end, 2 * PPQ, 80);
            note(ev, 0, base + 7, end, 2 * PPQ, 80);
            note(ev, 2, 36 + p.tonic, end, 2 * PPQ, 90);
            return write(ev, end + 3 * PPQ);
        }

        // ---- the hard key set -------------------------------------------------------------------
        // A chord is {root semitones above the key's tonic, quality}; qualities index CHORD_TONES.
        static final int[][] CHORD_TONES = {{0, 4, 7}, {0, 3, 7}, {0, 3, 6}, {0, 4, 7, 10}, {0, 3, 7, 10}, {0, 4, 7, 11}};
        static final int MAJ = 0, MIN = 1, DIM = 2, DOM7 = 3, MIN7 = 4, MAJ7 = 5;
        /** Four-bar phrases in major: pop loops, cadences, modal mixture (iv, bVI, bVII), ii-V. */
        static final int[][][] HARD_MAJOR = {
            {{0, MAJ}, {7, MAJ}, {9, MIN}, {5, MAJ}},
            {{0, MAJ}, {5, MAJ}, {7, DOM7}, {0, MAJ}},
            {{9, MIN}, {5, MAJ}, {0, MAJ}, {7, MAJ}},
            {{0, MAJ}, {9, MIN}, {2, MIN7}, {7, DOM7}},
            {{0, MAJ}, {10, MAJ}, {5, MAJ}, {0, MAJ}},
            {{0, MAJ}, {5, MIN}, {0, MAJ}, {7, MAJ}},
            {{0, MAJ7}, {4, MIN}, {5, MAJ}, {7, MAJ}},
            {{2, MIN7}, {7, DOM7}, {0, MAJ7}, {9, MIN}},
            {{0, MAJ}, {8, MAJ}, {10, MAJ}, {0, MAJ}},
            {{5, MAJ}, {7, MAJ}, {4, MIN}, {9, MIN}},
        };
        /** Four-bar phrases in minor: natural (v, VII), harmonic (V, V7), dorian IV, Andalusian. */
        static final int[][][] HARD_MINOR = {
            {{0, MIN}, {8, MAJ}, {3, MAJ}, {10, MAJ}},
            {{0, MIN}, {5, MIN}, {7, DOM7}, {0, MIN}},
            {{0, MIN}, {10, MAJ}, {8, MAJ}, {7, MAJ}},
            {{0, MIN}, {5, MIN}, {7, MIN}, {0, MIN}},
            {{0, MIN}, {8, MAJ}, {5, MIN}, {7, MAJ}},
            {{2, DIM}, {7, DOM7}, {0, MIN}, {0, MIN}},
            {{0, MIN}, {3, MAJ}, {10, MAJ}, {5, MIN}},
            {{0, MIN}, {7, MIN}, {8, MAJ}, {5, MIN}},
            {{8, MAJ}, {10, MAJ}, {0, MIN}, {0, MIN}},
            {{0, MIN}, {5, MAJ}, {0, MIN}, {7, MIN}},
            {{0, MIN7}, {5, MIN7}, {0, MIN7}, {7, MAJ}},
        };
        static final int[] PAD_PROGRAMS = {88, 89, 91, 48, 49, 52};
        static final String[] ENDINGS = {"tonic", "V", "IV", "cut", "fade"};

        /**
         * A piece of the hard key set, in the piece's key and mode: 4-6 four-bar sections, each with its own
         * texture (block chords, arpeggio, sustained pad, off-beat stabs), voicing (inversion, register,
         * spread), and bass line (root, root-fifth, walking, pedal, inversion bass, octaves, none). At most
         * one section is in another key (major: the dominant or the relative minor; minor: the relative
         * major or the minor dominant), at the start or in the middle; one section may be melody only. The
         * piece ends on its tonic, on V, on IV, mid-phrase (cut after two bars), or fades out over the last
         * section. {@code info} receives a one-line description for labels.csv.
         */
        static byte[] hardPiece(Piece p, Random r, StringBuilder info) {
            List<Ev> ev = new ArrayList<>();
            tempo(ev, p.bpm);
            program(ev, 0, CHORD_PROGRAMS[r.nextInt(CHORD_PROGRAMS.length)]);
            program(ev, 1, MELODY_PROGRAMS[r.nextInt(MELODY_PROGRAMS.length)]);
            program(ev, 2, BASS_PROGRAMS[r.nextInt(BASS_PROGRAMS.length)]);
            program(ev, 3, PAD_PROGRAMS[r.nextInt(PAD_PROGRAMS.length)]);
            if (p.detuneCents != 0) {
                int bend = (int) Math.round(8192 + p.detuneCents / 200.0 * 8192);
                for (int ch = 0; ch < 4; ch++) {
                    ev.add(new Ev(0, 1, new byte[] {(byte) (0xE0 | ch), (byte) (bend & 0x7f), (byte) (bend >> 7)}));
                }
            }
            int sections = 4 + r.nextInt(3);
            String ending = ENDINGS[r.nextInt(ENDINGS.length)];
            // section kinds: "main", "other" (another key), "melody" (melody only, main key)
            String[] kind = new String[sections];
            java.util.Arrays.fill(kind, "main");
            if (r.nextDouble() < 0.6) {
                kind[r.nextDouble() < 0.4 ? 0 : 1 + r.nextInt(sections - 2)] = "other";
            }
            if (r.nextDouble() < 0.35) {
                int m = r.nextInt(sections - 1);
                if (kind[m].equals("main")) {
                    kind[m] = "melody";
                }
            }
            // the other key: tonic offset and mode
            int otherOffset;
            boolean otherMinor;
            if (!p.minor) {
                boolean relative = r.nextBoolean();
                otherOffset = relative ? 9 : 7;
                otherMinor = relative;
            } else {
                boolean relative = r.nextDouble() < 0.7;
                otherOffset = relative ? 3 : 7;
                otherMinor = !relative;
            }
            info.append("ending=").append(ending).append(" sections=");
            int melodyDegree = 9;
            int bar = 0;
            for (int s = 0; s < sections; s++) {
                boolean other = kind[s].equals("other");
                boolean minor = other ? otherMinor : p.minor;
                int keyTonic = (p.tonic + (other ? otherOffset : 0)) % 12;
                int[][][] pool = minor ? HARD_MINOR : HARD_MAJOR;
                int[][] phrase = pool[r.nextInt(pool.length)].clone();
                if (other) {
                    // a modulating section confirms its key with a cadence
                    phrase = (minor ? HARD_MINOR[1] : HARD_MAJOR[1]).clone();
                }
                boolean last = s == sections - 1;
                int barsHere = 4;
                if (last) {
                    switch (ending) {
                        case "tonic" -> phrase[3] = new int[] {0, minor ? MIN : MAJ};
                        case "V" -> phrase[3] = new int[] {7, MAJ};
                        case "IV" -> phrase[3] = new int[] {5, minor ? MIN : MAJ};
                        case "cut" -> barsHere = 2;
                        default -> { }
                    }
                }
                int texture = r.nextInt(4);          // 0 block, 1 arpeggio, 2 pad, 3 off-beat stabs
                int inversion = r.nextInt(3);
                boolean spread = r.nextDouble() < 0.3;
                int low = 45 + r.nextInt(12);        // lowest chord note region
                int bass = r.nextInt(7);             // 0 root, 1 root-fifth, 2 walking, 3 pedal, 4 inversion, 5 octaves, 6 none
                boolean melodyOnly = kind[s].equals("melody");
                boolean melodyOn = melodyOnly || r.nextDouble() < 0.8;
                info.append(s == 0 ? "" : "+").append(other ? (PCS[keyTonic] + (minor ? "m" : "")) : kind[s])
                        .append(melodyOnly ? "" : "/t" + texture + "b" + bass);
                int[] scale = minor ? MINOR : MAJOR;
                for (int b = 0; b < barsHere; b++, bar++) {
                    int[] chord = phrase[b];
                    int[] tones = CHORD_TONES[chord[1]];
                    long barTick = (long) bar * 4 * PPQ;
                    int rootPc = (keyTonic + chord[0]) % 12;
                    // voicing: chord tones from the inversion upwards, above 'low'
                    int n = tones.length;
                    int[] voice = new int[n];
                    int first = low + Math.floorMod(rootPc + tones[inversion % n] - low, 12);
                    voice[0] = first;
                    for (int j = 1; j < n; j++) {
                        int pc = (rootPc + tones[(inversion + j) % n]) % 12;
                        int v = voice[j - 1] + 1 + Math.floorMod(pc - voice[j - 1] - 1, 12);
                        voice[j] = v + (spread && j == 1 ? 12 : 0);
                    }
                    boolean fadeBar = last && ending.equals("fade");
                    if (fadeBar) {
                        for (int beat = 0; beat < 4; beat++) {
                            int vol = (int) Math.round(100 * (1 - (b * 4 + beat + 1) / 16.0));
                            for (int ch : new int[] {0, 1, 2, 3, 9}) {
                                ev.add(new Ev(barTick + (long) beat * PPQ, 1, new byte[] {(byte) (0xB0 | ch), 7, (byte) Math.max(0, vol)}));
                            }
                        }
                    }
                    boolean finalHeld = last && b == 3 && !ending.equals("fade");
                    if (!melodyOnly) {
                        if (finalHeld) {
                            for (int v : voice) {
                                note(ev, 0, v, barTick, 6 * PPQ, 80);
                            }
                        } else {
                            switch (texture) {
                                case 0 -> {
                                    for (int beat = 0; beat < 4; beat += 2) {
                                        for (int v : voice) {
                                            note(ev, 0, v, barTick + (long) beat * PPQ, 2 * PPQ - 20, beat == 0 ? 88 : 72);
                                        }
                                    }
                                }
                                case 1 -> {
                                    for (int e = 0; e < 8; e++) {
                                        int idx = e < 4 ? e % n : (n - 1) - (e - 4) % n;
                                        note(ev, 0, voice[idx] + 12, barTick + (long) e * PPQ / 2, PPQ / 2, e == 0 ? 85 : 68);
                                    }
                                }
                                case 2 -> {
                                    for (int v : voice) {
                                        note(ev, 3, v, barTick, 4 * PPQ, 70);
                                    }
                                }
                                default -> {
                                    for (int beat = 0; beat < 4; beat++) {
                                        for (int v : voice) {
                                            note(ev, 0, v, barTick + (long) beat * PPQ + PPQ / 2, PPQ / 3, 75);
                                        }
                                    }
                                }
                            }
                        }
                        int root = 36 + Math.floorMod(rootPc - 0, 12);
                        if (root > 47) {
                            root -= 12;
                        }
                        int pedal = 36 + keyTonic;
                        if (pedal > 47) {
                            pedal -= 12;
                        }
                        int invBass = 36 + Math.floorMod(voice[0], 12);
                        if (invBass > 47) {
                            invBass -= 12;
                        }
                        int nextRoot = b + 1 < 4 ? 36 + Math.floorMod(keyTonic + phrase[b + 1][0], 12) : root;
                        if (nextRoot > 47) {
                            nextRoot -= 12;
                        }
                        if (finalHeld && bass != 6) {
                            note(ev, 2, root, barTick, 6 * PPQ, 90);
                        } else {
                            switch (bass) {
                                case 0 -> note(ev, 2, root, barTick, 4 * PPQ - 30, 95);
                                case 1 -> {
                                    for (int beat = 0; beat < 4; beat++) {
                                        note(ev, 2, beat % 2 == 0 ? root : root + 7, barTick + (long) beat * PPQ, PPQ - 30, beat == 0 ? 100 : 85);
                                    }
                                }
                                case 2 -> { // walking: root, two scale steps towards the next root, a chromatic approach
                                    int dir = nextRoot >= root ? 1 : -1;
                                    int[] walk = {root, stepInScale(root, keyTonic, scale, dir), stepInScale(stepInScale(root, keyTonic, scale, dir), keyTonic, scale, dir),
                                        nextRoot - dir};
                                    for (int beat = 0; beat < 4; beat++) {
                                        note(ev, 2, walk[beat], barTick + (long) beat * PPQ, PPQ - 30, beat == 0 ? 98 : 82);
                                    }
                                }
                                case 3 -> note(ev, 2, pedal, barTick, 4 * PPQ - 30, 90);
                                case 4 -> {
                                    note(ev, 2, invBass, barTick, 2 * PPQ - 30, 95);
                                    note(ev, 2, invBass, barTick + 2 * PPQ, 2 * PPQ - 30, 85);
                                }
                                case 5 -> {
                                    for (int e = 0; e < 8; e++) {
                                        note(ev, 2, root + (e % 2 == 1 ? 12 : 0), barTick + (long) e * PPQ / 2, PPQ / 2 - 20, e == 0 ? 100 : 80);
                                    }
                                }
                                default -> { }
                            }
                        }
                    }
                    if (melodyOn && !finalHeld) {
                        // chord tones on the beats, neighbouring tones of the section's scale (altered to the chord) between
                        long t = barTick;
                        while (t < barTick + 4 * PPQ) {
                            boolean onBeat = (t % PPQ) == 0;
                            int len = r.nextDouble() < 0.5 ? PPQ / 2 : (r.nextDouble() < 0.7 ? PPQ : 2 * PPQ);
                            if (t + len > barTick + 4 * PPQ || (!onBeat && len > PPQ / 2)) {
                                len = (int) Math.min(PPQ / 2, barTick + 4 * PPQ - t);
                            }
                            int pitch;
                            if (onBeat) {
                                int tone = tones[r.nextInt(Math.min(3, n))];
                                melodyDegree = nearestPitch(melodyDegree, (rootPc + tone) % 12);
                            } else {
                                melodyDegree = stepInChordScale(melodyDegree, keyTonic, scale, tones, rootPc, r.nextBoolean() ? 1 : -1);
                            }
                            pitch = 60 + melodyDegree;
                            if (r.nextDouble() < 0.9) {
                                note(ev, 1, pitch, t, len - 20, onBeat ? 95 : 75);
                            }
                            t += len;
                        }
                    }
                    if (p.drums && !(melodyOnly && r.nextBoolean())) {
                        for (int e = 0; e < 8; e++) {
                            long dt = barTick + (long) e * PPQ / 2;
                            note(ev, 9, e % 4 == 2 && s % 2 == 1 ? 46 : 42, dt, PPQ / 4, e % 2 == 0 ? 80 : 55);
                            if (e == 0 || e == 4 || (e == 5 && bar % 2 == 1)) {
                                note(ev, 9, 36, dt, PPQ / 4, 110);
                            }
                            if (e == 2 || e == 6) {
                                note(ev, 9, 38, dt, PPQ / 4, 100);
                            }
                        }
                    }
                }
            }
            boolean held = !ending.equals("fade") && !ending.equals("cut");
            long end = (long) bar * 4 * PPQ + (held ? 2 * PPQ : 0);
            return write(ev, end + 3 * PPQ);
        }

        /** The next note of the key's scale from {@code from} (a MIDI note) in direction {@code dir}. */
        static int stepInScale(int from, int tonic, int[] scale, int dir) {
            for (int k = from + dir; ; k += dir) {
                int rel = Math.floorMod(k - tonic, 12);
                for (int d : scale) {
                    if (d == rel) {
                        return k;
                    }
                }
            }
        }

        /**
         * A melody step (semitones above middle C, kept within -5..+19) along the key's scale, where a
         * scale tone a semitone from one of the chord's tones is replaced by that chord tone (so a
         * borrowed chord's altered note also sounds in the melody).
         */
        static int stepInChordScale(int from, int tonic, int[] scale, int[] tones, int rootPc, int dir) {
            if (from > 17) {
                dir = -1;
            } else if (from < -3) {
                dir = 1;
            }
            int next = stepInScale(60 + from, tonic, scale, dir) - 60;
            for (int t : tones) {
                int pc = (rootPc + t) % 12;
                int d = Math.floorMod(pc - Math.floorMod(next, 12) + 6, 12) - 6;
                if (Math.abs(d) == 1 && !inScale(pc, tonic, scale)) {
                    return next + d;
                }
            }
            return next;
        }

        static boolean inScale(int pc, int tonic, int[] scale) {
            int rel = Math.floorMod(pc - tonic, 12);
            for (int d : scale) {
                if (d == rel) {
                    return true;
                }
            }
            return false;
        }

        /**
         * The degree (semitones from middle C, -5..19) of pitch class pc nearest to {@code from}. (Until session
         * 8 the search started from Integer.MAX_VALUE, and {@code MAX_VALUE - from} overflowed as soon as the
         * melody went below middle C: it then returned MAX_VALUE, which the MIDI byte wrapped to B3, and the
         * melody of every hard piece stuck on B3/A#3 for the rest of the piece. Hard corpora generated before
         * that fix carry the stuck melody; docs/benchmarks.md, "Key".)
         */
        static int nearestPitch(int from, int pc) {
            int best = Math.floorMod(pc + 5, 12) - 5; // the lowest candidate, -5..6
            for (int k = best + 12; k <= 19; k += 12) {
                if (Math.abs(k - from) < Math.abs(best - from)) {
                    best = k;
                }
            }
            return best;
        }

        static int nearest(int from, int target) {
            int best = target;
            for (int o = -14; o <= 14; o += 7) {
                if (Math.abs(target + o - from) < Math.abs(best - from)) {
                    best = target + o;
                }
            }
            return best;
        }

        /** Long overlapping pad notes at irregular times: no beat. */
        static byte[] ambience(Random r) {
            List<Ev> ev = new ArrayList<>();
            tempo(ev, 60);
            program(ev, 0, 89 + r.nextInt(4));
            program(ev, 1, 94);
            long t = 0;
            while (t < 40 * PPQ) {
                int n = 40 + r.nextInt(36);
                long len = (long) ((4 + 6 * r.nextDouble()) * PPQ);
                note(ev, r.nextInt(2), n, t, len, 40 + r.nextInt(40));
                t += (long) ((0.8 + 3.5 * r.nextDouble()) * PPQ);
            }
            return write(ev, t + 12 * PPQ);
        }

        /** One hit (drum or orchestra hit) and its decay, then quiet. */
        static byte[] singleHit(int variant) {
            List<Ev> ev = new ArrayList<>();
            tempo(ev, 60);
            program(ev, 0, new int[] {55, 47, 116, 0}[variant]);
            if (variant % 2 == 0) {
                note(ev, 9, 49, PPQ, PPQ, 120);
                note(ev, 9, 36, PPQ, PPQ, 120);
            }
            note(ev, 0, 48 + variant, PPQ, 3 * PPQ, 120);
            return write(ev, 20 * PPQ);
        }

        static void tempo(List<Ev> ev, double bpm) {
            int us = (int) Math.round(60_000_000 / bpm);
            ev.add(new Ev(0, 0, new byte[] {(byte) 0xFF, 0x51, 3, (byte) (us >> 16), (byte) (us >> 8), (byte) us}));
        }

        static void program(List<Ev> ev, int ch, int prog) {
            ev.add(new Ev(0, 1, new byte[] {(byte) (0xC0 | ch), (byte) prog}));
        }

        static void note(List<Ev> ev, int ch, int key, long tick, long len, int vel) {
            ev.add(new Ev(tick, 3, new byte[] {(byte) (0x90 | ch), (byte) key, (byte) vel}));
            ev.add(new Ev(tick + Math.max(1, len), 2, new byte[] {(byte) (0x80 | ch), (byte) key, 0}));
        }

        static byte[] write(List<Ev> ev, long endTick) {
            ev.sort((a, b) -> a.tick != b.tick ? Long.compare(a.tick, b.tick) : Integer.compare(a.order, b.order));
            ByteArrayOutputStream trk = new ByteArrayOutputStream();
            long last = 0;
            for (Ev e : ev) {
                vlq(trk, e.tick - last);
                trk.writeBytes(e.data);
                last = e.tick;
            }
            vlq(trk, Math.max(0, endTick - last));
            trk.writeBytes(new byte[] {(byte) 0xFF, 0x2F, 0});
            ByteBuffer b = ByteBuffer.allocate(22 + trk.size()).order(ByteOrder.BIG_ENDIAN);
            b.put("MThd".getBytes()).putInt(6).putShort((short) 0).putShort((short) 1).putShort((short) PPQ);
            b.put("MTrk".getBytes()).putInt(trk.size()).put(trk.toByteArray());
            return b.array();
        }

        static void vlq(ByteArrayOutputStream out, long v) {
            long buf = v & 0x7f;
            while ((v >>= 7) > 0) {
                buf <<= 8;
                buf |= 0x80 | (v & 0x7f);
            }
            while (true) {
                out.write((int) (buf & 0xff));
                if ((buf & 0x80) != 0) {
                    buf >>= 8;
                } else {
                    break;
                }
            }
        }
    }
}
