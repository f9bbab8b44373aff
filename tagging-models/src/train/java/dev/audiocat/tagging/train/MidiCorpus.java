package dev.audiocat.tagging.train;

import dev.audiocat.tagging.Labels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.sound.midi.InvalidMidiDataException;
import javax.sound.midi.MetaMessage;
import javax.sound.midi.MidiEvent;
import javax.sound.midi.MidiSystem;
import javax.sound.midi.Sequence;
import javax.sound.midi.ShortMessage;
import javax.sound.midi.Track;

/**
 * Writes random General MIDI clips with known instrument families, renders them with fluidsynth and a
 * soundfont (or with timidity and a GUS-patch set, {@link #timidity}) in one call per batch of clips,
 * and cuts the render back into clips.
 *
 * <p>Each clip is a few seconds of 1-3 pitched parts from random GM programs of random families (plus
 * drums half of the time), or a one-shot (one note, chord or drum hit followed by silence). Clips are
 * separated by gaps so reverb tails do not leak into the next clip.
 */
public final class MidiCorpus {

    static final int RATE = 22050;
    private static final int PPQ = 480;          // at the fixed 120 BPM: 960 ticks per second
    private static final double TICKS_PER_SECOND = 960;
    private static final double GAP_SECONDS = 1.5;
    private static final int DRUMS = 0;

    /** GM programs (0-based) per family index of {@link Labels#INSTRUMENTS}; drums use channel 10. */
    static final int[][] PROGRAMS = {
        {},
        {8, 9, 10, 11, 12, 13, 14, 15},                                   // tuned_percussion
        {32, 33, 34, 35, 36, 37, 38, 39},                                 // bass
        {24, 25, 26, 27, 28, 29, 30, 31},                                 // guitar
        {0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20},                     // keys: pianos, organs
        {40, 41, 42, 43, 44, 45, 46, 48, 49},                             // strings
        {56, 57, 58, 59, 60, 61},                                         // brass
        {64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 77, 79},         // woodwinds
        {80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95}, // synth leads and pads
        {52, 53},                                                         // voice: choir aahs, voice oohs
    };
    /** Playable MIDI note range per family. */
    private static final int[][] RANGE = {
        {35, 81}, {60, 96}, {28, 52}, {40, 76}, {40, 84}, {36, 84}, {40, 77}, {50, 88}, {45, 84}, {50, 77},
    };
    private static final int[] DRUM_KITS = {0, 8, 16, 24, 25, 32, 40, 48};
    private static final int[] MAJOR = {0, 2, 4, 5, 7, 9, 11};
    private static final int[] MINOR = {0, 2, 3, 5, 7, 8, 10};

    private final Path soundfont;
    /** timidity configuration file (GUS patches, e.g. freepats); null = fluidsynth with {@link #soundfont}. */
    private final Path timidityCfg;
    private final Path workDir;
    /** Programs per family that this synth has; {@link #PROGRAMS} unless {@link #withInstruments} says less. */
    private int[][] programs = PROGRAMS;
    /** Drum kits for ensembles and drum one-shots. */
    private int[] kits = DRUM_KITS;
    /** MIDI channel of drum-only clips: 9 (GM percussion), or a melodic channel for a kit that is a melodic preset. */
    private int drumOnlyChannel = 9;
    private double oneShotDrumShare = -1;
    private double ensembleSeconds = 5.0;
    private double sectionSeconds = 0;
    private int[] drumOnlyKits;

    public MidiCorpus(Path soundfont, Path workDir) {
        this(soundfont, null, workDir);
    }

    private MidiCorpus(Path soundfont, Path timidityCfg, Path workDir) {
        this.soundfont = soundfont;
        this.timidityCfg = timidityCfg;
        this.workDir = workDir;
    }

    /**
     * Renders with timidity and only the patch set of {@code cfg} (e.g. /etc/timidity/freepats.cfg),
     * drawing only the melodic programs of its bank 0 and its drum sets ({@link #timidityInstruments}).
     *
     * <p>timidity always reads the system configuration (/etc/timidity/timidity.cfg, on Debian a
     * FluidR3_GM mapping of every program) before {@code -c}, so a program or drum key that the patch
     * set lacks would quietly sound from that soundfont. The configuration written here sources
     * {@code cfg} and then undefines every other program of bank 0 and every other key of its drum
     * sets: whatever the set lacks stays silent (and a silent render can be dropped) instead.
     */
    public static MidiCorpus timidity(Path cfg, Path workDir) throws IOException {
        Instruments have = timidityInstruments(cfg);
        if (have.drumKeys().isEmpty()) {
            throw new IOException(cfg + " has no drum set; timidity needs one for the drum parts");
        }
        StringBuilder only = new StringBuilder("# written by MidiCorpus.timidity: the patches of " + cfg + " and nothing else\n")
                .append("source ").append(cfg.toAbsolutePath()).append("\nbank 0\n");
        for (int p = 0; p < 128; p++) {
            if (!have.programs().contains(p)) {
                only.append("#extension undef ").append(p).append('\n');
            }
        }
        for (var kit : have.drumKeys().entrySet()) {
            only.append("drumset ").append(kit.getKey()).append('\n');
            for (int k = 0; k < 128; k++) {
                if (!kit.getValue().contains(k)) {
                    only.append("#extension undef ").append(k).append('\n');
                }
            }
        }
        Files.createDirectories(workDir);
        Path own = workDir.resolve("timidity-only-" + cfg.getFileName().toString().replaceAll("[^A-Za-z0-9._-]", "_"));
        Files.writeString(own, only);
        int[] drumsets = have.drumKeys().keySet().stream().mapToInt(Integer::intValue).toArray();
        return new MidiCorpus(null, own, workDir).withInstruments(have.programs(), drumsets);
    }

    /**
     * Draws only these melodic programs (families without any are never drawn) and these drum kits.
     * With every program and {@link #DRUM_KITS} (the default) the clips are those of the unrestricted
     * generator, draw for draw.
     */
    public MidiCorpus withInstruments(java.util.Set<Integer> melodic, int[] drumKits) {
        int[][] p = new int[PROGRAMS.length][];
        int families = 0;
        for (int f = 0; f < PROGRAMS.length; f++) {
            p[f] = java.util.Arrays.stream(PROGRAMS[f]).filter(melodic::contains).toArray();
            families += f > 0 && p[f].length > 0 ? 1 : 0;
        }
        if (families < 3) {
            throw new IllegalArgumentException("need programs of at least 3 pitched families (ensembles have up to 3 parts), got " + families);
        }
        if (drumKits.length == 0) {
            throw new IllegalArgumentException("need at least one drum kit");
        }
        this.programs = p;
        this.kits = drumKits.clone();
        return this;
    }

    /**
     * Drum-only clips play on this MIDI channel (default 9, GM percussion). A kit that is a melodic
     * preset (e.g. the AVL kits, bank 0 program 0) needs a melodic channel, since fluidsynth maps
     * channel 9 to bank 128.
     */
    public MidiCorpus withDrumOnlyChannel(int channel) {
        this.drumOnlyChannel = channel;
        return this;
    }

    /**
     * One-shots are drum hits with this probability (and then mostly a single hit, as in sample
     * packs), else a pitched family; by default every family, drums included, is equally likely.
     */
    public MidiCorpus withOneShotDrumShare(double share) {
        this.oneShotDrumShare = share;
        return this;
    }

    /**
     * Long ensembles are cut into sections of this length (0 = one section, the default): every
     * section draws a new playing style per part, and parts (and drums) after the first section
     * play in it with probability 0.7 (a single part always plays), as arrangements change between
     * verses and choruses. Programs, kit, key and tempo stay the song's.
     */
    public MidiCorpus withSections(double seconds) {
        this.sectionSeconds = seconds;
        return this;
    }

    /**
     * Every clip is drums only, with a kit drawn from {@code kits} (e.g. all of the soundfont's
     * percussion presets, {@link #drumKits}): half of them a single hit of any General MIDI percussion
     * key (35-81) followed by its tail, as in drum sample packs, half a 2-5 s drum loop (a pattern as in
     * the ensembles, with a hand-percussion layer half of the time), as in loop libraries.
     */
    public MidiCorpus withDrumOnly(int[] kits) {
        this.drumOnlyKits = kits.clone();
        return this;
    }

    /** Length of an ensemble clip (default 5 s); long "songs" serve the same-recording validation. */
    public MidiCorpus withEnsembleSeconds(double seconds) {
        this.ensembleSeconds = seconds;
        return this;
    }

    /** A planned clip: its MIDI events are written relative to {@code start} seconds. */
    private record Planned(String id, double start, double length, float[] labels, int family) {
    }

    /**
     * Renders {@code count} clips.
     *
     * @param oneFamilyShare share of clips with a single pitched family and no drums (retrieval tests)
     */
    public List<Clip> render(String name, int count, long seed, double oneShotShare, double oneFamilyShare)
            throws IOException, InterruptedException {
        Random rnd = new Random(seed);
        List<Clip> out = new ArrayList<>();
        int batch = 400; // one fluidsynth start per 400 clips: loading MuseScore General (sf3) alone takes ~10-25 s
        for (int b0 = 0; b0 < count; b0 += batch) {
            int n = Math.min(batch, count - b0);
            Sequence seq;
            try {
                seq = new Sequence(Sequence.PPQ, PPQ);
            } catch (InvalidMidiDataException e) {
                throw new IllegalStateException(e);
            }
            Track track = seq.createTrack();
            meta(track, 0x51, new byte[] {0x07, (byte) 0xA1, 0x20}, 0); // 500000 us per quarter = 120 BPM
            List<Planned> plan = new ArrayList<>();
            double t = 0.5;
            for (int i = 0; i < n; i++) {
                String id = name + "-" + (b0 + i);
                double u = rnd.nextDouble();
                Planned p;
                if (drumOnlyKits != null) {
                    p = drumOnly(id, track, t, rnd);
                } else if (u < oneShotShare) {
                    p = oneShot(id, track, t, rnd);
                } else if (u < oneShotShare + oneFamilyShare) {
                    p = ensemble(id, track, t, rnd, true);
                } else {
                    p = ensemble(id, track, t, rnd, false);
                }
                plan.add(p);
                t += p.length() + GAP_SECONDS;
            }
            Path mid = workDir.resolve(name + "-" + b0 + ".mid");
            Path wav = workDir.resolve(name + "-" + b0 + ".wav");
            MidiSystem.write(seq, 1, mid.toFile());
            String tool = timidityCfg == null ? "fluidsynth" : "timidity";
            List<String> cmd = timidityCfg == null
                    ? List.of("fluidsynth", "-ni", "-q", "-g", "0.5", "-r", String.valueOf(RATE),
                            "-T", "wav", "-O", "s16", "-F", wav.toString(), soundfont.toString(), mid.toString())
                    // -c alone: only this patch set; RIFF WAVE, 16-bit signed, mono, at RATE (what Wav.readMono reads)
                    : List.of("timidity", "-c", timidityCfg.toString(), "-Ow", "--output-16bit", "--output-signed", "--output-mono",
                            "-s", String.valueOf(RATE), "-o", wav.toString(), mid.toString());
            Path log = workDir.resolve(tool + ".log");
            Process proc = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (proc.waitFor() != 0 || !Files.exists(wav)) {
                throw new IOException(tool + " failed on " + mid + " with " + (timidityCfg == null ? soundfont : timidityCfg) + "; see " + log);
            }
            float[] audio = Wav.readMono(wav);
            for (Planned p : plan) {
                int s0 = (int) Math.round(p.start() * RATE);
                int len = (int) Math.round(p.length() * RATE);
                float[] clip = new float[len];
                System.arraycopy(audio, Math.min(s0, audio.length), clip, 0, Math.max(0, Math.min(len, audio.length - s0)));
                out.add(new Clip(p.id(), clip, p.labels(), Labels.CONTENT.indexOf("music"), p.family(), -1));
            }
            Files.deleteIfExists(wav);
        }
        return out;
    }

    private Planned ensemble(String id, Track track, double t0, Random rnd, boolean oneFamily) {
        double length = ensembleSeconds;
        float[] labels = new float[Labels.INSTRUMENTS.size()];
        double beat = 60.0 / (70 + rnd.nextInt(91));
        int tonic = rnd.nextInt(12);
        int[] scale = rnd.nextBoolean() ? MAJOR : MINOR;
        int parts = oneFamily ? 1 : 1 + rnd.nextInt(3);
        List<Integer> families = new ArrayList<>();
        while (families.size() < parts) {
            int f = 1 + rnd.nextInt(PROGRAMS.length - 1);
            if (!families.contains(f) && programs[f].length > 0) {
                families.add(f);
            }
        }
        for (int c = 0; c < families.size(); c++) {
            int fam = families.get(c);
            labels[fam] = 1;
            int program = programs[fam][rnd.nextInt(programs[fam].length)];
            setup(track, c, program, 80 + rnd.nextInt(48), t0 - 0.2);
            if (sectionSeconds <= 0) {
                part(track, c, fam, t0, length, beat, tonic, scale, rnd);
                allOff(track, c, t0 + length);
            } else {
                for (double s = 0; s < length - 0.1; s += sectionSeconds) {
                    double l = Math.min(sectionSeconds, length - s);
                    if (s == 0 || families.size() == 1 || rnd.nextDouble() < 0.7) {
                        part(track, c, fam, t0 + s, l, beat, tonic, scale, rnd);
                    }
                    allOff(track, c, t0 + s + l);
                }
            }
        }
        boolean drums = !oneFamily && rnd.nextDouble() < 0.5 || families.isEmpty();
        if (drums) {
            labels[DRUMS] = 1;
            setup(track, 9, kits[rnd.nextInt(kits.length)], 80 + rnd.nextInt(48), t0 - 0.2);
            if (sectionSeconds <= 0) {
                drumPart(track, 9, t0, length, beat, rnd);
                allOff(track, 9, t0 + length);
            } else {
                for (double s = 0; s < length - 0.1; s += sectionSeconds) {
                    double l = Math.min(sectionSeconds, length - s);
                    if (s == 0 || rnd.nextDouble() < 0.7) {
                        drumPart(track, 9, t0 + s, l, beat, rnd);
                    }
                    allOff(track, 9, t0 + s + l);
                }
            }
        }
        return new Planned(id, t0, length + 0.3, labels, oneFamily ? families.get(0) : -1);
    }

    private Planned oneShot(String id, Track track, double t0, Random rnd) {
        double length = 3.0;
        float[] labels = new float[Labels.INSTRUMENTS.size()];
        int fam;
        do { // a family this synth lacks is drawn again (never with the full program table)
            fam = oneShotDrumShare < 0 ? rnd.nextInt(PROGRAMS.length)
                    : rnd.nextDouble() < oneShotDrumShare ? DRUMS : 1 + rnd.nextInt(PROGRAMS.length - 1);
        } while (fam != DRUMS && programs[fam].length == 0);
        labels[fam] = 1;
        if (fam == DRUMS) {
            setup(track, 9, kits[rnd.nextInt(kits.length)], 100, t0 - 0.2);
            int[] hits = {35, 36, 38, 40, 42, 46, 49, 51, 45, 48, 50, 39, 54, 56, 57};
            int hitCount = oneShotDrumShare < 0 ? 1 + rnd.nextInt(3) : rnd.nextInt(4) == 0 ? 2 : 1;
            for (int h = 0; h < hitCount; h++) {
                note(track, 9, hits[rnd.nextInt(hits.length)], 70 + rnd.nextInt(57), t0 + h * 0.4, 0.2);
            }
        } else {
            int program = programs[fam][rnd.nextInt(programs[fam].length)];
            setup(track, 0, program, 100, t0 - 0.2);
            int root = RANGE[fam][0] + rnd.nextInt(RANGE[fam][1] - RANGE[fam][0] - 7);
            double dur = 0.3 + rnd.nextDouble() * 1.7;
            int vel = 60 + rnd.nextInt(67);
            note(track, 0, root, vel, t0, dur);
            if (rnd.nextBoolean() && fam != 2) {
                note(track, 0, root + (rnd.nextBoolean() ? 3 : 4), vel, t0, dur);
                note(track, 0, root + 7, vel, t0, dur);
            }
            allOff(track, 0, t0 + dur + 0.05);
        }
        return new Planned(id, t0, length, labels, fam);
    }

    private Planned drumOnly(String id, Track track, double t0, Random rnd) {
        float[] labels = new float[Labels.INSTRUMENTS.size()];
        labels[DRUMS] = 1;
        int ch = drumOnlyChannel;
        setup(track, ch, drumOnlyKits[rnd.nextInt(drumOnlyKits.length)], 80 + rnd.nextInt(48), t0 - 0.2);
        double length;
        if (rnd.nextBoolean()) {
            length = 3.0;
            note(track, ch, 35 + rnd.nextInt(47), 40 + rnd.nextInt(88), t0, 0.2);
        } else {
            length = 2 + 3 * rnd.nextDouble();
            double beat = 60.0 / (70 + rnd.nextInt(91));
            drumPart(track, ch, t0, length, beat, rnd);
            if (rnd.nextBoolean()) {
                int[] hand = {39, 54, 56, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 73, 74, 75, 76, 77, 81};
                int[] keys = {hand[rnd.nextInt(hand.length)], hand[rnd.nextInt(hand.length)]};
                double sixteenth = beat / 4;
                for (int s = 0; s < (int) (length / sixteenth); s++) {
                    if (rnd.nextDouble() < 0.3) {
                        note(track, ch, keys[rnd.nextInt(2)], 50 + rnd.nextInt(70), t0 + s * sixteenth, 0.1);
                    }
                }
            }
        }
        allOff(track, ch, t0 + length);
        return new Planned(id, t0, length + 0.3, labels, DRUMS);
    }

    /** Melodic programs of bank 0, and the keys of each drum set, that a timidity configuration maps to patch files. */
    record Instruments(java.util.Set<Integer> programs, java.util.SortedMap<Integer, java.util.Set<Integer>> drumKeys) {
    }

    /**
     * Reads a timidity configuration (and the files it {@code source}s): the programs listed under
     * {@code bank 0} and the keys listed under each {@code drumset}.
     */
    static Instruments timidityInstruments(Path cfg) throws IOException {
        java.util.Set<Integer> programs = new java.util.TreeSet<>();
        java.util.SortedMap<Integer, java.util.Set<Integer>> drums = new java.util.TreeMap<>();
        readTimidityCfg(cfg, programs, drums, 0);
        return new Instruments(programs, drums);
    }

    private static void readTimidityCfg(Path cfg, java.util.Set<Integer> programs, java.util.SortedMap<Integer, java.util.Set<Integer>> drums,
            int depth) throws IOException {
        if (depth > 8) {
            throw new IOException(cfg + ": 'source' nested too deeply");
        }
        String section = "bank";
        int number = 0;
        for (String raw : Files.readAllLines(cfg)) {
            String line = raw.replaceFirst("#.*", "").trim();
            if (line.isEmpty()) {
                continue;
            }
            String[] w = line.split("\\s+");
            if ((w[0].equals("bank") || w[0].equals("drumset")) && w.length >= 2 && w[1].matches("\\d+")) {
                section = w[0];
                number = Integer.parseInt(w[1]);
            } else if (w[0].equals("source") && w.length >= 2) {
                Path inner = cfg.resolveSibling(w[1]);
                readTimidityCfg(inner, programs, drums, depth + 1);
            } else if (w[0].matches("\\d+") && w.length >= 2) {
                if (section.equals("bank") && number == 0) {
                    programs.add(Integer.parseInt(w[0]));
                } else if (section.equals("drumset")) {
                    drums.computeIfAbsent(number, k -> new java.util.TreeSet<>()).add(Integer.parseInt(w[0]));
                }
            }
        }
    }

    /**
     * Programs of the percussion presets (bank 128) of a SoundFont 2 (or sf3) file, read from its
     * {@code phdr} chunk; {@link #DRUM_KITS} when it has none.
     */
    static int[] drumKits(Path soundfont) throws IOException {
        java.util.TreeSet<Integer> kits = new java.util.TreeSet<>();
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(soundfont)) {
            java.nio.ByteBuffer head = java.nio.ByteBuffer.allocate(12).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            ch.read(head, 0);
            long pos = 12;
            long end = Math.min(ch.size(), 8L + Integer.toUnsignedLong(head.getInt(4)));
            while (pos + 12 <= end) {
                java.nio.ByteBuffer h = java.nio.ByteBuffer.allocate(12).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                ch.read(h, pos);
                long size = Integer.toUnsignedLong(h.getInt(4));
                String id = new String(h.array(), 0, 4, java.nio.charset.StandardCharsets.US_ASCII);
                String type = new String(h.array(), 8, 4, java.nio.charset.StandardCharsets.US_ASCII);
                if (id.equals("LIST") && type.equals("pdta")) {
                    long p = pos + 12;
                    while (p + 8 <= pos + 8 + size) {
                        java.nio.ByteBuffer sh = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                        ch.read(sh, p);
                        long n = Integer.toUnsignedLong(sh.getInt(4));
                        if (new String(sh.array(), 0, 4, java.nio.charset.StandardCharsets.US_ASCII).equals("phdr")) {
                            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate((int) n).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                            ch.read(b, p + 8);
                            for (int r = 0; r + 2 * 38 <= n; r += 38) { // the last record is the terminal EOP
                                if ((b.getShort(r + 22) & 0xffff) == 128) {
                                    kits.add(b.getShort(r + 20) & 0xffff);
                                }
                            }
                        }
                        p += 8 + n + (n & 1);
                    }
                }
                pos += 8 + size + (size & 1);
            }
        }
        return kits.isEmpty() ? DRUM_KITS.clone() : kits.stream().mapToInt(Integer::intValue).toArray();
    }

    private void part(Track track, int ch, int fam, double t0, double length, double beat, int tonic, int[] scale, Random rnd) {
        int lo = RANGE[fam][0];
        int hi = RANGE[fam][1];
        int style = rnd.nextInt(4); // 0 melody, 1 chords, 2 arpeggio, 3 sustained
        if (fam == 2) {
            style = rnd.nextBoolean() ? 0 : 4; // bass: walking melody or root pulses
        }
        int degree = rnd.nextInt(7);
        int octaveBase = lo + rnd.nextInt(Math.max(1, hi - lo - 12));
        double t = 0;
        while (t < length - 0.1) {
            int vel = 60 + rnd.nextInt(60);
            double dur;
            switch (style) {
                case 0 -> {
                    dur = beat * new double[] {0.5, 0.5, 1, 1, 2, 0.25}[rnd.nextInt(6)];
                    degree += rnd.nextInt(5) - 2;
                    int pitch = pitchOf(tonic, scale, degree, octaveBase, lo, hi);
                    note(track, ch, pitch, vel, t0 + t, dur * 0.9);
                }
                case 1 -> {
                    dur = beat * (rnd.nextBoolean() ? 2 : 4);
                    degree = rnd.nextInt(7);
                    for (int k = 0; k < 3; k++) {
                        note(track, ch, pitchOf(tonic, scale, degree + 2 * k, octaveBase, lo, hi), vel, t0 + t, dur * 0.95);
                    }
                }
                case 2 -> {
                    dur = beat * 0.5;
                    int k = (int) Math.round(t / dur) % 4;
                    note(track, ch, pitchOf(tonic, scale, degree + 2 * (k == 3 ? 1 : k), octaveBase, lo, hi), vel, t0 + t, dur * 0.9);
                    if (k == 3) {
                        degree = rnd.nextInt(7);
                    }
                }
                case 3 -> {
                    dur = beat * (2 + rnd.nextInt(4));
                    degree += rnd.nextInt(3) - 1;
                    note(track, ch, pitchOf(tonic, scale, degree, octaveBase, lo, hi), vel, t0 + t, dur * 0.98);
                }
                default -> {
                    dur = beat;
                    if (rnd.nextInt(4) == 0) {
                        degree = new int[] {0, 3, 4, 5}[rnd.nextInt(4)];
                    }
                    note(track, ch, pitchOf(tonic, scale, degree, octaveBase, lo, hi), vel, t0 + t, dur * 0.8);
                }
            }
            if (rnd.nextInt(10) == 0) {
                dur += beat; // a rest
            }
            t += dur;
        }
    }

    private static int pitchOf(int tonic, int[] scale, int degree, int base, int lo, int hi) {
        int oct = Math.floorDiv(degree, 7);
        int p = base - Math.floorMod(base, 12) + tonic + scale[Math.floorMod(degree, 7)] + 12 * oct;
        while (p < lo) {
            p += 12;
        }
        while (p > hi) {
            p -= 12;
        }
        return p;
    }

    private void drumPart(Track track, int ch, double t0, double length, double beat, Random rnd) {
        int style = rnd.nextInt(4);
        double sixteenth = beat / 4;
        int steps = (int) (length / sixteenth);
        int hat = rnd.nextBoolean() ? 42 : (rnd.nextBoolean() ? 51 : 44);
        for (int s = 0; s < steps; s++) {
            double t = t0 + s * sixteenth;
            int pos = s % 16;
            int vel = 70 + rnd.nextInt(50);
            boolean kick = switch (style) {
                case 0 -> pos % 4 == 0;
                case 1 -> pos == 0 || pos == 8 || pos == 10;
                case 2 -> pos == 0 || pos == 6 || pos == 10;
                default -> rnd.nextInt(5) == 0;
            };
            boolean snare = style == 3 ? rnd.nextInt(6) == 0 : pos == 4 || pos == 12;
            if (kick) {
                note(track, ch, 36, vel, t, 0.1);
            }
            if (snare) {
                note(track, ch, rnd.nextInt(4) == 0 ? 39 : 38, vel, t, 0.1);
            }
            if (pos % 2 == 0 || style == 3) {
                note(track, ch, hat, 50 + rnd.nextInt(40), t, 0.05);
            }
            if (s == 0 && rnd.nextBoolean()) {
                note(track, ch, 49, 100, t, 0.1);
            }
            if (rnd.nextInt(24) == 0) {
                note(track, ch, new int[] {41, 43, 45, 47, 48, 50}[rnd.nextInt(6)], vel, t, 0.1);
            }
        }
    }

    private static void setup(Track track, int ch, int program, int volume, double at) {
        event(track, ShortMessage.CONTROL_CHANGE, ch, 121, 0, at);       // reset controllers
        event(track, ShortMessage.CONTROL_CHANGE, ch, 0, 0, at);         // bank 0 (drum kits are chosen by program)
        event(track, ShortMessage.PROGRAM_CHANGE, ch, program, 0, at);
        event(track, ShortMessage.CONTROL_CHANGE, ch, 7, volume, at);
    }

    private static void allOff(Track track, int ch, double at) {
        event(track, ShortMessage.CONTROL_CHANGE, ch, 123, 0, at);
    }

    private static void note(Track track, int ch, int pitch, int vel, double at, double dur) {
        event(track, ShortMessage.NOTE_ON, ch, pitch, Math.min(127, vel), at);
        event(track, ShortMessage.NOTE_OFF, ch, pitch, 0, at + dur);
    }

    private static void event(Track track, int cmd, int ch, int d1, int d2, double at) {
        try {
            track.add(new MidiEvent(new ShortMessage(cmd, ch, d1, d2), Math.round(Math.max(0, at) * TICKS_PER_SECOND)));
        } catch (InvalidMidiDataException e) {
            throw new IllegalArgumentException("bad MIDI event " + cmd + "/" + ch + "/" + d1 + "/" + d2, e);
        }
    }

    private static void meta(Track track, int type, byte[] data, long tick) {
        try {
            track.add(new MidiEvent(new MetaMessage(type, data, data.length), tick));
        } catch (InvalidMidiDataException e) {
            throw new IllegalStateException(e);
        }
    }

    static void checkTool(String tool) {
        try {
            Process p = new ProcessBuilder(tool, "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            p.waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException(tool + " is not installed: apt-get install " + tool, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
