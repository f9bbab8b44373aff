package dev.audiocat.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.audiocat.features.decode.WavWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A three-hour 96 kHz stereo transfer analyses in one streaming pass inside a 512 MB heap.
 * Failsafe runs this module's ITs with {@code -Xmx512m} (see feature-extract/pom.xml); the file
 * (4.1 GB) is written on the fly and deleted afterwards.
 */
class BoundedMemoryIT {

    @TempDir
    Path dir;

    @Test
    void threeHourNinetySixKilohertzStereoInHalfAGigabyte() throws Exception {
        long maxHeap = Runtime.getRuntime().maxMemory();
        assertTrue(maxHeap <= 520L * 1024 * 1024, "this test must run with -Xmx512m, has " + maxHeap / (1 << 20) + " MB");
        int rate = 96000;
        long seconds = 3 * 3600;
        Path f = dir.resolve("three-hours.wav");
        // one second of a 440 Hz + 3 kHz mix at -20 dBFS peak, repeated; every 10th minute is silent
        float[][] second = new float[2][rate];
        float[][] silence = new float[2][rate];
        for (int i = 0; i < rate; i++) {
            float v = (float) (0.05 * Math.sin(2 * Math.PI * 440 * i / rate) + 0.05 * Math.sin(2 * Math.PI * 3000 * i / rate));
            second[0][i] = v;
            second[1][i] = v;
        }
        try (WavWriter w = new WavWriter(f, rate, 2, 16)) {
            for (long minute = 0; minute < seconds / 60; minute++) {
                w.writeRepeated(minute % 10 == 9 ? silence : second, rate, 60);
            }
        }
        try {
            AnalysisResult r = AudioAnalyzer.builder().build().analyze(f);
            assertEquals(seconds, r.durationSeconds(), 1e-6);
            assertEquals(rate, r.probe().sampleRate());
            assertEquals(2, r.probe().channels());
            assertNotNull(r.audioId());
            // 440 Hz + 3 kHz at 0.05 each, stereo: K-weighting lifts 3 kHz by ~+2.6 dB; gated loudness ignores the silent minutes
            assertTrue(r.loudness().integratedLufs() > -30 && r.loudness().integratedLufs() < -20,
                    "integrated loudness " + r.loudness().integratedLufs());
            long used = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
            assertTrue(used < maxHeap, "heap in use " + used);
        } finally {
            Files.deleteIfExists(f);
        }
    }
}
