package dev.audiocat.features.encode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jtransforms.fft.DoubleFFT_1D;
import org.junit.jupiter.api.Test;

class SignalGeneratorTest {

    private final SignalGenerator g = new SignalGenerator(48000);

    @Test
    void sineMatchesTheClosedFormAtAnyIndex() {
        Waveform w = g.sine(997, 0.25, 0.3);
        for (long n : new long[] {0, 1, 47, 48000, 1_234_567, 172_800_000L}) { // up to one hour in
            double expected = 0.25 * Math.sin(2 * Math.PI * 997.0 * n / 48000 + 0.3);
            assertEquals(expected, w.at(n), 1e-9, "n = " + n);
        }
    }

    @Test
    void sineRmsIsPeakOverRootTwo() {
        double a = SignalGenerator.dbfs(-23);
        Waveform w = g.sine(997, a);
        double sum = 0;
        for (int n = 0; n < 48000; n++) {
            sum += w.at(n) * w.at(n);
        }
        // 997 whole cycles in one second: the mean square is exactly a^2 / 2 up to rounding
        assertEquals(a / Math.sqrt(2), Math.sqrt(sum / 48000), 1e-9);
        assertEquals(0.5, SignalGenerator.dbfs(-6.0206), 1e-4);
        assertEquals(440.0, SignalGenerator.midiToHz(69), 1e-12);
        assertEquals(261.6256, SignalGenerator.midiToHz(60), 1e-4);
    }

    @Test
    void chordNeverExceedsItsPeak() {
        Waveform w = g.chordOfNotes(0.6, 60, 64, 67, 71);
        double max = 0;
        for (int n = 0; n < 96000; n++) {
            max = Math.max(max, Math.abs(w.at(n)));
        }
        assertTrue(max <= 0.6 && max > 0.4, "chord peak " + max);
    }

    @Test
    void noiseIsDeterministicBoundedAndSeedDependent() {
        Waveform a = g.whiteNoise(7, 0.5);
        Waveform b = g.whiteNoise(7, 0.5);
        Waveform c = g.whiteNoise(8, 0.5);
        double sum = 0;
        double sq = 0;
        int n = 200_000;
        int same = 0;
        for (int i = 0; i < n; i++) {
            double x = a.at(i);
            assertEquals(x, b.at(i));
            assertTrue(Math.abs(x) <= 0.5);
            if (x == c.at(i)) {
                same++;
            }
            sum += x;
            sq += x * x;
        }
        assertTrue(same < 5, same + " equal samples across seeds");
        assertEquals(0, sum / n, 0.005);
        assertEquals(0.5 / Math.sqrt(3), Math.sqrt(sq / n), 0.003);
    }

    @Test
    void pinkNoiseRandomAccessEqualsSequentialRendering() {
        Signal s = g.mono(2.0, g.pinkNoise(3, 0.9));
        float[][] all = s.toArrays();
        float[][] part = new float[1][5000];
        // a fresh instance, entered in the middle: the row cache must not change any value
        Signal fresh = g.mono(2.0, g.pinkNoise(3, 0.9));
        fresh.render(65_530, part, 5000);
        for (int i = 0; i < 5000; i++) {
            assertEquals(all[0][65_530 + i], part[0][i], "sample " + (65_530 + i));
        }
        for (float x : all[0]) {
            assertTrue(Math.abs(x) <= 0.9f);
        }
    }

    @Test
    void pinkNoiseFallsThreeDecibelsPerOctave() {
        int size = 1 << 14;
        int segments = 24;
        double[] power = new double[size / 2];
        Waveform w = g.pinkNoise(99, 1.0);
        DoubleFFT_1D fft = new DoubleFFT_1D(size);
        double[] buf = new double[size];
        for (int s = 0; s < segments; s++) {
            for (int i = 0; i < size; i++) {
                double hann = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / size);
                buf[i] = w.at((long) s * size + i) * hann;
            }
            fft.realForward(buf);
            for (int k = 1; k < size / 2; k++) {
                power[k] += buf[2 * k] * buf[2 * k] + buf[2 * k + 1] * buf[2 * k + 1];
            }
        }
        // mean power density in octave bands 94-188 Hz ... 6-12 kHz: 1/f density loses 3 dB per octave
        double previous = Double.NaN;
        int octaves = 0;
        for (double lo = 93.75; lo < 12000; lo *= 2) {
            int k0 = (int) Math.round(lo * size / 48000);
            int k1 = 2 * k0;
            double mean = 0;
            for (int k = k0; k < k1; k++) {
                mean += power[k];
            }
            double db = 10 * Math.log10(mean / (k1 - k0));
            if (!Double.isNaN(previous)) {
                double slope = db - previous;
                assertEquals(-3.0, slope, 1.2, "octave from " + lo + " Hz");
                octaves++;
            }
            previous = db;
        }
        assertEquals(6, octaves);
    }

    @Test
    void clickTrackClicksOnEveryBeat() {
        SignalGenerator g8 = new SignalGenerator(8000);
        Waveform w = g8.clickTrack(120, 0.8);
        int onsets = 0;
        boolean inClick = false;
        long firstSilentRun = 0;
        for (long n = 0; n < 8000 * 4; n++) {
            boolean loud = Math.abs(w.at(n)) > 1e-6;
            if (n > 0 && loud && !inClick && Math.abs(w.at(n - 1)) <= 1e-6) {
                // a new burst after more than 100 ms of silence
                if (firstSilentRun > 800) {
                    onsets++;
                }
            }
            firstSilentRun = loud ? 0 : firstSilentRun + 1;
            inClick = loud;
        }
        // beats at 0, 0.5, ..., 3.5 s: eight bursts, seven of which follow a silence (the first starts at 0)
        assertEquals(7, onsets);
        assertTrue(Math.abs(w.at(1)) > 0, "the first click starts at sample 0");
    }

    @Test
    void envelopesOpenAndCloseWhereAsked() {
        Waveform win = g.window(1.0, 2.0, 0.01);
        assertEquals(0.0, win.at(47_999));
        assertTrue(win.at(48_000) > 0 && win.at(48_000) < 0.01);
        assertEquals(1.0, win.at(72_000));
        assertEquals(0.0, win.at(96_000));
        Waveform p = g.pulses(0.5, 0.1, 0.0);
        assertEquals(1.0, p.at(0));
        assertEquals(0.0, p.at(4800));
        assertEquals(1.0, p.at(24_000));
        Waveform seq = g.sequence(1.0, 0.0, n -> 1.0, n -> -1.0);
        assertEquals(1.0, seq.at(10));
        assertEquals(-1.0, seq.at(48_010));
        assertEquals(1.0, seq.at(96_010));
        assertThrows(IllegalArgumentException.class, () -> g.window(1.0, 1.01, 0.1));
        assertThrows(IllegalArgumentException.class, () -> g.sine(30_000, 1.0));
    }

    @Test
    void quantizedValuesSitOnTheGridAndClamp() {
        Waveform q = ((Waveform) n -> n == 0 ? 1.0 : n == 1 ? -1.5 : 0.1234567).quantized(16);
        assertEquals(32767 / 32768.0, q.at(0));
        assertEquals(-1.0, q.at(1));
        double v = q.at(2) * 32768;
        assertEquals(Math.rint(v), v);
        assertEquals(Math.rint(0.1234567 * 32768), v);
    }

    @Test
    void blockRenderingGivesExactlyTheValuesOfRandomAccess() {
        Waveform mix = Waveform.sum(
                g.sequence(0.25, 0.01, g.chordOfNotes(0.3, 60, 64, 67), g.sine(110, 0.2)),
                g.pinkNoise(5, 0.2).times(g.pulses(0.1, 0.03, 0.005)),
                g.clickTrack(240, 0.3).delayed(123).times(0.5),
                g.whiteNoise(6, 0.05).times(g.window(0.2, 0.6, 0.02)),
                SignalGenerator.silence()).shared().quantized(24);
        double[] out = new double[7000];
        long[] starts = {0, 1, 4095, 12_000, 47_999, 100_003};
        for (long start : starts) {
            int offset = (int) (start % 7);
            int n = 5000 + (int) (start % 1000);
            mix.render(start, out, offset, n);
            for (int i = 0; i < n; i++) {
                // bit-for-bit: assertEquals(double, double) compares the bits
                assertEquals(mix.at(start + i), out[offset + i], "sample " + (start + i));
            }
        }
    }

    @Test
    void renderingIsBlockIndependent() {
        Signal s = g.stereo(1.0, g.chord(0.5, 220, 330).plus(g.pinkNoise(1, 0.2)), g.clickTrack(90, 0.5));
        float[][] whole = s.toArrays();
        float[][] block = new float[2][1000];
        s.render(12_345, block, 1000);
        for (int c = 0; c < 2; c++) {
            float[] expected = java.util.Arrays.copyOfRange(whole[c], 12_345, 13_345);
            assertArrayEquals(expected, block[c]);
        }
        assertNotEquals(whole[0][100], whole[1][100]);
        assertThrows(IllegalArgumentException.class, () -> s.render(47_500, block, 1000));
    }
}
