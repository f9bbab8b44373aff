package dev.audiocat.features.dsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameDispatcherTest {

    /** Records frame positions and the strongest bin of each frame. */
    static final class Recorder implements FrameProcessor {
        final List<long[]> frames = new ArrayList<>();
        boolean finished;

        @Override
        public void process(Frame f) {
            int best = 0;
            for (int k = 1; k < f.magnitude.length; k++) {
                if (f.magnitude[k] > f.magnitude[best]) {
                    best = k;
                }
            }
            frames.add(new long[] {f.index(), f.startSample(), f.validSamples(), best});
        }

        @Override
        public void finish() {
            finished = true;
        }
    }

    private static Recorder run(int size, int hop, int total, int block, double hz, int rate) {
        Recorder r = new Recorder();
        FrameDispatcher d = new FrameDispatcher(size, hop, List.of(r));
        d.start(rate, 1);
        float[][] buf = new float[1][block];
        for (int i = 0; i < total; i += block) {
            int n = Math.min(block, total - i);
            for (int j = 0; j < n; j++) {
                buf[0][j] = (float) Math.sin(2 * Math.PI * hz * (i + j) / rate);
            }
            d.accept(buf, n);
        }
        d.finish();
        return r;
    }

    @Test
    void framesCoverTheStreamWithTheDocumentedPositions() {
        // 10,007 samples (prime), odd block size 977: frames at 0, 512, ... while a new sample remains
        Recorder r = run(2048, 512, 10_007, 977, 1000, 22050);
        int expected = 1 + (int) Math.ceil((10_007 - 2048) / 512.0);
        assertEquals(expected, r.frames.size());
        for (int i = 0; i < r.frames.size(); i++) {
            assertEquals(i, r.frames.get(i)[0]);
            assertEquals(512L * i, r.frames.get(i)[1]);
        }
        long[] last = r.frames.get(r.frames.size() - 1);
        assertEquals(10_007 - last[1], last[2], "the last frame is zero-padded after its valid samples");
        assertEquals(true, r.finished);
    }

    @Test
    void spectrumPeaksAtTheToneBin() {
        int rate = 22050;
        double hz = 43 * rate / 2048.0; // exactly bin 43
        Recorder r = run(2048, 512, rate, 4096, hz, rate);
        long atBin = r.frames.stream().filter(f -> f[2] == 2048).filter(f -> f[3] == 43).count();
        long full = r.frames.stream().filter(f -> f[2] == 2048).count();
        assertEquals(full, atBin);
    }

    @Test
    void aDispatcherServesAgainAfterFinish() {
        // finish() releases the native FFT; the next start() sets it up again
        Recorder r = new Recorder();
        FrameDispatcher d = new FrameDispatcher(1024, 256, List.of(r));
        int rate = 11025;
        for (int pass = 0; pass < 2; pass++) {
            double hz = (pass == 0 ? 40 : 90) * rate / 1024.0;
            d.start(rate, 1);
            float[][] buf = new float[1][rate];
            for (int j = 0; j < rate; j++) {
                buf[0][j] = (float) Math.sin(2 * Math.PI * hz * j / rate);
            }
            d.accept(buf, rate);
            d.finish();
        }
        int half = r.frames.size() / 2; // both passes have the same length, so the same frame count
        assertEquals(40, r.frames.get(0)[3]);
        assertEquals(0, r.frames.get(half)[0], "the second stream's frames count from 0 again");
        assertEquals(90, r.frames.get(half)[3]);
    }

    @Test
    void shortStreamGivesOnePaddedFrame() {
        Recorder r = run(2048, 512, 100, 64, 440, 8000);
        assertEquals(1, r.frames.size());
        assertEquals(100, r.frames.get(0)[2]);
    }

    @Test
    void rejectsBadFraming() {
        assertThrows(IllegalArgumentException.class, () -> new FrameDispatcher(1000, 512, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new FrameDispatcher(1024, 0, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new FrameDispatcher(1024, 2048, List.of()));
    }
}
