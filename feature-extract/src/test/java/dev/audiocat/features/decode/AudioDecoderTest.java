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
}
