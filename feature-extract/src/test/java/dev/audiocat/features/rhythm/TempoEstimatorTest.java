package dev.audiocat.features.rhythm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.audiocat.features.AudioAnalyzer;
import dev.audiocat.features.quality.TestAudio;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TempoEstimatorTest {

    static final int RATE = AudioAnalyzer.ANALYSIS_RATE;

    /** A click every beat, accented on the first of four, starting at {@code first} seconds. */
    static float[] clickTrack(double bpm, double first, double seconds) {
        float[] x = new float[(int) (seconds * RATE)];
        double beat = 60 / bpm;
        int n = 0;
        for (double t = first; t < seconds - 0.01; t += beat, n++) {
            TestAudio.addClick(x, RATE, t, n % 4 == 0 ? 0.8 : 0.5);
        }
        return x;
    }

    static TempoEstimate run(float[] x) {
        TempoEstimator t = new TempoEstimator();
        TestAudio.feed(x, t);
        return t.result();
    }

    @ParameterizedTest(name = "{0} BPM clicks from {1} s")
    @CsvSource({"120, 0.30", "97, 0.11", "75, 0.52", "143, 0.05", "174, 0.21"})
    void clickTrackTempoAndGrid(double bpm, double first) {
        TempoEstimate e = run(clickTrack(bpm, first, 30));
        assertTrue(e.stable(), () -> "unstable: " + e);
        assertNotNull(e.bpm());
        assertEquals(bpm, e.bpm(), bpm * 0.01, () -> "got " + e);       // 1%
        double beat = 60 / bpm;
        double expectOffset = first % beat;
        double err = Math.abs(e.beatOffsetSeconds() - expectOffset);
        err = Math.min(err, beat - err);                                   // the grid is circular
        assertTrue(err <= 0.025, () -> "beat offset " + e.beatOffsetSeconds() + " vs " + expectOffset);
        assertTrue(e.confidence() > 0.5, () -> "confidence " + e);
    }

    /**
     * The same stream of strikes, 140 a minute, evenly loud: the chords C, A minor, F, G struck as block
     * triads (the root an octave below on each chord's first strike). Only the harmonic rhythm differs:
     * a new chord every 8 strikes or every 4. Chords change once a bar of four beats, so the first is
     * 70 BPM in eighth notes and the second 140 BPM in quarter notes.
     */
    static float[] strikes(int notesPerChord, double seconds) {
        int[][] chords = {{60, 64, 67}, {57, 60, 64}, {53, 57, 60}, {55, 59, 62}};
        float[] x = new float[(int) (seconds * RATE)];
        double note = 60 / 140.0;
        int n = 0;
        for (double t = 0.2; t < seconds - note; t += note, n++) {
            int[] chord = chords[(n / notesPerChord) % chords.length];
            for (int midi : chord) {
                TestAudio.addTone(x, RATE, t, note, TestAudio.hz(midi + 12, 440), 0.1);
            }
            if (n % notesPerChord == 0) {
                TestAudio.addTone(x, RATE, t, note * notesPerChord, TestAudio.hz(chord[0] - 12, 440), 0.15);
            }
        }
        return x;
    }

    @ParameterizedTest(name = "a chord every {0} notes: {1} BPM")
    @CsvSource({"8, 70", "4, 140"})
    void chordChangesChooseTheMetricalLevel(int notesPerChord, double bpm) {
        TempoEstimate e = run(strikes(notesPerChord, 30));
        assertTrue(e.stable(), () -> "unstable: " + e);
        assertEquals(bpm, e.bpm(), bpm * 0.02, () -> "got " + e);
    }

    /**
     * A slow piece without drums: the chords C, A minor, F, G, one a bar of four beats, struck as
     * block triads on every eighth note, evenly loud, over the chord's root an octave below on every
     * beat. The onsets alone pulse at twice the tempo (the bass adds little); the chord changes, every
     * eight eighths, say the beat is the quarter note.
     */
    static float[] slowChords(double bpm, double seconds) {
        int[][] chords = {{60, 64, 67}, {57, 60, 64}, {53, 57, 60}, {55, 59, 62}};
        float[] x = new float[(int) (seconds * RATE)];
        double eighth = 30 / bpm;
        int n = 0;
        for (double t = 0.3; t < seconds - 2 * eighth; t += eighth, n++) {
            int[] chord = chords[(n / 8) % chords.length];
            for (int midi : chord) {
                TestAudio.addTone(x, RATE, t, eighth, TestAudio.hz(midi + 12, 440), 0.1);
            }
            if (n % 2 == 0) {
                TestAudio.addTone(x, RATE, t, 2 * eighth, TestAudio.hz(chord[0] - 12, 440), 0.12);
            }
        }
        return x;
    }

    @Test
    void slowChordProgressionWithoutDrumsIsNotReadAtDoubleTempo() {
        float[] x = slowChords(66, 40);
        TempoEstimate e = run(x);
        assertTrue(e.stable(), () -> "unstable: " + e);
        assertEquals(66, e.bpm(), 66 * 0.02, () -> "got " + e);
        // the onsets alone (no harmonic-rhythm step) read it at double tempo: the step decides here
        TempoEstimator onsetsOnly = new TempoEstimator(TempoEstimator.PRIOR_CENTRE_BPM, TempoEstimator.OFFBEAT_RATIO, 0);
        TestAudio.feed(x, onsetsOnly);
        assertEquals(132, onsetsOnly.result().bpm(), 132 * 0.02, () -> "onsets alone got " + onsetsOnly.result());
    }

    @Test
    void noiseHasNoStableTempo() {
        Random r = new Random(11);
        float[] x = new float[RATE * 30];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (0.1 * r.nextGaussian());
        }
        TempoEstimate e = run(x);
        assertFalse(e.stable(), () -> "noise got " + e);
        assertNull(e.bpm());
        assertNull(e.beatOffsetSeconds());
    }

    @Test
    void singleHitHasNoStableTempo() {
        float[] x = new float[RATE * 20];
        TestAudio.addClick(x, RATE, 3.0, 0.9);
        TestAudio.addTone(x, RATE, 3.0, 4.0, 110, 0.5);
        TempoEstimate e = run(x);
        assertFalse(e.stable(), () -> "single hit got " + e);
    }

    @Test
    void slowDroneHasNoStableTempo() {
        // Ambience: overlapping long tones with slow swells at irregular times, plus soft noise.
        Random r = new Random(5);
        float[] x = new float[RATE * 40];
        double t = 0;
        while (t < 38) {
            TestAudio.addTone(x, RATE, t, 6 + 4 * r.nextDouble(), TestAudio.hz(40 + r.nextInt(30), 440), 0.1);
            t += 1.3 + 3 * r.nextDouble();
        }
        for (int i = 0; i < x.length; i++) {
            x[i] += (float) (0.01 * r.nextGaussian());
        }
        TempoEstimate e = run(x);
        assertFalse(e.stable(), () -> "drone got " + e);
    }

    @ParameterizedTest(name = "{0} BPM in three, accent {1}")
    @CsvSource({"165, 0.9", "150, 0.9", "96, 0.9"})
    void accentsEveryThreeBeatsGiveTheBeatNotTheBar(double bpm, double accent) {
        float[] x = new float[30 * RATE];
        double beat = 60 / bpm;
        int n = 0;
        for (double t = 0.1; t < 29.99; t += beat, n++) {
            TestAudio.addClick(x, RATE, t, n % 3 == 0 ? accent : 0.4);
        }
        TempoEstimate e = run(x);
        assertTrue(e.stable(), () -> "unstable: " + e);
        assertEquals(bpm, e.bpm(), bpm * 0.01, () -> "got " + e);
    }

    @Test
    void clicksShorterThanTwoAgreementWindowsKeepTheirTempo() {
        // 10 s: below the two ~12 s windows, so periodicity alone must carry the decision.
        TempoEstimate e = run(clickTrack(100, 0.2, 10));
        assertTrue(e.stable(), () -> "unstable: " + e);
        assertEquals(100, e.bpm(), 1.0, () -> "got " + e);
    }

    @Test
    void tooShortHasNoStableTempo() {
        TempoEstimate e = run(clickTrack(120, 0, 3));
        assertFalse(e.stable());
    }
}
