package dev.audiocat.features.encode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.audiocat.features.encode.AudioEncoder.Format;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class AudioEncoderTest {

    @TempDir
    Path dir;

    /** Chord + pink noise + clicks on the left, a sine + white noise on the right: broadband and tonal. */
    private static Signal testSignal(int rate, int channels, long frames, int bits) {
        SignalGenerator g = new SignalGenerator(rate);
        Waveform left = g.chordOfNotes(0.45, 57, 61, 64).plus(g.pinkNoise(11, 0.25)).plus(g.clickTrack(150, 0.25));
        Waveform right = g.sine(Math.min(997, rate / 4.0), 0.5).plus(g.whiteNoise(12, 0.1));
        if (bits > 0) {
            left = left.quantized(bits);
            right = right.quantized(bits);
        }
        return channels == 1 ? Signal.of(rate, frames, left) : Signal.of(rate, frames, left, right);
    }

    /** Writes in irregular slices so the frame buffer fills, splits and flushes at odd boundaries. */
    private static void writeInSlices(AudioEncoder enc, float[][] planar, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        int at = 0;
        int total = planar[0].length;
        while (at < total) {
            int n = Math.min(total - at, random.nextInt(1, 5000));
            enc.write(planar, at, n);
            at += n;
        }
    }

    @ParameterizedTest(name = "{0} {1} Hz {2} ch")
    @CsvSource({
        "WAV_16, 8000, 1",
        "WAV_24, 96000, 2",
        "WAV_F32, 44100, 2",
        "AIFF_16, 22050, 1",
        "AIFF_24, 48000, 2",
        "FLAC_16, 44100, 2",
        "FLAC_24, 96000, 1",
    })
    void losslessFormatsRoundTripBitExact(Format format, int rate, int channels) throws Exception {
        // an odd, prime-ish length so no frame size divides it
        long frames = rate * 13L / 10 + 7;
        Signal signal = testSignal(rate, channels, frames, format == Format.WAV_F32 ? 0 : format.bitDepth());
        float[][] planar = signal.toArrays();
        Path file = dir.resolve("t." + format.extension());
        try (AudioEncoder enc = AudioEncoder.builder(format).sampleRate(rate).channels(channels).open(file)) {
            writeInSlices(enc, planar, rate);
            assertEquals(frames, enc.framesWritten());
        }

        Decoded d = Decoded.of(file);
        assertEquals(format.demuxer(), d.probe().container());
        assertEquals(format.codecName(), d.probe().codec());
        assertEquals(rate, d.probe().sampleRate());
        assertEquals(channels, d.probe().channels());
        assertEquals(format.bitDepth(), d.probe().bitDepth());
        assertEquals(frames, d.frames(), "lossless formats keep the exact length");
        for (int c = 0; c < channels; c++) {
            assertArrayEquals(planar[c], d.samples()[c], "channel " + c + " must come back bit-exact");
        }
    }

    @Test
    void integerFormatsRoundToNearestWithoutBias() throws Exception {
        // 24-bit content into a 16-bit file: swresample rounds to nearest, so every error is within half a
        // 16-bit step and the mean error is near 0 (truncation would bias it by -0.5 step)
        int rate = 48000;
        Signal signal = testSignal(rate, 1, rate, 24);
        float[][] planar = signal.toArrays();
        Path file = dir.resolve("r.wav");
        try (AudioEncoder enc = AudioEncoder.builder(Format.WAV_16).sampleRate(rate).channels(1).open(file)) {
            enc.write(planar, planar[0].length);
        }
        float[] back = Decoded.of(file).samples()[0];
        double step = 1.0 / 32768;
        double maxErr = 0;
        double sumErr = 0;
        for (int i = 0; i < back.length; i++) {
            double e = back[i] - planar[0][i];
            maxErr = Math.max(maxErr, Math.abs(e));
            sumErr += e;
        }
        assertTrue(maxErr <= 0.5 * step + 1e-9, "max error " + maxErr / step + " steps");
        assertTrue(Math.abs(sumErr / back.length) < 0.02 * step, "mean error " + sumErr / back.length / step + " steps");
    }

    /** Tonal content only: perceptual codecs keep the waveform of tones, not of noise (they code noise as noise). */
    private static Signal tonalSignal(int rate, int channels, long frames) {
        SignalGenerator g = new SignalGenerator(rate);
        Waveform left = g.chordOfNotes(0.6, 57, 61, 64);
        Waveform right = g.sine(Math.min(997, rate / 4.0), 0.4).plus(g.sine(Math.min(330, rate / 8.0), 0.3));
        return channels == 1 ? Signal.of(rate, frames, left) : Signal.of(rate, frames, left, right);
    }

    /**
     * Lossy round trips. Duration: FFmpeg's decoders remove the encoder delay (LAME gapless tag, MP4
     * edit list, Ogg pre-skip and granule positions), so what may remain is the zero padding of the
     * final codec frame: the decoded length is at least the input and less than one frame longer
     * (Windows Media Audio 2: FFmpeg's output starts one frame into the input and is up to two frames short).
     * Fidelity: perceptual codecs at these bit rates keep a chord or a pair of sines 25-40 dB above
     * their coding noise; 20 dB also fails a misalignment of a few samples (checked directly with the
     * cross-correlation peak).
     */
    @ParameterizedTest(name = "{0} {1} Hz {2} ch")
    @CsvSource({
        "MP3, 44100, 2, 1152",
        "MP3, 8000, 1, 576",
        "M4A_AAC, 48000, 2, 1024",
        "M4A_AAC, 22050, 1, 1024",
        "OGG_VORBIS, 44100, 2, 2048",
        "OPUS, 48000, 2, 960",
        "WMA_V2, 44100, 2, 2048",
    })
    void lossyFormatsKeepLengthAndSignal(Format format, int rate, int channels, int codecFrame) throws Exception {
        long frames = rate * 2L + 333;
        Signal signal = tonalSignal(rate, channels, frames);
        if (format == Format.OGG_VORBIS) {
            // FFmpeg's native Vorbis encoder garbles a channel that is uncorrelated with the other (its
            // stereo coupling; SNR ~0 dB, also with the ffmpeg command line, libvorbis is fine): test it
            // on a panned source, the case it handles
            signal = Signal.of(rate, frames, signal.channel(0), signal.channel(0).times(0.7));
        }
        float[][] planar = signal.toArrays();
        Path file = dir.resolve("t." + format.extension());
        try (AudioEncoder enc = AudioEncoder.builder(format).sampleRate(rate).channels(channels).open(file)) {
            writeInSlices(enc, planar, rate + 1);
        }

        Decoded d = Decoded.of(file);
        assertEquals(format.demuxer(), d.probe().container());
        assertEquals(rate, d.probe().sampleRate());
        assertEquals(channels, d.probe().channels());
        assertNull(d.probe().bitDepth(), "lossy codecs have no stored bit depth");
        long extra = d.frames() - frames;
        // FFmpeg's wmav2 decoder drops the first frame and stops before the padded last one (the command line too)
        long least = format == Format.WMA_V2 ? 1 - 2 * codecFrame : 0;
        assertTrue(extra >= least && extra < codecFrame, format + " decoded " + d.frames() + " frames for " + frames + " written");
        for (int c = 0; c < channels; c++) {
            int lag = 0;
            if (format == Format.WMA_V2) {
                // FFmpeg's wmav2 round trip loses the first frame: its output starts one frame into the input
                // (the command line's too); the SNR at exactly that lag checks the alignment
                lag = -codecFrame;
            } else {
                assertEquals(0, d.bestLag(planar[c], c, 64), "channel " + c + " is not aligned with the input");
            }
            double snr = d.snrDb(planar[c], c, lag);
            assertTrue(snr > 20, format + " channel " + c + " SNR " + snr + " dB");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Format.class, names = {"WAV_16", "AIFF_16", "FLAC_24", "MP3", "OGG_VORBIS", "OPUS", "M4A_AAC"})
    void tagsAreReadBack(Format format) throws Exception {
        int rate = format == Format.OPUS ? 48000 : 44100;
        Path file = dir.resolve("tags." + format.extension());
        AudioEncoder.Builder b = AudioEncoder.builder(format).sampleRate(rate).channels(2)
                .tag("title", "Nocturne für Ångström")
                .tag("artist", "Ensemble Ø");
        boolean isrc = format != Format.M4A_AAC;
        if (isrc) {
            b.tag("isrc", "USAB12300042");
        }
        try (AudioEncoder enc = b.open(file)) {
            enc.write(testSignal(rate, 2, rate / 2, 0));
        }
        Map<String, String> tags = Decoded.of(file).probe().tags();
        assertEquals("Nocturne für Ångström", tags.get("title"), tags.toString());
        assertEquals("Ensemble Ø", tags.get("artist"), tags.toString());
        if (isrc) {
            String key = format == Format.MP3 || format == Format.AIFF_16 ? "tsrc" : "isrc";
            assertEquals("USAB12300042", tags.get(key), tags.toString());
        }
    }

    @Test
    void broadcastWaveWritesBextChunk() throws Exception {
        Path file = dir.resolve("bwf.wav");
        try (AudioEncoder enc = AudioEncoder.builder(Format.WAV_24).sampleRate(48000).channels(2).broadcastWave(true)
                .tag("description", "Morning news bed, take 3")
                .tag("originator", "audiocat")
                .tag("originator_reference", "AC-DEMO-0001")
                .tag("origination_date", "2026-11-22")
                .tag("origination_time", "06:30:00")
                .tag("time_reference", "1296000000")
                .tag("coding_history", "A=PCM,F=48000,W=24,M=stereo,T=audiocat")
                .tag("title", "News bed")
                .open(file)) {
            enc.write(testSignal(48000, 2, 24000, 24));
        }
        byte[] bytes = Files.readAllBytes(file);
        assertTrue(indexOf(bytes, "bext".getBytes(StandardCharsets.US_ASCII)) > 0, "no bext chunk in the file");
        // FFmpeg's WAV reader renames four bext fields to its generic keys
        Map<String, String> tags = Decoded.of(file).probe().tags();
        assertEquals("Morning news bed, take 3", tags.get("comment"), tags.toString());
        assertEquals("audiocat", tags.get("encoded_by"));
        assertEquals("AC-DEMO-0001", tags.get("originator_reference"));
        assertEquals("2026-11-22", tags.get("date"));
        assertEquals("06:30:00", tags.get("creation_time"));
        assertEquals("1296000000", tags.get("time_reference"));
        assertTrue(tags.getOrDefault("coding_history", "").startsWith("A=PCM,F=48000,W=24"), tags.toString());
        assertEquals("News bed", tags.get("title"));

        Map<String, String> probed = ffprobe(file);
        assertEquals("Morning news bed, take 3", probed.get("format.tag:comment"), probed.toString());
        assertEquals("AC-DEMO-0001", probed.get("format.tag:originator_reference"));
    }

    /** An independent reader: the ffprobe command line (Debian's FFmpeg build, not the bytedeco one). */
    @ParameterizedTest(name = "{0} {1} Hz {2} ch")
    @CsvSource({
        "FLAC_24, 96000, 2, 0",
        "WAV_16, 8000, 1, 0",
        "MP3, 22050, 1, 576",
        "M4A_AAC, 44100, 2, 1024",
    })
    void ffprobeReadsWhatWasWritten(Format format, int rate, int channels, int codecFrame) throws Exception {
        long frames = rate * 3L / 2;
        Path file = dir.resolve("p." + format.extension());
        try (AudioEncoder enc = AudioEncoder.builder(format).sampleRate(rate).channels(channels).tag("title", "Probe me").open(file)) {
            enc.write(testSignal(rate, channels, frames, 0));
        }
        Map<String, String> p = ffprobe(file);
        assertEquals(format.codecName(), p.get("streams.stream.0.codec_name"), p.toString());
        assertEquals(String.valueOf(rate), p.get("streams.stream.0.sample_rate"));
        assertEquals(String.valueOf(channels), p.get("streams.stream.0.channels"));
        assertTrue(format.demuxer().contains(p.get("format.format_name").split(",")[0]), p.toString());
        assertEquals("Probe me", p.get("format.tag:title"));
        if (format.lossless()) {
            // FLAC declares bits_per_raw_sample; PCM only its container sample size
            String bits = p.get("streams.stream.0.bits_per_raw_sample");
            if ("N/A".equals(bits) || "0".equals(bits)) {
                bits = p.get("streams.stream.0.bits_per_sample");
            }
            assertEquals(String.valueOf(format.bitDepth()), bits, p.toString());
        }
        // ffprobe's container duration counts whole codec frames including the encoder delay and the
        // final frame's padding (it does not subtract the gapless info the decoder uses): up to 3 frames
        double duration = Double.parseDouble(p.get("format.duration"));
        double expected = frames / (double) rate;
        double tolerance = (3.0 * codecFrame + 1) / rate;
        assertEquals(expected, duration, tolerance, p.toString());
    }

    @Test
    void builderRejectsBadSettingsNamingTheValue() {
        Path file = dir.resolve("never.opus");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AudioEncoder.builder(Format.OPUS).sampleRate(44100).channels(2).open(file));
        assertTrue(e.getMessage().contains("44100") && e.getMessage().contains("48000"), e.getMessage());
        assertFalse(Files.exists(file), "a refused setting must not leave a file");

        e = assertThrows(IllegalArgumentException.class,
                () -> AudioEncoder.builder(Format.OGG_VORBIS).sampleRate(44100).channels(1).open(dir.resolve("v.ogg")));
        assertTrue(e.getMessage().contains("channels 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> AudioEncoder.builder(Format.MP3).sampleRate(44100).channels(3).open(dir.resolve("m.mp3")));
        assertTrue(e.getMessage().contains("channels 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> AudioEncoder.builder(Format.MP3).sampleRate(8000).channels(1).bitRate(128_000).open(dir.resolve("m.mp3")));
        assertTrue(e.getMessage().contains("128000") && e.getMessage().contains("8000 Hz"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AudioEncoder.builder(Format.FLAC_16).bitRate(128_000));
        assertTrue(e.getMessage().contains("bitRate 128000") && e.getMessage().contains("FLAC_16"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AudioEncoder.builder(Format.MP3).bitRate(1_000_000));
        assertTrue(e.getMessage().contains("1000000"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AudioEncoder.builder(Format.MP3).broadcastWave(true));
        assertTrue(e.getMessage().contains("MP3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AudioEncoder.builder(Format.M4A_AAC).tag("isrc", "X"));
        assertTrue(e.getMessage().contains("'isrc'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AudioEncoder.builder(Format.WAV_16).sampleRate(-1));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AudioEncoder.builder(Format.WAV_16).channels(0));
        assertTrue(e.getMessage().contains("channels 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AudioEncoder.builder(Format.WAV_16).channels(2).open(dir.resolve("w.wav")));
        assertTrue(e.getMessage().contains("sampleRate is not set"), e.getMessage());
    }

    @Test
    void codecOptionsReachTheEncoderOrFailNamingTheOption() throws Exception {
        Path file = dir.resolve("fast.mp3");
        try (AudioEncoder enc = AudioEncoder.builder(Format.MP3).sampleRate(44100).channels(1).codecOption("compression_level", "7")
                .open(file)) {
            enc.write(tonalSignal(44100, 1, 44100));
        }
        assertEquals(44100, Decoded.of(file).frames());
        Path aac = dir.resolve("fast.m4a");
        try (AudioEncoder enc = AudioEncoder.builder(Format.M4A_AAC).sampleRate(44100).channels(1).codecOption("aac_coder", "fast")
                .open(aac)) {
            enc.write(tonalSignal(44100, 1, 44100));
        }
        assertTrue(Decoded.of(aac).snrDb(tonalSignal(44100, 1, 44100).toArrays()[0], 0, 0) > 20);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AudioEncoder.builder(Format.FLAC_16)
                .sampleRate(44100).channels(1).codecOption("no_such_option", "1").open(dir.resolve("x.flac")));
        assertTrue(e.getMessage().contains("no_such_option"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("x.flac")));
        // a refused setting must not touch a file that was already there
        Path existing = Files.writeString(dir.resolve("keep.flac"), "not ours");
        assertThrows(IllegalArgumentException.class, () -> AudioEncoder.builder(Format.FLAC_16)
                .sampleRate(44100).channels(1).codecOption("no_such_option", "1").open(existing));
        assertEquals("not ours", Files.readString(existing));
    }

    @Test
    void writesAreCheckedAndCloseIsFinal() throws Exception {
        Path file = dir.resolve("c.flac");
        AudioEncoder enc = AudioEncoder.builder(Format.FLAC_16).sampleRate(16000).channels(2).open(file);
        assertThrows(IllegalArgumentException.class, () -> enc.write(new float[1][10], 10));
        assertThrows(IllegalArgumentException.class, () -> enc.write(new float[2][10], 11));
        enc.write(new float[2][100], 100);
        enc.close();
        enc.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> enc.write(new float[2][10], 10));
        assertEquals(100, Decoded.of(file).frames());
    }

    @Test
    void anEmptyStreamIsAValidFileWithNoSamples() throws Exception {
        Path file = dir.resolve("empty.flac");
        AudioEncoder.builder(Format.FLAC_16).sampleRate(44100).channels(1).open(file).close();
        assertTrue(Files.size(file) > 0);
        assertEquals("flac", ffprobe(file).get("format.format_name"));
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Runs ffprobe (installed by scripts/tools.sh; a missing ffprobe fails the test) and flattens its output. */
    static Map<String, String> ffprobe(Path file) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ffprobe", "-v", "error", "-show_entries",
                "format=format_name,duration:format_tags:stream=codec_name,sample_rate,channels,bits_per_raw_sample,bits_per_sample",
                "-of", "flat", file.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("ffprobe failed on " + file + ": " + out);
        }
        Map<String, String> values = new java.util.TreeMap<>();
        Matcher m = Pattern.compile("^([^=]+)=\"?(.*?)\"?$", Pattern.MULTILINE).matcher(out);
        while (m.find()) {
            values.put(m.group(1).replace("tags.", "tag:"), m.group(2));
        }
        return values;
    }
}
