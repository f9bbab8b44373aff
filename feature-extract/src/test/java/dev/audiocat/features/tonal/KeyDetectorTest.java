package dev.audiocat.features.tonal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.audiocat.features.AudioAnalyzer;
import dev.audiocat.features.quality.TestAudio;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class KeyDetectorTest {

    static final int RATE = AudioAnalyzer.ANALYSIS_RATE;

    /**
     * A four-chord cadence I-IV-V-I (major) or i-iv-V-i (minor, harmonic: the V chord has the raised
     * seventh), root position triads around the fourth octave plus the root an octave below, repeated
     * three times, one chord per second. The tonic is given as a MIDI note number.
     */
    static float[] cadence(int tonicMidi, boolean minor, double a4) {
        int third = minor ? 3 : 4;
        int[][] chords = {
            {0, third, 7},          // I / i
            {5, 5 + third, 12},     // IV / iv
            {7, 11, 14},            // V (major triad in both modes)
            {0, third, 7},
        };
        float[] out = new float[RATE * 12];
        for (int rep = 0; rep < 3; rep++) {
            for (int c = 0; c < 4; c++) {
                double t = rep * 4 + c;
                for (int interval : chords[c]) {
                    TestAudio.addTone(out, RATE, t, 1.0, TestAudio.hz(tonicMidi + interval, a4), 0.12);
                }
                TestAudio.addTone(out, RATE, t, 1.0, TestAudio.hz(tonicMidi + chords[c][0] - 12, a4), 0.12);
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0} {1} at A4 = {2} Hz")
    @CsvSource({
        "C, major, 440.0, 60",
        "A, minor, 440.0, 57",
        "F#, major, 440.0, 66",
        "D#, minor, 440.0, 63",
        "G, major, 432.0, 55",
        "E, minor, 446.0, 64",
    })
    void findsKeyModeAndTuningOfACadence(String tonic, String mode, double a4, int midi) {
        KeyDetector k = new KeyDetector();
        TestAudio.feed(cadence(midi, "minor".equals(mode), a4), k);
        KeyEstimate e = k.result();
        assertNotNull(e);
        assertEquals(tonic, e.tonic(), () -> "got " + e);
        assertEquals(mode, e.mode(), () -> "got " + e);
        // tuning within 2 cents (0.5 Hz at 440)
        assertEquals(a4, e.tuningHz(), a4 * (Math.pow(2, 2 / 1200.0) - 1), () -> "got " + e);
        assertTrue(e.confidence() > 0.3, () -> "confidence " + e);
    }

    /**
     * Chords shared by C major and A minor (Am, F, C, G, Dm, Em, one per second, twice), then two
     * seconds of the final chord: the pitch classes of the body fit both keys, the ending decides.
     */
    static float[] sharedBodyEndingOn(int[] finalChord) {
        int[][] body = {{57, 60, 64}, {53, 57, 60}, {60, 64, 67}, {55, 59, 62}, {50, 53, 57}, {52, 55, 59}};
        float[] out = new float[RATE * 14];
        for (int rep = 0; rep < 2; rep++) {
            for (int c = 0; c < body.length; c++) {
                for (int midi : body[c]) {
                    TestAudio.addTone(out, RATE, rep * 6 + c, 1.0, TestAudio.hz(midi, 440), 0.12);
                }
            }
        }
        for (int midi : finalChord) {
            TestAudio.addTone(out, RATE, 12, 2.0, TestAudio.hz(midi, 440), 0.12);
        }
        return out;
    }

    @ParameterizedTest(name = "ending on {0}")
    @CsvSource({
        "A, minor, 57 60 64",
        "C, major, 48 52 55",
    })
    void theFinalChordTellsMinorFromItsRelativeMajor(String tonic, String mode, String chord) {
        int[] notes = java.util.Arrays.stream(chord.split(" ")).mapToInt(Integer::parseInt).toArray();
        KeyDetector k = KeyDetector.withCues(true, false, false, false);
        TestAudio.feed(sharedBodyEndingOn(notes), k);
        KeyEstimate e = k.result();
        assertNotNull(e);
        assertEquals(tonic + " " + mode, e.tonic() + " " + e.mode(), () -> "got " + e);
    }

    @Test
    void withoutTheFinalChordBothEndingsGiveOneKey() {
        // profile + cadences, no final-chord cue, no chord durations, no closing section: the default also counts
        // the held final chord's two seconds among the chord durations (as it would anywhere in the piece), and with
        // A minor then heard 4 s against C's 2 s it says A minor for the first ending
        KeyDetector am = KeyDetector.withCues(false, false, true, false, false, false);
        TestAudio.feed(sharedBodyEndingOn(new int[] {57, 60, 64}), am);
        KeyDetector c = KeyDetector.withCues(false, false, true, false, false, false);
        TestAudio.feed(sharedBodyEndingOn(new int[] {48, 52, 55}), c);
        assertNotNull(am.result());
        assertNotNull(c.result());
        assertEquals(am.result().tonic() + " " + am.result().mode(), c.result().tonic() + " " + c.result().mode(),
                () -> am.result() + " vs " + c.result());
    }

    /**
     * A phrase I-vi-IV-V (major) or i-VI-iv-V (minor, harmonic V), root-position triads with the root an
     * octave below, one chord per second, three times, and then the piece stops on a held V for two
     * seconds: a half cadence, no final tonic. The final chord is the dominant's triad, so the final
     * chord cue alone points a fifth too high; the other cues must outvote it.
     */
    static float[] phraseEndingOnV(int tonicMidi, boolean minor) {
        int[][] chords = minor
                ? new int[][] {{0, 3, 7}, {-4, 0, 3}, {5, 8, 12}, {7, 11, 14}}
                : new int[][] {{0, 4, 7}, {-3, 0, 4}, {5, 9, 12}, {7, 11, 14}};
        float[] out = new float[RATE * 14];
        for (int rep = 0; rep < 3; rep++) {
            for (int c = 0; c < 4; c++) {
                double t = rep * 4 + c;
                double len = rep == 2 && c == 3 ? 2.0 : 1.0;
                for (int interval : chords[c]) {
                    TestAudio.addTone(out, RATE, t, len, TestAudio.hz(tonicMidi + interval, 440), 0.12);
                }
                TestAudio.addTone(out, RATE, t, len, TestAudio.hz(tonicMidi + chords[c][0] - 12, 440), 0.12);
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0} {1} ending on V")
    @CsvSource({
        "C, major, 60",
        "A, major, 57",
        "D, minor, 62",
        "G, minor, 55",
    })
    void aPhraseEndingOnTheDominantIsInItsTonic(String tonic, String mode, int midi) {
        KeyDetector k = new KeyDetector();
        TestAudio.feed(phraseEndingOnV(midi, "minor".equals(mode)), k);
        KeyEstimate e = k.result();
        assertNotNull(e);
        assertEquals(tonic + " " + mode, e.tonic() + " " + e.mode(), () -> "got " + e);
    }

    /**
     * The chords shared by C major and A minor of {@link #sharedBodyEndingOn}, each followed by a
     * cadence in the middle of the piece and then more shared chords: E-G#-B then A minor, or G-B-D then
     * C major. Nothing but the cadence tells the two apart (both end on the same chord, D minor).
     */
    static float[] sharedBodyWithCadence(int[] dominant, int[] tonic) {
        int[][] body = {{57, 60, 64}, {53, 57, 60}, {60, 64, 67}, {50, 53, 57}, {52, 55, 59}};
        float[] out = new float[RATE * 16];
        double t = 0;
        for (int rep = 0; rep < 2; rep++) {
            for (int[] chord : body) {
                for (int midi : chord) {
                    TestAudio.addTone(out, RATE, t, 1.0, TestAudio.hz(midi, 440), 0.12);
                }
                t += 1;
            }
            for (int[] chord : new int[][] {dominant, tonic}) {
                for (int midi : chord) {
                    TestAudio.addTone(out, RATE, t, 1.0, TestAudio.hz(midi, 440), 0.12);
                }
                t += 1;
            }
        }
        for (int midi : new int[] {50, 53, 57}) {
            TestAudio.addTone(out, RATE, t, 2.0, TestAudio.hz(midi, 440), 0.12);
        }
        return out;
    }

    @ParameterizedTest(name = "cadence to {0} {1}")
    @CsvSource({
        "A, minor, 52 56 59, 57 60 64",
        "C, major, 55 59 62, 48 52 55",
    })
    void aCadenceInTheMiddleTellsMinorFromItsRelativeMajor(String tonic, String mode, String dominant, String chord) {
        int[] v = java.util.Arrays.stream(dominant.split(" ")).mapToInt(Integer::parseInt).toArray();
        int[] i = java.util.Arrays.stream(chord.split(" ")).mapToInt(Integer::parseInt).toArray();
        KeyDetector k = new KeyDetector();
        TestAudio.feed(sharedBodyWithCadence(v, i), k);
        KeyEstimate e = k.result();
        assertNotNull(e);
        assertEquals(tonic + " " + mode, e.tonic() + " " + e.mode(), () -> "got " + e);
    }

    /**
     * A loop of the chords shared by C major and A minor with no dominant-tonic cadence in either key:
     * the first chord held two seconds, then D minor, F, G, E minor one second each, three times.
     * The first chord, A minor or C, is the one heard longest; in C major the loop is I-ii-IV-V-iii, in
     * A minor i-iv-VI-VII-v (natural minor, no leading tone).
     */
    static float[] sharedLoopDwellingOn(int[] home) {
        int[][] rest = {{50, 53, 57}, {53, 57, 60}, {55, 59, 62}, {52, 55, 59}};
        float[] out = new float[RATE * 19];
        double t = 0;
        for (int rep = 0; rep < 3; rep++) {
            for (int midi : home) {
                TestAudio.addTone(out, RATE, t, 2.0, TestAudio.hz(midi, 440), 0.12);
            }
            t += 2;
            for (int[] chord : rest) {
                for (int midi : chord) {
                    TestAudio.addTone(out, RATE, t, 1.0, TestAudio.hz(midi, 440), 0.12);
                }
                t += 1;
            }
        }
        return out;
    }

    @ParameterizedTest(name = "dwelling on {0} {1}")
    @CsvSource({
        "A, minor, 57 60 64",
        "C, major, 48 52 55",
    })
    void theChordHeardLongestTellsMinorFromItsRelativeMajor(String tonic, String mode, String chord) {
        int[] home = java.util.Arrays.stream(chord.split(" ")).mapToInt(Integer::parseInt).toArray();
        KeyDetector k = new KeyDetector();
        TestAudio.feed(sharedLoopDwellingOn(home), k);
        assertNotNull(k.result());
        assertEquals(tonic + " " + mode, k.result().tonic() + " " + k.result().mode(), () -> "got " + k.result());
        KeyDetector noChords = KeyDetector.withCues(false, false, true, false, false, false);
        TestAudio.feed(sharedLoopDwellingOn(home), noChords);
        // without the chord durations (and the natural-minor profile) the profile (same pitch classes, only the
        // tonic's weight differs) says C major for both
        assertNotNull(noChords.result());
        assertEquals("C major", noChords.result().tonic() + " " + noChords.result().mode(), () -> "got " + noChords.result());
    }

    /** Adds root-position triads with the root an octave below, {@code seconds} each, from {@code t}; returns the end time. */
    static double chords(float[] out, double t, double seconds, int[]... chords) {
        for (int[] chord : chords) {
            for (int midi : chord) {
                TestAudio.addTone(out, RATE, t, seconds, TestAudio.hz(midi, 440), 0.12);
            }
            TestAudio.addTone(out, RATE, t, seconds, TestAudio.hz(chord[0] - 12, 440), 0.12);
            t += seconds;
        }
        return t;
    }

    static final int[] AM = {57, 60, 64};
    static final int[] C = {60, 64, 67};
    static final int[] DM = {62, 65, 69};
    static final int[] F = {53, 57, 60};
    static final int[] G = {55, 59, 62};
    static final int[] G7 = {55, 59, 62, 65};
    static final int[] E7 = {52, 56, 59, 62};

    @Test
    void theNaturalMinorProfileFitsAnAeolianScaleBetterThanTheHarmonicOne() {
        // A natural minor's pitch classes, the tonic triad stronger (A, C, E), no G#: the flat seventh G is diatonic
        double[] chroma = new double[12];
        for (int pc : new int[] {9, 11, 0, 2, 4, 5, 7}) {
            chroma[pc] = 1;
        }
        chroma[9] = chroma[0] = chroma[4] = 2;
        double natural = KeyDetector.correlation(chroma, KeyDetector.NATURAL_MINOR, 9);
        assertTrue(natural > KeyDetector.correlation(chroma, KeyDetector.MINOR, 9) + 0.05, () -> "natural " + natural);
        // and the harmonic one fits a harmonic-minor scale (G# instead of G) better
        chroma[7] = 0;
        chroma[8] = 1;
        double harmonic = KeyDetector.correlation(chroma, KeyDetector.MINOR, 9);
        assertTrue(harmonic > KeyDetector.correlation(chroma, KeyDetector.NATURAL_MINOR, 9) + 0.05, () -> "harmonic " + harmonic);
    }

    /**
     * Two halves of equal length, each confirmed by its cadences: C major (C F G7 C) and A minor (Am Dm E7
     * Am), 1.5 s per chord, twice each, in the order given. The whole file is balanced between the two
     * keys; the piece closes in the second.
     */
    static float[] twoHalves(boolean minorLast) {
        float[] out = new float[RATE * 25];
        double t = 0;
        for (int half = 0; half < 2; half++) {
            boolean minor = (half == 1) == minorLast;
            for (int rep = 0; rep < 2; rep++) {
                t = minor ? chords(out, t, 1.5, AM, DM, E7, AM) : chords(out, t, 1.5, C, F, G7, C);
            }
        }
        return out;
    }

    @ParameterizedTest(name = "closing in {0}")
    @CsvSource({
        "A minor, true",
        "C major, false",
    })
    void aBalancedPieceIsInTheKeyItClosesIn(String key, boolean minorLast) {
        KeyDetector k = new KeyDetector();
        TestAudio.feed(twoHalves(minorLast), k);
        assertNotNull(k.result());
        assertEquals(key, k.result().tonic() + " " + k.result().mode(), () -> "got " + k.result());
    }

    @Test
    void withoutTheClosingSectionTheOrderOfTheHalvesDoesNotDecide() {
        KeyDetector a = KeyDetector.withCues(false, false, true, true, false, true);
        TestAudio.feed(twoHalves(true), a);
        KeyDetector b = KeyDetector.withCues(false, false, true, true, false, true);
        TestAudio.feed(twoHalves(false), b);
        assertEquals(a.result().tonic() + " " + a.result().mode(), b.result().tonic() + " " + b.result().mode(),
                () -> a.result() + " vs " + b.result());
    }

    /**
     * A block's 120-bin profile (10 cents per bin, bin 0 = A) for a chord's pitch classes (C = 0), the root
     * weighing twice as much, as {@link KeyDetector#addBlock} receives it for 16 frames of that chord.
     */
    static double[] blockOf(int... pcs) {
        double[] p = new double[120];
        for (int i = 0; i < pcs.length; i++) {
            p[Math.floorMod(pcs[i] - 9, 12) * 10] += 16 * (i == 0 ? 2 : 1);
        }
        return p;
    }

    /**
     * {@link #twoHalves} as blocks fed to {@link KeyDetector#addBlock}, long enough (2 x 1,104 blocks, 13.6
     * min) for the segment store to fill up and merge its neighbours once.
     */
    static KeyEstimate twoLongHalves(boolean minorLast) {
        int[][] major = {{0, 4, 7}, {5, 9, 0}, {7, 11, 2, 5}, {0, 4, 7}};
        int[][] minor = {{9, 0, 4}, {2, 5, 9}, {4, 8, 11, 2}, {9, 0, 4}};
        KeyDetector k = new KeyDetector();
        double[] bass = new double[120];
        for (int half = 0; half < 2; half++) {
            int[][] chords = (half == 1) == minorLast ? minor : major;
            for (int b = 0; b < 1104; b++) {
                k.addBlock(blockOf(chords[(b / 4) % 4]), bass, KeyDetector.BLOCK_FRAMES, 0);
            }
        }
        k.decide(0);
        return k.result();
    }

    @ParameterizedTest(name = "closing in {0}, 13.6 min")
    @CsvSource({
        "A minor, true",
        "C major, false",
    })
    void theClosingSectionStillCountsAfterTheSegmentStoreMerged(String key, boolean minorLast) {
        assertTrue(2 * 1104 > KeyDetector.MAX_SEGMENTS * KeyDetector.SEGMENT_BLOCKS);
        KeyEstimate e = twoLongHalves(minorLast);
        assertNotNull(e);
        assertEquals(key, e.tonic() + " " + e.mode(), () -> "got " + e);
    }

    @Test
    void chordFitPrefersTheKeyWhoseTonicChordLastsLongest() {
        double[] chords = new double[24];
        chords[12 + 9] = 4; // A minor
        chords[2 + 12] = 1; // D minor
        chords[5] = 1;      // F
        chords[7] = 1;      // G
        chords[12 + 4] = 1; // E minor
        assertTrue(KeyDetector.chordFit(chords, 12 + 9) > KeyDetector.chordFit(chords, 0));
        chords[12 + 9] = 1;
        chords[0] = 4;      // C now lasts longest
        assertTrue(KeyDetector.chordFit(chords, 0) > KeyDetector.chordFit(chords, 12 + 9));
    }

    @Test
    void theSeriesLogarithmOfAPeakOffsetMatchesTheLibrarys() {
        // the range process() uses it for: |p / k| <= 0.5 / 6 at 22.05 kHz, plus the fallback beyond 0.1
        for (double x = -0.25; x <= 0.25; x += 1e-4) {
            assertEquals(Math.log1p(x), KeyDetector.log1pSmall(x), 1e-16 + 2e-16 * Math.abs(Math.log1p(x)), "x = " + x);
        }
    }

    @Test
    void silenceHasNoKey() {
        KeyDetector k = new KeyDetector();
        TestAudio.feed(new float[RATE * 3], k);
        assertNull(k.result());
    }

    /**
     * One-shots: a lone note (6 partials, 4 s, A3 or C4 here) fits several keys alike; a pure A sine read "D
     * major" at confidence 0.79 (its harmonic votes: A, and D a twelfth below). Now the note is the tonic, at
     * confidence 0; a power chord (C and G, 0.80 before) is rooted on C at no more than a quarter of the
     * scores' confidence; the cadences above keep theirs (a scale spreads over 7 and more, as all bench music).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "A, 57, 0",
        "C, 60, 0",
        "C, 60, 7",
    })
    void aNoteOrAPowerChordHasNoConfidentKey(String root, int midi, int fifth) {
        float[] x = new float[RATE * 4];
        TestAudio.addTone(x, RATE, 0, 4.0, TestAudio.hz(midi, 440), 0.2);
        if (fifth > 0) {
            TestAudio.addTone(x, RATE, 0, 4.0, TestAudio.hz(midi + fifth, 440), 0.2);
        }
        KeyDetector k = new KeyDetector();
        TestAudio.feed(x, k);
        KeyEstimate e = k.result();
        assertNotNull(e);
        assertEquals(root, e.tonic(), () -> "got " + e);
        assertNull(e.mode(), () -> "a note or a power chord has no third, so no mode; got " + e);
        if (fifth == 0) {
            assertEquals(0.0, e.confidence(), () -> "got " + e);
        } else {
            assertTrue(e.confidence() <= 0.25, () -> "got " + e);
        }
        // the cadences keep the scores' confidence (findsKeyModeAndTuningOfACadence): a scale spreads wider
        KeyDetector cadence = new KeyDetector();
        TestAudio.feed(cadence(midi, false, 440), cadence);
        assertTrue(cadence.result().confidence() > 0.3, () -> "cadence " + cadence.result());
        assertEquals(7, KeyDetector.spread(new double[] {1, 0, 0.5, 0, 0.8, 0.4, 0, 0.9, 0, 0.3, 0, 0.2}));
        assertEquals(1, KeyDetector.spread(new double[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0.05, 0}));
    }

    /** A pure sine (no partials: the harmonic votes alone) is a note too: its root, no mode, confidence 0. */
    @Test
    void aPureSineIsItsRootWithoutMode() {
        float[] x = new float[RATE * 4];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (0.3 * Math.sin(2 * Math.PI * 440 * i / (double) RATE));
        }
        KeyDetector k = new KeyDetector();
        TestAudio.feed(x, k);
        KeyEstimate e = k.result();
        assertEquals("A", e.tonic(), () -> "got " + e);
        assertNull(e.mode(), () -> "got " + e);
        assertEquals(0.0, e.confidence(), () -> "got " + e);
    }

    /** Over a root, the third that sounds names the mode (a quieter third: the root stays the strongest pitch class). */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "C minor, 60, 3",
        "C major, 60, 4",
        "A minor, 57, 3",
        "A major, 57, 4",
    })
    void aThirdOverTheRootNamesTheMode(String key, int midi, int third) {
        float[] x = new float[RATE * 4];
        TestAudio.addTone(x, RATE, 0, 4.0, TestAudio.hz(midi, 440), 0.2);
        TestAudio.addTone(x, RATE, 0, 4.0, TestAudio.hz(midi + third, 440), 0.1);
        KeyDetector k = new KeyDetector();
        TestAudio.feed(x, k);
        KeyEstimate e = k.result();
        assertEquals(key, e.tonic() + " " + e.mode(), () -> "got " + e);
    }

    @Test
    void noiseHasLowConfidence() {
        java.util.Random r = new java.util.Random(7);
        float[] x = new float[RATE * 6];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (0.1 * r.nextGaussian());
        }
        KeyDetector k = new KeyDetector();
        TestAudio.feed(x, k);
        KeyEstimate e = k.result();
        assertTrue(e == null || e.confidence() < 0.3, () -> "noise gave " + e);
    }

    /**
     * Blocks as the frame stage hands them to {@link KeyDetector#addBlock} (16 frames each, 120-bin profiles at
     * A440, bin 0 = A): an aeolian loop i-iv-VI-VII in A minor (Am Dm F G, four blocks per chord, ten times)
     * whose upper voices are the triads and whose bass holds the tonic A (a pedal). The pitch classes and
     * chords are C major's as much as A minor's (vi-ii-IV-V there, with no leading tone G# for a V-i);
     * only the bass names A. Without the bass profile the detector says C major (the relative-major error of
     * the hard bench sets); with it, A minor.
     */
    static KeyEstimate aeolianLoopOverATonicPedal(KeyDetector k) {
        int[][] chords = {{9, 0, 4}, {2, 5, 9}, {5, 9, 0}, {7, 11, 2}}; // Am Dm F G, pitch classes (C = 0)
        for (int rep = 0; rep < 10; rep++) {
            for (int[] chord : chords) {
                for (int b = 0; b < 4; b++) {
                    double[] profile = new double[120];
                    for (int pc : chord) {
                        profile[Math.floorMod(pc - 9, 12) * 10] += 16;
                    }
                    double[] bass = new double[120];
                    bass[0] = 16; // A
                    k.addBlock(profile, bass, 16, 0);
                }
            }
        }
        k.decide(0);
        return k.result();
    }

    @Test
    void theBassPedalNamesTheTonicOfAnAeolianLoop() {
        KeyEstimate withBass = aeolianLoopOverATonicPedal(new KeyDetector());
        KeyEstimate withoutBass = aeolianLoopOverATonicPedal(KeyDetector.withCues(false, false, true, true));
        assertEquals("A minor", withBass.tonic() + " " + withBass.mode(), () -> "got " + withBass);
        assertEquals("C major", withoutBass.tonic() + " " + withoutBass.mode(), () -> "got " + withoutBass);
    }
}
