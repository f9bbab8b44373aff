package dev.audiocat.features.rhythm;

/**
 * The estimated tempo of a piece.
 *
 * @param bpm                beats per minute, or {@code null} when there is no stable tempo
 * @param confidence         0..1
 * @param beatOffsetSeconds  time of the first beat of the grid, or {@code null} with no stable tempo
 * @param stable             false for ambience, speech, single hits: material without a beat
 */
public record TempoEstimate(Double bpm, double confidence, Double beatOffsetSeconds, boolean stable) {
}
