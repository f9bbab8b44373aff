package dev.audiocat.features.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.audiocat.features.AudioAnalyzer;
import dev.audiocat.features.loudness.LoudnessResult;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Loudness range (EBU Tech 3342) from the lead's LoudnessMeter against FFmpeg's ebur128 filter on the
 * same file: {@code ffmpeg -nostats -i F -af ebur128 -f null -} (summary "LRA: x LU", one decimal).
 */
class LoudnessRangeTest {

    @TempDir
    Path dir;

    /** Pink-ish noise in sections of 8 s at the given levels (dBFS RMS), stereo, 48 kHz. */
    static float[][] sections(double... levelsDb) {
        int rate = 48000;
        int per = 8 * rate;
        float[][] x = new float[2][per * levelsDb.length];
        Random r = new Random(17);
        double b0 = 0;
        double b1 = 0;
        for (int s = 0; s < levelsDb.length; s++) {
            double g = Math.pow(10, levelsDb[s] / 20) * 2.5;
            for (int i = 0; i < per; i++) {
                double w = r.nextGaussian();
                b0 = 0.99 * b0 + 0.1 * w;  // a gentle low-pass tilt: more like programme than white noise
                b1 = 0.6 * b1 + 0.4 * w;
                double v = g * (0.5 * b0 + 0.5 * b1) / 1.0;
                x[0][s * per + i] = (float) v;
                x[1][s * per + i] = (float) (0.8 * v + 0.2 * g * r.nextGaussian() * 0.3);
            }
        }
        return x;
    }

    @ParameterizedTest(name = "sections at {0}")
    @CsvSource(delimiter = ';', value = {"-20 -30 -15 -25", "-18 -18 -18", "-12 -40 -24 -30 -16"})
    void loudnessRangeMatchesFfmpegEbur128(String levels) throws Exception {
        String[] parts = levels.trim().split(" ");
        double[] db = new double[parts.length];
        for (int i = 0; i < db.length; i++) {
            db[i] = Double.parseDouble(parts[i]);
        }
        Path f = dir.resolve("lra.wav");
        TestAudio.writeWav(f, 48000, sections(db));
        LoudnessResult ours = AudioAnalyzer.builder().build().analyze(f).loudness();

        Process p = new ProcessBuilder("ffmpeg", "-nostats", "-hide_banner", "-i", f.toString(), "-af", "ebur128", "-f", "null", "-")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        Matcher lra = Pattern.compile("LRA:\\s+(-?[0-9.]+) LU").matcher(out.substring(out.lastIndexOf("Summary:")));
        Matcher integrated = Pattern.compile("I:\\s+(-?[0-9.]+) LUFS").matcher(out.substring(out.lastIndexOf("Summary:")));
        assertTrue(lra.find() && integrated.find(), out);
        // ffmpeg prints one decimal: agreement within rounding plus 0.1 LU
        assertEquals(Double.parseDouble(lra.group(1)), ours.loudnessRangeLu(), 0.15, "LRA vs ffmpeg ebur128");
        assertEquals(Double.parseDouble(integrated.group(1)), ours.integratedLufs(), 0.15, "I vs ffmpeg ebur128");
    }
}
