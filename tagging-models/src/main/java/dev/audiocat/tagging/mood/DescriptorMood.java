package dev.audiocat.tagging.mood;

/**
 * Arousal and valence from interpretable descriptors, without any labelled mood data. The formula
 * (also in the card {@code audiocat-mood-descriptors} and docs/models.md):
 *
 * <pre>
 * T = clamp((bpm - 110) / 40, -1.5, 1.5)              tempo (catalog bpm if known, else the flux autocorrelation)
 * O = clamp(ln((1 + onsets/s) / 3.5) / 0.6, -2, 2)    onset density
 * L = clamp((LUFS + 16) / 8, -2, 2)                   loudness (integrated LUFS if known, else mean frame power)
 * C = clamp((centroid_Hz - 1800) / 900, -2, 2)        brightness
 * M = clamp(mode_score / 0.3, -1, 1)                  major (+) vs minor (-) key-profile correlation; +-0.5 from the catalog key mode if known
 * D = clamp((roughness - 0.05) / 0.04, -2, 2)         sensory dissonance (Sethares roughness of the strongest partials)
 * arousal = tanh(0.35 T + 0.35 O + 0.30 L + 0.25 C)
 * valence = tanh(0.60 M - 0.35 D + 0.15 T + 0.10 C)
 * </pre>
 *
 * <p>Limits: the weights are set by hand from the music-psychology literature (tempo, loudness and
 * brightness raise arousal; major mode and consonance raise valence), not fitted to ratings, and
 * were only sanity-checked on a few tracks; lyrics, timbre and culture are ignored; a missing tempo
 * counts as neutral. Treat the numbers as a coarse sort key, not a measurement.
 */
public final class DescriptorMood {

    public static final String ID = "audiocat-mood-descriptors";
    public static final String VERSION = "1.0.0";

    private DescriptorMood() {
    }

    /**
     * @param d        descriptors from the analysis pass
     * @param lufs     integrated loudness from the catalog row, or null
     * @param bpm      tempo from the catalog row, or null
     * @param keyMode  {@code major} / {@code minor} from the catalog row, or null
     */
    public static MoodEstimate estimate(MoodDescriptors d, Double lufs, Double bpm, String keyMode) {
        double tempo = bpm != null && bpm > 0 ? bpm : d.tempoBpm();
        double t = Double.isNaN(tempo) ? 0 : clamp((tempo - 110) / 40, 1.5);
        double o = clamp(Math.log((1 + d.onsetRate()) / 3.5) / 0.6, 2);
        double l = lufs != null && !lufs.isNaN() ? clamp((lufs + 16) / 8, 2) : clamp((d.loudnessDb() + 16) / 8, 2);
        double c = clamp((d.centroidHz() - 1800) / 900, 2);
        double m = clamp(d.modeScore() / 0.3, 1);
        if ("major".equalsIgnoreCase(keyMode)) {
            m = clamp(0.5 * m + 0.5, 1);
        } else if ("minor".equalsIgnoreCase(keyMode)) {
            m = clamp(0.5 * m - 0.5, 1);
        }
        double diss = clamp((d.dissonance() - 0.05) / 0.04, 2);
        double arousal = Math.tanh(0.35 * t + 0.35 * o + 0.30 * l + 0.25 * c);
        double valence = Math.tanh(0.60 * m - 0.35 * diss + 0.15 * t + 0.10 * c);
        return new MoodEstimate(arousal, valence);
    }

    private static double clamp(double x, double limit) {
        return Double.isNaN(x) ? 0 : Math.max(-limit, Math.min(limit, x));
    }
}
