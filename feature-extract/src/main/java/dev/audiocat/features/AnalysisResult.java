package dev.audiocat.features;

import dev.audiocat.features.decode.AudioProbe;
import dev.audiocat.features.fingerprint.LandmarkHashes;
import dev.audiocat.features.loudness.LoudnessResult;
import dev.audiocat.features.quality.QcFlag;
import dev.audiocat.features.rhythm.TempoEstimate;
import dev.audiocat.features.tonal.KeyEstimate;
import java.util.List;

/**
 * Everything one pass over a file learned about it. Fields for analyses not yet run are {@code null}.
 *
 * @param assetId          SHA-256 of the file bytes, hex
 * @param audioId          SHA-256 of the decoded mono analysis stream (16-bit, {@link AudioAnalyzer#ANALYSIS_RATE}), hex
 * @param sizeBytes        file size
 * @param probe            container-level facts and tags
 * @param durationSeconds  decoded duration (native frames / native rate)
 * @param loudness         EBU R128 figures
 * @param key              key estimate, or null
 * @param tempo            tempo estimate, or null
 * @param qcFlags          quality flags, or null when QC did not run
 * @param chromaprint      Chromaprint-compatible fingerprint (AcoustID base64), or null
 * @param landmarks        robust excerpt fingerprint (landmark hashes) for the reference check, or null
 * @param analysisMillis   wall time of hashing, decoding and analysis
 */
public record AnalysisResult(
        String assetId,
        String audioId,
        long sizeBytes,
        AudioProbe probe,
        double durationSeconds,
        LoudnessResult loudness,
        KeyEstimate key,
        TempoEstimate tempo,
        List<QcFlag> qcFlags,
        String chromaprint,
        LandmarkHashes landmarks,
        long analysisMillis) {
}
