package dev.audiocat.features.dsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RealFftTest {

    /** |X(k)| by the definition, in double precision. */
    private static double[] dft(float[] x) {
        int n = x.length;
        double[] mag = new double[n / 2 + 1];
        for (int k = 0; k <= n / 2; k++) {
            double re = 0;
            double im = 0;
            for (int t = 0; t < n; t++) {
                double a = -2 * Math.PI * (long) k * t / n;
                re += x[t] * Math.cos(a);
                im += x[t] * Math.sin(a);
            }
            mag[k] = Math.hypot(re, im);
        }
        return mag;
    }

    @Test
    void nativeAndJavaTransformsMatchTheDefinitionOnNoise() {
        for (int n : new int[] {64, 1024, 2048}) {
            float[] x = new float[n];
            Random r = new Random(n);
            for (int i = 0; i < n; i++) {
                x[i] = (float) r.nextGaussian();
            }
            float[] copy = x.clone();
            double[] want = dft(x);
            double scale = Math.sqrt(n); // the magnitudes of unit-variance noise are about sqrt(n)
            try (RealFft nat = new RealFft(n, true); RealFft jt = new RealFft(n, false)) {
                assertTrue(nat.isNative());
                assertFalse(jt.isNative());
                float[] a = new float[n / 2 + 1];
                float[] b = new float[n / 2 + 1];
                nat.magnitudes(x, a);
                jt.magnitudes(x, b);
                for (int k = 0; k <= n / 2; k++) {
                    assertEquals(want[k], a[k], 1e-5 * scale, "native, n=" + n + " bin " + k);
                    assertEquals(want[k], b[k], 1e-5 * scale, "JTransforms, n=" + n + " bin " + k);
                }
                // the input is left as it was
                for (int i = 0; i < n; i++) {
                    assertEquals(copy[i], x[i]);
                }
            }
        }
    }

    @Test
    void aSinePeaksInItsBinIncludingDcAndNyquist() {
        int n = 1024;
        try (RealFft fft = new RealFft(n, true)) {
            float[] mag = new float[n / 2 + 1];
            float[] x = new float[n];
            for (int i = 0; i < n; i++) {
                x[i] = (float) Math.cos(2 * Math.PI * 100 * i / n);
            }
            fft.magnitudes(x, mag);
            assertEquals(n / 2.0, mag[100], 1e-3);
            assertEquals(0, mag[99], 1e-3);
            java.util.Arrays.fill(x, 0.5f);
            fft.magnitudes(x, mag);
            assertEquals(n / 2.0, mag[0], 1e-3);
            for (int i = 0; i < n; i++) {
                x[i] = (i % 2 == 0) ? 1f : -1f;
            }
            fft.magnitudes(x, mag);
            assertEquals(n, mag[n / 2], 1e-3);
            assertEquals(0, mag[1], 1e-3);
        }
    }

    @Test
    void closeIsIdempotentAndSizesAreChecked() {
        RealFft fft = new RealFft(256, true);
        fft.close();
        fft.close();
        assertThrows(IllegalArgumentException.class, () -> new RealFft(1000));
    }
}
