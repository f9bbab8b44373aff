package dev.audiocat.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.audiocat.features.quality.TestAudio;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AudioAnalyzerTest {

    @Test
    void withoutFingerprintsTheOtherAnalysesAreUnchanged(@TempDir Path dir) throws Exception {
        int rate = 44100;
        float[] left = new float[rate * 12];
        float[] right = new float[left.length];
        // a C major progression, one chord per second, with a click every 0.5 s (120 BPM)
        int[][] chords = {{60, 64, 67}, {65, 69, 72}, {67, 71, 74}, {60, 64, 67}};
        for (int s = 0; s < 12; s++) {
            for (int m : chords[s % chords.length]) {
                TestAudio.addTone(left, rate, s, 1.0, TestAudio.hz(m, 440), 0.1);
                TestAudio.addTone(right, rate, s, 1.0, TestAudio.hz(m, 440), 0.08);
            }
        }
        for (double t = 0; t < 12; t += 0.5) {
            TestAudio.addClick(left, rate, t, 0.3);
            TestAudio.addClick(right, rate, t, 0.3);
        }
        Path wav = dir.resolve("chords.wav");
        TestAudio.writeWav(wav, rate, left, right);

        AnalysisResult full = AudioAnalyzer.builder().build().analyze(wav);
        AnalysisResult lean = AudioAnalyzer.builder().fingerprints(false).build().analyze(wav);

        assertNotNull(full.chromaprint());
        assertNotNull(full.landmarks());
        assertNull(lean.chromaprint());
        assertNull(lean.landmarks());
        assertEquals(full.assetId(), lean.assetId());
        assertEquals(full.audioId(), lean.audioId());
        assertEquals(full.loudness(), lean.loudness());
        assertEquals(full.key(), lean.key());
        assertEquals(full.tempo(), lean.tempo());
        assertEquals(full.qcFlags(), lean.qcFlags());
        assertEquals(12.0, lean.durationSeconds(), 1e-3);
    }
}
