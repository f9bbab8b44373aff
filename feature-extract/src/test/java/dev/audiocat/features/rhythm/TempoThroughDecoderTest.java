package dev.audiocat.features.rhythm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.audiocat.features.AnalysisResult;
import dev.audiocat.features.AudioAnalyzer;
import dev.audiocat.features.quality.TestAudio;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tempo and key through the real decoder and AudioAnalyzer's single pass, at a native rate of 48 kHz. */
class TempoThroughDecoderTest {

    @TempDir
    Path dir;

    @Test
    void clickTrackAt48kHzThroughTheAnalyzer() throws Exception {
        int rate = 48000;
        float[] x = new float[rate * 25];
        double bpm = 128;
        int clicks = 0;
        for (double t = 0.4; t < 24.9; t += 60 / bpm, clicks++) {
            TestAudio.addClick(x, rate, t, 0.7);
        }
        assertEquals(53, clicks);
        Path f = dir.resolve("clicks.wav");
        TestAudio.writeWav(f, rate, x, x);
        AnalysisResult r = AudioAnalyzer.builder().build().analyze(f);
        TempoEstimate e = r.tempo();
        assertTrue(e.stable(), e::toString);
        assertEquals(bpm, e.bpm(), bpm * 0.01);
        double beat = 60 / bpm;
        double err = Math.abs(e.beatOffsetSeconds() - 0.4 % beat);
        assertTrue(Math.min(err, beat - err) <= 0.03, e::toString);
    }

    /** Sonic Pi's pulsing ambiences (7.4 and 9.8 s): textures that throb, but with no beat to tap. */
    @Test
    void pulsingAmbienceSamplesHaveNoStableTempo() throws Exception {
        for (String name : new String[] {"ambi_lunar_land", "ambi_haunted_hum"}) {
            Path f = Path.of("/usr/share/sonic-pi/samples/" + name + ".flac");
            assertTrue(Files.isRegularFile(f), f + " is missing: install sonic-pi-samples (scripts/tools.sh)");
            TempoEstimate e = AudioAnalyzer.builder().build().analyze(f).tempo();
            assertFalse(e.stable(), () -> name + " got " + e);
            assertNull(e.bpm());
        }
    }

    @Test
    void speechHasNoStableTempo() throws Exception {
        Path f = dir.resolve("speech.wav");
        Process p = new ProcessBuilder("espeak-ng", "-s", "150", "-w", f.toString(),
                "An archive transfer is checked before anyone listens. Speech has a rhythm of syllables and pauses, "
                        + "but no steady beat. The analysis must say so, rather than invent a tempo for it.")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "espeak-ng failed: " + out);
        TempoEstimate e = AudioAnalyzer.builder().build().analyze(f).tempo();
        assertFalse(e.stable(), e::toString);
        assertNull(e.bpm());
    }
}
