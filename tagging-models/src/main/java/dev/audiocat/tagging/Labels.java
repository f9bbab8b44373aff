package dev.audiocat.tagging;

import java.util.List;

/** Label vocabularies of the models audiocat ships (documented in docs/models.md and docs/catalog-schema.md). */
public final class Labels {

    /** Instrument families, in the order of the shipped model's {@code instruments} output. */
    public static final List<String> INSTRUMENTS = List.of(
            "drums", "tuned_percussion", "bass", "guitar", "keys", "strings", "brass", "woodwinds", "synth", "voice");

    /** Content classes, in the order of the shipped model's {@code content} output. */
    public static final List<String> CONTENT = List.of("speech", "music", "other");

    /** Mood quadrants of the arousal/valence plane: (+a,+v), (+a,-v), (-a,-v), (-a,+v). */
    public static final List<String> MOODS = List.of("energetic", "tense", "melancholic", "calm");

    private Labels() {
    }
}
