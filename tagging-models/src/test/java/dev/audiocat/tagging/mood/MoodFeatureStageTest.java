package dev.audiocat.tagging.mood;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.audiocat.features.dsp.FrameDispatcher;
import dev.audiocat.features.dsp.FrameProcessor;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MoodFeatureStageTest {

    private static MoodDescriptors run(float[] x) {
        MoodFeatureStage s = new MoodFeatureStage();
        FrameDispatcher d = new FrameDispatcher(2048, 512, List.<FrameProcessor>of(s));
        d.start(22050, 1);
        d.accept(new float[][] {x}, x.length);
        d.finish();
        return s.result();
    }

    /** Decaying noise bursts every {@code period} seconds, on a quiet noise floor. */
    private static float[] clicks(double period, double seconds) {
        Random r = new Random(7);
        int n = (int) (seconds * 22050);
        float[] x = new float[n];
        int p = (int) Math.round(period * 22050);
        for (int i = 0; i < n; i++) {
            double env = Math.exp(-(i % p) / 400.0);
            x[i] = (float) (r.nextGaussian() * (0.3 * env + 0.001));
        }
        return x;
    }

    private static float[] chord(int[] midi, double seconds) {
        int n = (int) (seconds * 22050);
        float[] x = new float[n];
        for (int note : midi) {
            double f = 440 * Math.pow(2, (note - 69) / 12.0);
            for (int h = 1; h <= 3; h++) {
                for (int i = 0; i < n; i++) {
                    x[i] += (float) (0.1 / h * Math.sin(2 * Math.PI * f * h * i / 22050));
                }
            }
        }
        return x;
    }

    @Test
    void clickTrackTempoAndOnsetRate() {
        MoodDescriptors d = run(clicks(0.5, 20)); // 120 BPM, 2 onsets per second
        assertEquals(120, d.tempoBpm(), 3.0);
        assertEquals(2.0, d.onsetRate(), 0.25);
        MoodDescriptors fast = run(clicks(60.0 / 150, 20));
        assertEquals(150, fast.tempoBpm(), 4.0);
    }

    @Test
    void majorTriadScoresMajorMinorTriadScoresMinor() {
        MoodDescriptors major = run(chord(new int[] {60, 64, 67}, 4)); // C E G
        MoodDescriptors minor = run(chord(new int[] {57, 60, 64}, 4)); // A C E
        assertTrue(major.modeScore() > 0, "C major: " + major.modeScore());
        assertTrue(minor.modeScore() < 0, "A minor: " + minor.modeScore());
        // a semitone cluster is rougher than a triad
        MoodDescriptors cluster = run(chord(new int[] {60, 61, 62}, 4));
        assertTrue(cluster.dissonance() > major.dissonance(), cluster.dissonance() + " vs " + major.dissonance());
    }

    @Test
    void formulaMovesTheRightWay() {
        MoodDescriptors base = new MoodDescriptors(100, 0.5, 2, -20, 1500, 0.1, 0.05, 1);
        MoodEstimate e = DescriptorMood.estimate(base, null, null, null);
        MoodEstimate faster = DescriptorMood.estimate(base, null, 150.0, null);
        MoodEstimate louder = DescriptorMood.estimate(base, -8.0, null, null);
        MoodEstimate minor = DescriptorMood.estimate(base, null, null, "minor");
        assertTrue(faster.arousal() > e.arousal());
        assertTrue(louder.arousal() > e.arousal());
        assertTrue(minor.valence() < e.valence());
        for (MoodEstimate m : List.of(e, faster, louder, minor)) {
            assertTrue(Math.abs(m.arousal()) <= 1 && Math.abs(m.valence()) <= 1);
        }
    }
}
