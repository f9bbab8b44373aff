package dev.audiocat.features.fingerprint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.audiocat.features.AnalysisResult;
import dev.audiocat.features.AudioAnalyzer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java port against the real fpcalc 1.5.1 (Debian libchromaprint-tools): same raw
 * sub-fingerprints and same compressed string, bit for bit, on generated audio in the container
 * shapes that take different conversion paths, and on real recordings from Debian packages.
 */
class ChromaprintTest {

    @TempDir
    static Path dir;
    static Path stereo16;

    @BeforeAll
    static void render() throws Exception {
        // A deterministic mix with tonal and noisy parts so that every classifier sees variation.
        stereo16 = dir.resolve("mix.wav");
        sh("sox", "-n", "-r", "44100", "-c", "2", "-b", "16", stereo16.toString(),
                "synth", "25", "pluck", "C3", "sine", "220-1760", "pinknoise", "vol", "0.6", "tremolo", "3", "60");
    }

    private static void sh(String... cmd) throws IOException, InterruptedException {
        FpcalcReference.run(List.of(cmd));
    }

    private static void assertSameAsFpcalc(Path file, double seconds) throws Exception {
        ChromaprintSink sink = ChromaprintSink.fingerprintFile(file, seconds);
        String length = seconds == 0 ? "0" : Double.toString(seconds);
        int[] ref = FpcalcReference.raw(file, "-length", length);
        int[] mine = sink.rawFingerprint();
        assertTrue(ref.length > 10, "fpcalc gave too short a fingerprint for " + file + ": " + ref.length);
        assertEquals(ref.length, mine.length, "sub-fingerprint count for " + file);
        assertEquals(0, FpcalcReference.bitErrors(ref, mine), "bit errors against fpcalc -raw for " + file);
        assertArrayEquals(ref, mine, file.toString());
        assertEquals(FpcalcReference.compressed(file, "-length", length), sink.fingerprint(), "compressed string for " + file);
    }

    @Test
    void int16StereoWavIsBitExact() throws Exception {
        assertSameAsFpcalc(stereo16, 120);
    }

    @Test
    void floatCodecsAndDeepPcmAreBitExact() throws Exception {
        Path mp3 = dir.resolve("mix.mp3");
        sh("ffmpeg", "-loglevel", "error", "-y", "-i", stereo16.toString(), "-b:a", "128k", mp3.toString());
        Path flac24 = dir.resolve("mix24.flac");
        sh("sox", stereo16.toString(), "-b", "24", flac24.toString());
        Path ogg = dir.resolve("mix.ogg");
        sh("ffmpeg", "-loglevel", "error", "-y", "-i", stereo16.toString(), "-c:a", "libvorbis", "-q:a", "3", ogg.toString());
        assertSameAsFpcalc(mp3, 120);
        assertSameAsFpcalc(flac24, 120);
        assertSameAsFpcalc(ogg, 120);
    }

    @Test
    void monoAndSurroundAtOtherRatesAreBitExact() throws Exception {
        Path mono = dir.resolve("mono22k.wav");
        sh("sox", stereo16.toString(), "-r", "22050", "-c", "1", mono.toString(), "trim", "0", "13");
        Path surround = dir.resolve("surround48k.wav");
        sh("sox", "-n", "-r", "48000", "-c", "6", "-b", "16", surround.toString(),
                "synth", "11", "sine", "200-2000", "pinknoise", "pluck", "A3", "sine", "100", "brownnoise", "sine", "3000");
        assertSameAsFpcalc(mono, 120);
        assertSameAsFpcalc(surround, 120);
    }

    @Test
    void lengthLimitMatchesFpcalcLength() throws Exception {
        assertSameAsFpcalc(stereo16, 7.5);
        assertSameAsFpcalc(stereo16, 0);
    }

    @Test
    void realRecordingsAreBitExact() throws Exception {
        // Opus (48 kHz float) longer than 120 s: also checks the default 120 s cut.
        Path opus = Path.of("/usr/share/games/warzone2100/music/albums/aftermath_soundtrack/track25.opus");
        Path tabla = Path.of("/usr/share/sonic-pi/samples/loop_tabla.flac");
        Path guitar = Path.of("/usr/share/sonic-pi/samples/guit_em9.flac");
        // fpcalc does not drain its resampler at end of file: with a drain this one is an item longer
        Path hum = Path.of("/usr/share/sonic-pi/samples/ambi_haunted_hum.flac");
        for (Path p : List.of(opus, tabla, guitar, hum)) {
            assertTrue(Files.isRegularFile(p), p + " is missing: install warzone2100-music and sonic-pi-samples (scripts/tools.sh)");
        }
        assertSameAsFpcalc(opus, ChromaprintSink.DEFAULT_MAX_SECONDS);
        assertSameAsFpcalc(tabla, ChromaprintSink.DEFAULT_MAX_SECONDS);
        assertSameAsFpcalc(guitar, ChromaprintSink.DEFAULT_MAX_SECONDS);
        assertSameAsFpcalc(hum, ChromaprintSink.DEFAULT_MAX_SECONDS);
    }

    @Test
    void analyzerFillsTheChromaprintSlotInTheSinglePass() throws Exception {
        AnalysisResult r = AudioAnalyzer.builder().build().analyze(stereo16);
        assertNotNull(r.chromaprint());
        assertEquals(FpcalcReference.compressed(stereo16), r.chromaprint());
    }

    @Test
    void codecRoundTripsAndReadsFpcalcStrings() throws Exception {
        Random rnd = new Random(42);
        for (int n : new int[] {1, 2, 3, 17, 1000}) {
            int[] raw = new int[n];
            for (int i = 0; i < n; i++) {
                // mixes of small and large XOR gaps exercise the exception stream
                raw[i] = i % 5 == 0 ? rnd.nextInt() : (i > 0 ? raw[i - 1] ^ (1 << rnd.nextInt(32)) : 0);
            }
            raw[0] = n == 1 ? -1 : raw[0];
            assertArrayEquals(raw, ChromaprintCodec.decode(ChromaprintCodec.encode(raw, 1)), "round trip of " + n);
        }
        int[] ref = FpcalcReference.raw(stereo16);
        String refString = FpcalcReference.compressed(stereo16);
        assertArrayEquals(ref, ChromaprintCodec.decode(refString));
        assertEquals(1, ChromaprintCodec.algorithm(refString));
        assertThrows(IllegalArgumentException.class, () -> ChromaprintCodec.decode("AQAA!!"));
        assertThrows(IllegalArgumentException.class, () -> ChromaprintCodec.decode("AQAAZA"));

        // a print of unrelated values (every gap size, many exceptions), and every cut of it: a cut copy is refused
        // with IllegalArgumentException, never read past its end
        int[] dense = new int[1454];
        for (int i = 0; i < dense.length; i++) {
            dense[i] = rnd.nextInt();
        }
        // prints of every length up to 3,000 and every density of changed bits between neighbours round-trip
        for (int trial = 0; trial < 300; trial++) {
            int[] raw = new int[rnd.nextInt(3000)];
            int flips = rnd.nextInt(33);
            for (int i = 0; i < raw.length; i++) {
                int delta = 0;
                for (int k = 0; k < flips; k++) {
                    delta |= 1 << rnd.nextInt(32);
                }
                raw[i] = i == 0 ? rnd.nextInt() : raw[i - 1] ^ delta;
            }
            assertArrayEquals(raw, ChromaprintCodec.decode(ChromaprintCodec.encode(raw, 1)), "trial " + trial);
        }
        String encoded = ChromaprintCodec.encode(dense, 1);
        assertArrayEquals(dense, ChromaprintCodec.decode(encoded));
        for (int cut = 0; cut < encoded.length(); cut += 7) {
            String prefix = encoded.substring(0, cut);
            assertThrows(IllegalArgumentException.class, () -> ChromaprintCodec.decode(prefix), "cut at " + cut);
        }
    }

    @Test
    void libraryResamplerKeepsAToneAndTheLength() {
        // The chromaprint_feed path (own downmix + av_resample port) on a closed-form signal: a
        // 1 kHz tone at 44.1 kHz stays a 1 kHz tone at 11025 Hz, with a quarter of the samples.
        int n = 44100 * 3;
        short[] in = new short[n];
        for (int i = 0; i < n; i++) {
            in[i] = (short) Math.round(10000 * Math.sin(2 * Math.PI * 1000 * i / 44100.0));
        }
        ChromaprintResampler rs = new ChromaprintResampler(11025, 44100);
        short[] out = new short[n];
        int[] consumed = new int[1];
        int produced = rs.resample(out, in, consumed, n, n);
        assertTrue(Math.abs(produced - n / 4) < 64, "produced " + produced);
        int crossings = 0;
        double energy = 0;
        for (int i = 200; i < produced - 200; i++) {
            if ((out[i - 1] < 0) != (out[i] < 0)) {
                crossings++;
            }
            energy += out[i] * (double) out[i];
        }
        double seconds = (produced - 400) / 11025.0;
        assertEquals(2000 * seconds, crossings, 4, "zero crossings of a 1 kHz tone");
        double rms = Math.sqrt(energy / (produced - 400));
        assertEquals(10000 / Math.sqrt(2), rms, 150, "tone level after resampling");
        Chromaprint cp = new Chromaprint();
        cp.start(44100, 1);
        cp.feed(in, 0, n);
        cp.finish();
        // (samples at 11025 - 4096) / 1365 + 1 chroma frames, minus 4 for the filter and 15 for the image
        int expected = (produced - Chromaprint.FRAME_SIZE) / Chromaprint.HOP + 1 - 4 - 15;
        assertEquals(expected, cp.length(), 1);
    }
}
