package dev.audiocat.pipelines.demo;

import static dev.audiocat.features.encode.SignalGenerator.dbfs;

import dev.audiocat.features.encode.AudioEncoder;
import dev.audiocat.features.encode.AudioEncoder.Format;
import dev.audiocat.features.encode.Signal;
import dev.audiocat.features.encode.SignalGenerator;
import dev.audiocat.features.encode.Waveform;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.bytedeco.ffmpeg.global.avutil;

/**
 * Generates the demo library: {@value #GOOD_FILES} playable files in nine formats (WAV 16/24-bit,
 * FLAC 16/24-bit, MP3, Ogg Vorbis, M4A/AAC, AIFF, Opus), mono and stereo, 8 to 96 kHz, 1 s to 5 min,
 * in nested folders, some tagged (title, artist, album, ISRC), two Broadcast WAVs with a {@code bext}
 * chunk, and {@value #BROKEN_FILES} broken files (a truncated MP3, an empty file, random bytes named
 * {@code .flac}, a WAV header without samples). About 16 minutes of audio in all.
 *
 * <p>Content is synthetic and deterministic for a seed: chord progressions with bass, clicks and
 * hi-hat-like noise bursts, pink-noise ambiences, silence gaps, and EBU Tech 3341 style 997 Hz tones
 * whose integrated loudness follows from the signal in closed form: a stereo sine of peak {@code A}
 * dBFS on both channels reads {@code A} LUFS (K-weighting gains +0.691 dB at 997 Hz, which cancels
 * BS.1770's -0.691 offset; mean square of a sine is peak²/2, summed over two channels), a mono one
 * {@code A - 3.01} LUFS.
 *
 * <p>The manifest ({@link DemoManifest}) is written to {@code dir/}{@value #MANIFEST_FILE}; ingest
 * ignores {@code .json} files. Files are written under hidden temporary names and renamed when
 * complete, so an interrupted run never leaves a half-written file under its final name.
 */
public final class DemoLibrary {

    public static final String MANIFEST_FILE = "demo-library.json";
    /** Seed of the library {@code audiocat demo} makes. */
    public static final long DEFAULT_SEED = 20_261_122L;
    static final int GOOD_FILES = 31;
    static final int BROKEN_FILES = 4;

    /** Generator identity: files differ when this or the FFmpeg build changes. */
    static final String GENERATOR = "audiocat-demo-library/1 ffmpeg/" + avutil.av_version_info().getString();

    private static final double LUFS_TOLERANCE_LOSSLESS = 0.1; // EBU Tech 3341's tolerance for its test signals

    private DemoLibrary() {
    }

    /**
     * Generates the library from the command line and prints what it cost (a bench, see
     * docs/benchmarks.md): {@code DemoLibrary DIR [SEED [THREADS]]}.
     */
    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: DemoLibrary DIR [SEED [THREADS]]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        long seed = args.length > 1 ? Long.parseLong(args[1]) : DEFAULT_SEED;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : defaultThreads();
        long t0 = System.nanoTime();
        DemoManifest m = generate(dir, seed, e -> System.out.printf("%7.1f s  %-55s %-10s %6.1f s%n", (System.nanoTime() - t0) / 1e9,
                e.path(), e.format(), e.broken() ? 0.0 : e.durationSeconds()), path -> true, threads);
        double wall = (System.nanoTime() - t0) / 1e9;
        double cpu = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e9;
        System.out.printf("%d files (%d broken), %.1f min of audio in %s: %.1f s wall, %.1f s process cpu, %d threads%n",
                m.files().size(), m.broken().size(), m.totalAudioSeconds() / 60, dir, wall, cpu, threads);
    }

    /** Generates the library into {@code dir} (created if needed) and writes its manifest there. */
    public static DemoManifest generate(Path dir, long seed) throws IOException {
        return generate(dir, seed, e -> { }, path -> true, defaultThreads());
    }

    /** As {@link #generate(Path, long)}, calling {@code onFile} (from worker threads) as each file is done. */
    public static DemoManifest generate(Path dir, long seed, Consumer<DemoManifest.Entry> onFile) throws IOException {
        return generate(dir, seed, onFile, path -> true, defaultThreads());
    }

    /**
     * Returns the library already in {@code dir} when its manifest has this seed and generator and
     * every file is present with its recorded size; generates it otherwise.
     */
    public static DemoManifest ensure(Path dir, long seed) throws IOException {
        Path manifestFile = dir.resolve(MANIFEST_FILE);
        if (Files.isRegularFile(manifestFile)) {
            try {
                DemoManifest m = DemoManifest.read(manifestFile);
                if (m.seed() == seed && m.generator().equals(GENERATOR) && m.files().size() == GOOD_FILES + BROKEN_FILES && intact(dir, m)) {
                    return m;
                }
            } catch (IOException unreadable) {
                // regenerate below
            }
        }
        return generate(dir, seed);
    }

    private static boolean intact(Path dir, DemoManifest m) throws IOException {
        for (DemoManifest.Entry e : m.files()) {
            Path f = e.resolve(dir);
            if (!Files.isRegularFile(f) || Files.size(f) != e.sizeBytes()) {
                return false;
            }
        }
        return true;
    }

    static int defaultThreads() {
        return Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
    }

    /** Generates the files whose relative path {@code include} accepts (tests use a subset). */
    static DemoManifest generate(Path dir, long seed, Consumer<DemoManifest.Entry> onFile, Predicate<String> include, int threads)
            throws IOException {
        Files.createDirectories(dir);
        List<Spec> specs = specs(seed).stream().filter(s -> include.test(s.path)).toList();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "demo-library");
            t.setDaemon(true);
            return t;
        });
        try {
            // longest first, so two workers finish together
            List<Spec> order = new ArrayList<>(specs);
            order.sort((a, b) -> Double.compare(b.cost(), a.cost()));
            List<Future<DemoManifest.Entry>> futures = new ArrayList<>();
            for (Spec s : order) {
                futures.add(pool.submit(() -> {
                    DemoManifest.Entry e = s.write(dir);
                    onFile.accept(e);
                    return e;
                }));
            }
            List<DemoManifest.Entry> entries = new ArrayList<>();
            for (Future<DemoManifest.Entry> f : futures) {
                entries.add(f.get());
            }
            DemoManifest manifest = new DemoManifest(DemoManifest.VERSION, GENERATOR, seed, entries);
            manifest.write(dir.resolve(MANIFEST_FILE));
            return manifest;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("demo library generation in " + dir + " was interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof UncheckedIOException uio) {
                throw uio.getCause();
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException("demo library generation in " + dir + " failed: " + cause, cause);
        } finally {
            pool.shutdownNow();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // The library, file by file.

    private static List<Spec> specs(long seed) {
        List<Spec> l = new ArrayList<>();
        // Designed loudness: EBU Tech 3341 cases 1-3 and variants (997 Hz, closed-form LUFS)
        l.add(tone("loudness/ebu3341-case1-stereo-997hz-23dbfs.wav", Format.WAV_24, 48000, 2, 20, -23.0,
                "997 Hz sine at -23 dBFS peak on both channels (EBU Tech 3341 case 1)"));
        l.add(tone("loudness/ebu3341-case2-stereo-997hz-33dbfs.wav", Format.WAV_24, 48000, 2, 20, -33.0,
                "997 Hz sine at -33 dBFS peak on both channels (EBU Tech 3341 case 2)"));
        l.add(tone("loudness/mono-997hz-23dbfs.flac", Format.FLAC_24, 48000, 1, 20, -23.0,
                "997 Hz sine at -23 dBFS peak, mono: one channel, so 3.01 dB below the stereo case"));
        l.add(tone("loudness/stereo-997hz-18dbfs-44k.flac", Format.FLAC_16, 44100, 2, 15, -18.0,
                "997 Hz sine at -18 dBFS peak on both channels, 44.1 kHz"));
        l.add(new Spec("loudness/stereo-997hz-20dbfs.mp3", Format.MP3, 44100, 2, 10, null, 0, Map.of(), false,
                "997 Hz sine at -20 dBFS peak on both channels through MP3 192 kbit/s (-20 LUFS before coding; LAME shifts the"
                        + " level of a pure tone by a few tenths of a dB, so no loudness is asserted)",
                (g, s) -> new Waveform[] {g.sine(997, dbfs(-20)), g.sine(997, dbfs(-20))}));
        l.add(new Spec("loudness/ebu3341-case3-stepped-36-23-36dbfs.flac", Format.FLAC_24, 48000, 2, 80, -23.0, seed,
                Map.of(), false,
                "997 Hz sine, stereo: 10 s at -36 dBFS, 60 s at -23 dBFS, 10 s at -36 dBFS (EBU Tech 3341 case 3; the relative"
                        + " gate removes the quiet parts)",
                (g, s) -> {
                    Waveform quiet = g.sine(997, dbfs(-36)).times(g.window(0, 10, 0).plus(g.window(70, 80, 0)));
                    Waveform loud = g.sine(997, dbfs(-23)).times(g.window(10, 70, 0));
                    Waveform w = quiet.plus(loud);
                    return new Waveform[] {w, w};
                }));

        // An album: tagged files in five formats
        l.add(music("music/northern-lights/01-aurora.flac", Format.FLAC_16, 44100, 2, 45, seed + 1, 96,
                tags("Aurora", "The Synthetic Quartet", "Northern Lights", "USAC12600001")));
        l.add(music("music/northern-lights/02-polar-night.mp3", Format.MP3, 44100, 2, 20, seed + 2, 84,
                tags("Polar Night", "The Synthetic Quartet", "Northern Lights", "USAC12600002")));
        l.add(music("music/northern-lights/03-tundra.m4a", Format.M4A_AAC, 44100, 2, 20, seed + 3, 110,
                tags("Tundra", "The Synthetic Quartet", "Northern Lights", null)));
        l.add(music("music/northern-lights/04-fjord.ogg", Format.OGG_VORBIS, 44100, 2, 20, seed + 4, 72,
                tags("Fjord", "The Synthetic Quartet", "Northern Lights", "USAC12600004")));
        l.add(music("music/northern-lights/05-midnight-sun.opus", Format.OPUS, 48000, 2, 15, seed + 5, 128,
                tags("Midnight Sun", "The Synthetic Quartet", "Northern Lights", "USAC12600005")));

        // Studio masters: high rates, 24-bit, AIFF, a stem two folders down, silence gaps
        l.add(music("music/studio-masters/take-1-96k.wav", Format.WAV_24, 96000, 2, 20, seed + 6, 100, Map.of()));
        l.add(music("music/studio-masters/take-2-96k.flac", Format.FLAC_24, 96000, 2, 15, seed + 7, 100, Map.of()));
        l.add(music("music/studio-masters/rough-mix.aiff", Format.AIFF_16, 44100, 2, 30, seed + 8, 92,
                tags("Rough Mix", "Studio Band", null, "USAC12600008")));
        l.add(music("music/studio-masters/stems/bass-and-keys-mono.wav", Format.WAV_24, 48000, 1, 25, seed + 9, 118, Map.of()));
        l.add(new Spec("music/studio-masters/with-silence-gaps.wav", Format.WAV_16, 44100, 2, 40, null, seed + 10, Map.of(), false,
                "chord progression in 6 s phrases separated by 2 s of digital silence",
                (g, s) -> {
                    Waveform[] m = musicWaves(g, s, 2, 104);
                    Waveform gate = g.pulses(8, 6, 0.05);
                    return new Waveform[] {m[0].times(gate), m[1].times(gate)};
                }));

        // Demos: odd rates, mono lossy
        l.add(music("music/demos/sketch-mono-48k.mp3", Format.MP3, 48000, 1, 12, seed + 11, 90, Map.of()));
        l.add(music("music/demos/idea-22k.m4a", Format.M4A_AAC, 22050, 1, 10, seed + 12, 80, Map.of()));
        l.add(music("music/demos/loop-32k.ogg", Format.OGG_VORBIS, 32000, 2, 15, seed + 13, 124, Map.of()));

        // The long one: an archive transfer, five one-minute sections in different keys and tempos
        l.add(new Spec("archive/tape-transfer-5min-22k.flac", Format.FLAC_16, 22050, 1, 300, null, seed + 14,
                tags("Suite in Five Parts (tape transfer)", "The Synthetic Quartet", "Archive", "USAC12600014"), false,
                "five 60 s sections of chords, bass, clicks and noise bursts, each in its own key and tempo, mono at 22.05 kHz",
                (g, s) -> {
                    Waveform[] parts = new Waveform[5];
                    double[] tempi = {80, 96, 120, 108, 70};
                    for (int i = 0; i < 5; i++) {
                        parts[i] = musicWaves(g, s + 100 + i, 1, tempi[i])[0];
                    }
                    return new Waveform[] {g.sequence(60, 0.5, parts)};
                }));

        // Field recordings: noise textures
        l.add(new Spec("field/rain-22k.wav", Format.WAV_16, 22050, 1, 60, null, seed + 15, Map.of(), false,
                "pink noise swelling slowly (0.1 Hz), like rain",
                (g, s) -> new Waveform[] {g.pinkNoise(s, 0.9).times(g.sine(0.1, 0.35).plus(n -> 0.55))}));
        l.add(new Spec("field/night-ambience-48k.flac", Format.FLAC_24, 48000, 2, 60, null, seed + 25, Map.of(), false,
                "two independent pink noises (a wide stereo bed) with 40 ms chirps at 3.2 kHz every 2.5 s on the left",
                (g, s) -> new Waveform[] {
                    g.pinkNoise(s, 0.3).plus(g.sine(3200, 0.25).times(g.pulses(2.5, 0.04, 0.01))),
                    g.pinkNoise(s + 1, 0.3)}));
        l.add(new Spec("field/wind-bursts-32k.aiff", Format.AIFF_24, 32000, 1, 10, null, seed + 16, Map.of(), false,
                "white-noise gusts of 0.3 s every second over quiet pink noise",
                (g, s) -> new Waveform[] {g.whiteNoise(s, 0.5).times(g.pulses(1.0, 0.3, 0.05)).plus(g.pinkNoise(s + 1, 0.15))}));

        // Low-fi: telephone rates
        l.add(music("lofi/telephone-8k.wav", Format.WAV_16, 8000, 1, 12, seed + 17, 100, Map.of()));
        l.add(music("lofi/voicemail-8k.mp3", Format.MP3, 8000, 1, 8, seed + 18, 100, tags("Voicemail", "Unknown Caller", null, null)));
        l.add(music("lofi/intercom-11k.flac", Format.FLAC_16, 11025, 1, 6, seed + 19, 100, Map.of()));

        // Short files
        l.add(new Spec("short/blip-1s.wav", Format.WAV_16, 48000, 1, 1, null, seed + 20, Map.of(), false,
                "a 1 s chord with 50 ms fades",
                (g, s) -> new Waveform[] {g.chordOfNotes(0.7, 72, 76, 79).times(g.window(0, 1, 0.05))}));
        l.add(music("short/sting-1s.m4a", Format.M4A_AAC, 44100, 2, 1, seed + 21, 120, Map.of()));
        l.add(new Spec("short/silence-3s.flac", Format.FLAC_16, 44100, 2, 3, null, seed + 22, Map.of(), false,
                "3 s of digital silence (integrated loudness is below the -70 LUFS gate: minus infinity)",
                (g, s) -> new Waveform[] {SignalGenerator.silence(), SignalGenerator.silence()}));

        // Broadcast WAVs with a bext chunk
        l.add(new Spec("broadcast/news-bed-bwf.wav", Format.WAV_24, 48000, 2, 30, null, seed + 23,
                bext("News bed, take 3", "audiocat demo", "ACDEMO0000000023", "2026-11-22", "06:30:00", "1296000000",
                        "A=PCM,F=48000,W=24,M=stereo,T=audiocat demo"), true,
                "chord progression under noise bursts, as a Broadcast WAV",
                (g, s) -> musicWaves(g, s, 2, 88)));
        l.add(new Spec("broadcast/lineup-tone-bwf.wav", Format.WAV_16, 48000, 1, 10, -18.0 - MONO_OFFSET_DB, seed + 24,
                bext("Line-up tone 997 Hz -18 dBFS", "audiocat demo", "ACDEMO0000000024", "2026-11-22", "06:00:00", "1036800000",
                        "A=PCM,F=48000,W=16,M=mono,T=audiocat demo"), true,
                "997 Hz line-up tone at -18 dBFS peak, mono, as a Broadcast WAV",
                (g, s) -> new Waveform[] {g.sine(997, dbfs(-18))}));

        // Broken files
        l.add(Spec.broken("broken/truncated.mp3", "MP3", "unrecognised_format",
                "the first 128 bytes of an MP3: its ID3 tag and the start of the LAME info frame, no audio frame",
                DemoLibrary::truncatedMp3));
        l.add(Spec.broken("broken/empty.wav", "WAV_16", "empty_file", "zero bytes", (dir, s) -> new byte[0]));
        l.add(Spec.broken("broken/random-bytes.flac", "FLAC_16", "no_audio_stream",
                "32 KiB of random bytes named .flac (no 0xFF bytes, so no MPEG sync word: FFmpeg opens it by its extension and"
                        + " finds a stream with no sample rate)",
                (dir, s) -> randomBytes(s, 32 * 1024)));
        l.add(Spec.broken("broken/header-only.wav", "WAV_16", "no_audio_samples",
                "a valid 16-bit stereo WAV header with no samples after it", DemoLibrary::headerOnlyWav));

        if (l.stream().filter(s -> !s.broken).count() != GOOD_FILES || l.stream().filter(s -> s.broken).count() != BROKEN_FILES) {
            throw new IllegalStateException("the demo library spec lost count of its files");
        }
        long seedFor = seed;
        return l.stream().map(s -> s.withSeed(s.seed == 0 ? seedFor : s.seed)).toList();
    }

    /** A mono signal's loudness is 3.01 dB below the same sine on two channels: 10 log10(2). */
    static final double MONO_OFFSET_DB = 10 * Math.log10(2);

    private static Spec tone(String path, Format format, int rate, int channels, double seconds, double peakDbfs, String content) {
        if (!format.lossless()) {
            throw new IllegalArgumentException(path + ": designed loudness needs a lossless format, not " + format);
        }
        double lufs = channels == 2 ? peakDbfs : peakDbfs - MONO_OFFSET_DB;
        return new Spec(path, format, rate, channels, seconds, lufs, 0, Map.of(), false, content, (g, s) -> {
            Waveform w = g.sine(997, dbfs(peakDbfs));
            return channels == 2 ? new Waveform[] {w, w} : new Waveform[] {w};
        });
    }

    private static Spec music(String path, Format format, int rate, int channels, double seconds, long seed, double bpm,
            Map<String, String> tags) {
        return new Spec(path, format, rate, channels, seconds, null, seed, tags, false,
                "chord progression with bass, a click track at " + (int) bpm + " bpm and noise bursts",
                (g, s) -> musicWaves(g, s, channels, bpm));
    }

    /**
     * Four-bar loop of triads in a key drawn from the seed (I-V-vi-IV and friends), a bass line on the
     * roots, a click track and off-beat noise bursts. Peaks stay below 0.9.
     */
    static Waveform[] musicWaves(SignalGenerator g, long seed, int channels, double bpm) {
        SplittableRandom r = new SplittableRandom(seed);
        int key = 45 + r.nextInt(12); // A2 .. G#3
        int[][] progressions = {{0, 4, 5, 3}, {0, 5, 3, 4}, {5, 3, 0, 4}, {0, 3, 4, 4}, {1, 4, 0, 0}};
        int[] progression = progressions[r.nextInt(progressions.length)];
        int[] scale = {0, 2, 4, 5, 7, 9, 11};
        double bar = 4 * 60.0 / bpm;
        Waveform[] chords = new Waveform[progression.length];
        Waveform[] bass = new Waveform[progression.length];
        for (int i = 0; i < progression.length; i++) {
            int degree = progression[i];
            int root = key + 12 + scale[degree];
            int third = key + 12 + scale[(degree + 2) % 7] + ((degree + 2) >= 7 ? 12 : 0);
            int fifth = key + 12 + scale[(degree + 4) % 7] + ((degree + 4) >= 7 ? 12 : 0);
            chords[i] = g.chordOfNotes(0.34, root, third, fifth);
            bass[i] = g.sine(SignalGenerator.midiToHz(root - 12), 0.22);
        }
        // shared(): both channels mix these parts, each block of them is computed once
        Waveform pads = g.sequence(bar, 0.02, chords).shared();
        Waveform bassLine = g.sequence(bar, 0.02, bass).shared();
        Waveform clicks = g.clickTrack(bpm, 0.18).shared();
        double beat = 60.0 / bpm;
        Waveform hats = g.whiteNoise(seed, 0.09).times(g.pulses(beat, 0.04, 0.005)).delayed(g.frames(beat / 2)).shared();
        if (channels == 1) {
            return new Waveform[] {Waveform.sum(pads, bassLine, clicks, hats)};
        }
        Waveform left = Waveform.sum(pads, bassLine, clicks.times(0.8), hats.times(0.6));
        Waveform right = Waveform.sum(pads.times(0.9), bassLine, clicks.times(0.5), hats);
        return new Waveform[] {left, right};
    }

    /** Tags to write; null values are left out. */
    private static Map<String, String> tags(String title, String artist, String album, String isrc) {
        Map<String, String> t = new LinkedHashMap<>();
        t.put("title", title);
        t.put("artist", artist);
        if (album != null) {
            t.put("album", album);
        }
        if (isrc != null) {
            t.put("isrc", isrc);
        }
        return t;
    }

    private static Map<String, String> bext(String description, String originator, String reference, String date, String time,
            String timeReference, String codingHistory) {
        Map<String, String> t = new LinkedHashMap<>();
        t.put("description", description);
        t.put("originator", originator);
        t.put("originator_reference", reference);
        t.put("origination_date", date);
        t.put("origination_time", time);
        t.put("time_reference", timeReference);
        t.put("coding_history", codingHistory);
        return t;
    }

    /**
     * The tags as FFmpeg reads them back, keys lower-cased as {@code AudioProbe} reports them: ISRC is
     * ID3's TSRC in MP3 and AIFF; the WAV reader renames four bext fields to generic keys.
     */
    static Map<String, String> readBackTags(Format format, Map<String, String> written) {
        Map<String, String> out = new LinkedHashMap<>();
        written.forEach((k, v) -> {
            String key = switch (k) {
                case "isrc" -> format == Format.MP3 || format.muxer().equals("aiff") ? "tsrc" : "isrc";
                case "description" -> "comment";
                case "originator" -> "encoded_by";
                case "origination_date" -> "date";
                case "origination_time" -> "creation_time";
                default -> k;
            };
            out.put(key, v);
        });
        return out;
    }

    private static byte[] truncatedMp3(Path dir, long seed) throws IOException {
        Path tmp = dir.resolve(".truncated-source.mp3.part");
        SignalGenerator g = new SignalGenerator(44100);
        try (AudioEncoder enc = AudioEncoder.builder(Format.MP3).sampleRate(44100).channels(2).tag("title", "Cut Short").open(tmp)) {
            enc.write(g.signal(3, musicWaves(g, seed, 2, 100)));
        }
        try {
            // FFmpeg 8.1 cannot identify the stream from this little; from about 300 bytes on (a whole
            // LAME info header) it opens an MP3 stream without parameters and fails as no_audio_stream
            return Arrays.copyOf(Files.readAllBytes(tmp), 128);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static byte[] randomBytes(long seed, int size) {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) r.nextInt(255); // 0x00..0xFE: no 0xFF, so no MPEG/ADTS sync word can make a prober claim it
        }
        return b;
    }

    private static byte[] headerOnlyWav(Path dir, long seed) throws IOException {
        Path tmp = dir.resolve(".header-only.wav.part");
        AudioEncoder.builder(Format.WAV_16).sampleRate(44100).channels(2).open(tmp).close();
        try {
            return Files.readAllBytes(tmp);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(md.digest());
    }

    @FunctionalInterface
    interface Content {
        Waveform[] channels(SignalGenerator g, long seed);
    }

    @FunctionalInterface
    interface BrokenBytes {
        byte[] bytes(Path dir, long seed) throws IOException;
    }

    /** One file to make: a good one from a {@link Content}, or a broken one from raw bytes. */
    private record Spec(String path, Format format, String formatName, int rate, int channels, double seconds, Double lufs, long seed,
            Map<String, String> tags, boolean bwf, String content, Content signal, boolean broken, String reason, BrokenBytes bytes) {

        Spec(String path, Format format, int rate, int channels, double seconds, Double lufs, long seed, Map<String, String> tags,
                boolean bwf, String content, Content signal) {
            this(path, format, format.name(), rate, channels, seconds, lufs, seed, tags, bwf, content, signal, false, null, null);
        }

        static Spec broken(String path, String pretends, String reason, String content, BrokenBytes bytes) {
            return new Spec(path, null, pretends, 0, 0, 0, null, 0, Map.of(), false, content, null, true, reason, bytes);
        }

        Spec withSeed(long s) {
            return new Spec(path, format, formatName, rate, channels, seconds, lufs, s, tags, bwf, content, signal, broken, reason, bytes);
        }

        /** Rough relative work, for scheduling: lossy encoders are ~10x slower than PCM per sample. */
        double cost() {
            if (broken) {
                return 1;
            }
            return seconds * rate * channels * (format.lossless() ? 1 : 10);
        }

        DemoManifest.Entry write(Path dir) throws IOException {
            Path target = dir.resolve(path);
            Files.createDirectories(target.getParent());
            Path part = target.resolveSibling("." + target.getFileName() + ".part");
            long frames = 0;
            if (broken) {
                Files.write(part, bytes.bytes(dir, seed));
            } else {
                SignalGenerator g = new SignalGenerator(rate);
                Signal s = g.signal(seconds, signal.channels(g, seed));
                frames = s.frames();
                AudioEncoder.Builder b = AudioEncoder.builder(format).sampleRate(rate).channels(channels).tags(tags).broadcastWave(bwf);
                // the faster settings of the two slowest encoders: the demo is generated on first use
                if (format == Format.MP3) {
                    b.codecOption("compression_level", "7");
                } else if (format == Format.M4A_AAC) {
                    b.codecOption("aac_coder", "fast");
                }
                try (AudioEncoder enc = b.open(part)) {
                    enc.write(s);
                }
            }
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            long size = Files.size(target);
            String hash = sha256(target);
            if (broken) {
                return new DemoManifest.Entry(path, formatName, null, null, null, null, null, null, null, null, null, null, Map.of(),
                        content, true, reason, size, hash);
            }
            return new DemoManifest.Entry(path, formatName, format.demuxer(), format.codecName(), rate, channels,
                    format.lossless() ? format.bitDepth() : null, frames, frames / (double) rate, durationTolerance(),
                    lufs, lufs == null ? null : LUFS_TOLERANCE_LOSSLESS,
                    readBackTags(format, tags), content, false, null, size, hash);
        }

        /** Lossless: exact. Lossy: one codec frame, the most the final frame's padding can add. */
        private double durationTolerance() {
            int codecFrame = switch (format) {
                case MP3 -> rate >= 32000 ? 1152 : 576;
                case M4A_AAC -> 1024;
                case OGG_VORBIS -> 2048;
                case OPUS -> 960;
                default -> 0;
            };
            return codecFrame / (double) rate;
        }
    }
}
