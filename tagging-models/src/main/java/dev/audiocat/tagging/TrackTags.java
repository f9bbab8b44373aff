package dev.audiocat.tagging;

import java.io.Serializable;
import java.util.List;

/**
 * Everything the tagging step learned about one file; fields a loaded model does not provide are null.
 *
 * @param embedding       L2-normalised mean of patch embeddings
 * @param embeddingModel  {@code id@version} of the embedding model
 * @param instruments     instrument families with scores, highest first
 * @param contentClass    argmax of {@code contentScores}
 * @param contentScores   speech / music / other probabilities
 * @param moods           mood quadrant tags with scores (sum to 1), highest first
 * @param arousal         -1..1
 * @param valence         -1..1
 * @param modelVersions   {@code id@version} of every model that contributed
 * @param patches         patches that were run through the models
 */
public record TrackTags(
        float[] embedding, String embeddingModel, List<LabelScore> instruments, String contentClass,
        List<LabelScore> contentScores, List<LabelScore> moods, Double arousal, Double valence,
        List<String> modelVersions, int patches) implements Serializable {
}
