package dev.audiocat.features.tonal;

/**
 * The estimated key of a piece.
 *
 * @param tonic       pitch class name with sharps: {@code C, C#, D, D#, E, F, F#, G, G#, A, A#, B}
 * @param mode        {@code major} or {@code minor}; null when nothing sounds a third over the tonic (a single
 *                    note, a power chord: the tonic is then its root, at confidence 0 for a note)
 * @param confidence  0..1, how clearly this key beats the runner-up
 * @param tuningHz    estimated concert pitch of A4 (440 when the recording is at standard pitch)
 */
public record KeyEstimate(String tonic, String mode, double confidence, double tuningHz) {
}
