package dev.audiocat.tagging;

import java.io.Serializable;

/** A label with its score in 0..1. */
public record LabelScore(String label, double score) implements Serializable {
}
