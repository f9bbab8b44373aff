package dev.audiocat.tagging.mood;

import java.io.Serializable;

/**
 * Interpretable descriptors of a whole file that the descriptor mood formula reads.
 *
 * @param tempoBpm        tempo from the autocorrelation of spectral flux, or NaN without a beat
 * @param tempoStrength   0..1, how periodic the onset envelope is at {@code tempoBpm}
 * @param onsetRate       detected onsets per second of non-silent audio
 * @param loudnessDb      mean power of non-silent frames, dB re full-scale sine
 * @param centroidHz      mean spectral centroid of non-silent frames, Hz
 * @param modeScore       correlation with the best major key profile minus the best minor one, -2..2
 * @param dissonance      mean Plomp-Levelt/Sethares roughness of the strongest partials, 0..~0.25
 * @param activeFraction  share of frames louder than -60 dB
 */
public record MoodDescriptors(
        double tempoBpm, double tempoStrength, double onsetRate, double loudnessDb,
        double centroidHz, double modeScore, double dissonance, double activeFraction) implements Serializable {
}
