package dev.audiocat.features.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AudioDecoderTest {

    @TempDir
    Path dir;

    /** Counts samples and checks the value range. */
    static final class Counter implements PcmSink {
        int rate;
        int channels;
        long frames;
        double sumSquares;
        boolean finished;

        @Override
        public void start(int sampleRate, int channelCount) {
            rate = sampleRate;
            channels = channelCount;
        }

        @Override
        public void accept(float[][] data, int n) {
            frames += n;
            for (int i = 0; i < n; i++) {
                sumSquares += data[0][i] * (double) data[0][i];
            }
        }

        @Override
        public void finish() {
            finished = true;
        }
    }

    private Path sineWav(String name, int rate, int channels, int bits, int frames) throws Exception {
        Path f = dir.resolve(name);
        try (WavWriter w = new WavWriter(f, rate, channels, bits)) {
            float[][] buf = new float[channels][frames];
            for (int c = 0; c < channels; c++) {
                for (int i = 0; i < frames; i++) {
                    buf[c][i] = (float) (0.5 * Math.sin(2 * Math.PI * 1000 * i / rate));
                }
            }
            w.write(buf, frames);
        }
        return f;
    }

    @Test
    void probesAndDecodesBothStreamsInOnePass() throws Exception {
        Path f = sineWav("s.wav", 44100, 2, 24, 44_101);
        Counter nat = new Counter();
        Counter mono = new Counter();
        try (AudioDecoder d = AudioDecoder.open(f)) {
            AudioProbe p = d.probe();
            assertEquals("wav", p.container());
            assertEquals("pcm_s24le", p.codec());
            assertEquals(44100, p.sampleRate());
            assertEquals(24, p.bitDepth());
            assertEquals(2, p.channels());
            assertEquals(44_101, d.decode(nat, 22050, mono));
        }
        assertEquals(44_101, nat.frames);
        assertEquals(2, nat.channels);
        assertEquals(1, mono.channels);
        assertEquals(22050, mono.rate);
        // swresample keeps the length within a sample of rate conversion
        assertEquals(44_101 / 2.0, mono.frames, 2);
        // mean square of a 0.5 sine is 0.125; swresample's stereo-to-mono downmix (the same as
        // `ffmpeg -ac 1`) sums L and R at -3 dB each, so identical channels come out 3 dB louder
        assertEquals(0.125, nat.sumSquares / nat.frames, 1e-3);
        assertEquals(0.25, mono.sumSquares / mono.frames, 5e-3);
        assertTrue(nat.finished && mono.finished);
    }

    @Test
    void emptyFileIsAClearError() throws Exception {
        Path f = Files.createFile(dir.resolve("empty.flac"));
        DecodeException e = assertThrows(DecodeException.class, () -> AudioDecoder.open(f));
        assertEquals("empty_file", e.reason());
        assertTrue(e.getMessage().contains("empty.flac"), e.getMessage());
    }

    @Test
    void randomBytesAreNotAudio() throws Exception {
        byte[] junk = new byte[4096];
        new Random(7).nextBytes(junk);
        Path f = Files.write(dir.resolve("junk.flac"), junk);
        DecodeException e = assertThrows(DecodeException.class, () -> {
            try (AudioDecoder d = AudioDecoder.open(f)) {
                d.decode(new Counter(), 22050, null);
            }
        });
        assertTrue(e.getMessage().contains("junk.flac"), e.getMessage());
    }

    @Test
    void timeLimitStopsDecoding() throws Exception {
        Path f = sineWav("long.wav", 48000, 1, 16, 48000 * 20);
        DecodeException e = assertThrows(DecodeException.class, () -> {
            try (AudioDecoder d = AudioDecoder.open(f, 1)) {
                Thread.sleep(5);
                d.decode(new Counter(), 22050, new Counter());
            }
        });
        assertEquals("timeout", e.reason());
    }

    /** The mono stream at {@code rate} of {@code f}, opened with {@link AudioDecoder#open} or {@link AudioDecoder#openDownmixed}. */
    private static float[] mono(Path f, boolean downmixed, int rate, int[] channels) throws Exception {
        float[][] out = {new float[1 << 16]};
        int[] len = {0};
        try (AudioDecoder d = downmixed ? AudioDecoder.openDownmixed(f, 0) : AudioDecoder.open(f)) {
            channels[0] = d.probe().channels();
            d.decode(null, rate, new PcmSink() {
                @Override
                public void start(int sampleRate, int channelCount) {
                }

                @Override
                public void accept(float[][] data, int n) {
                    if (len[0] + n > out[0].length) {
                        out[0] = java.util.Arrays.copyOf(out[0], 2 * (len[0] + n));
                    }
                    System.arraycopy(data[0], 0, out[0], len[0], n);
                    len[0] += n;
                }

                @Override
                public void finish() {
                }
            });
        }
        return java.util.Arrays.copyOf(out[0], len[0]);
    }

    @Test
    void opusDownmixedByItsDecoderMatchesTheResamplersDownmix() throws Exception {
        // 8 s of a real stereo Opus track, packets copied (no re-encoding)
        Path f = dir.resolve("stereo.opus");
        Process p = new ProcessBuilder("ffmpeg", "-loglevel", "error", "-y", "-ss", "60", "-t", "8", "-i",
                "/usr/share/games/warzone2100/music/albums/legacy_soundtrack/track5.opus", "-c", "copy", f.toString())
                .inheritIO().start();
        assertEquals(0, p.waitFor());
        int[] channels = new int[1];
        float[] resampled = mono(f, false, 11025, channels);
        assertEquals(2, channels[0]);
        float[] downmixed = mono(f, true, 11025, channels);
        assertEquals(1, channels[0]);
        assertEquals(resampled.length, downmixed.length, 1);
        assertTrue(resampled.length > 8 * 11025 - 2048, "decoded " + resampled.length + " samples of 8 s at 11025 Hz");
        int n = Math.min(resampled.length, downmixed.length);
        double e = 0;
        double ed = 0;
        double diff = 0;
        for (int i = 0; i < n; i++) {
            e += resampled[i] * (double) resampled[i];
            ed += downmixed[i] * (double) downmixed[i];
            double d = resampled[i] - downmixed[i];
            diff += d * d;
        }
        assertTrue(e > 1e-3 * n, "the excerpt is not silent");
        // the same level (the decoder's (L + R) / 2 scaled to swresample's (L + R) / sqrt(2)) ...
        assertEquals(0, 10 * Math.log10(ed / e), 0.05);
        // ... and the same signal: the downmix moved before the decoder's linear synthesis
        assertTrue(10 * Math.log10(e / diff) > 25, "difference only " + 10 * Math.log10(e / diff) + " dB below the signal");
    }

    @Test
    void otherCodecsOpenDownmixedAsBefore() throws Exception {
        Path f = sineWav("stereo.wav", 44100, 2, 16, 44100);
        int[] channels = new int[1];
        float[] a = mono(f, false, 11025, channels);
        assertEquals(2, channels[0]);
        float[] b = mono(f, true, 11025, channels);
        assertEquals(2, channels[0]);
        assertTrue(java.util.Arrays.equals(a, b), "a WAV's mono stream changed");
    }
}
