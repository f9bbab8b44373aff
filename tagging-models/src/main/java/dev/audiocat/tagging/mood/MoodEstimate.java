package dev.audiocat.tagging.mood;

/** Arousal and valence in -1..1. */
public record MoodEstimate(double arousal, double valence) {
}
