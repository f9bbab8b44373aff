package dev.audiocat.tagging.frontend;

import dev.audiocat.features.AudioAnalyzer;
import java.io.Serializable;

/**
 * What a model expects as input: log-mel patches cut from the analysis pass's magnitude spectra.
 * Every field is written into the model card ({@code input} object) and checked at load.
 *
 * <p>Computation, per STFT frame of the analysis stream ({@link AudioAnalyzer#ANALYSIS_RATE} Hz mono,
 * {@link AudioAnalyzer#FRAME_SIZE}-point Hann window, hop {@link AudioAnalyzer#HOP}):
 * {@code power(k) = (|X(k)| / (nFft/4))^2} (a full-scale sine reads 1.0 in its bin), {@code mel(b) =
 * sum_k tri_b(k) * power(k)} with HTK-mel triangles of peak 1 between {@code fMin} and {@code fMax},
 * {@code x = (10*log10(max(mel, 1e-10)) - dbRef) / dbScale}. A patch is {@code patchFrames}
 * consecutive frames laid out {@code [melBands][patchFrames]} (row-major), consecutive patches start
 * {@code patchHop} frames apart.
 *
 * @param sampleRate  rate of the analysis stream, Hz (only 22050 is produced by the analysis pass)
 * @param nFft        STFT size (2048 in the analysis pass)
 * @param hop         STFT hop (512 in the analysis pass)
 * @param melBands    number of mel bands
 * @param fMin        lowest mel edge, Hz
 * @param fMax        highest mel edge, Hz
 * @param dbRef       dB value mapped to 0
 * @param dbScale     dB per unit of model input
 * @param patchFrames frames per patch
 * @param patchHop    frames between patch starts at inference
 */
public record FrontEndSpec(
        int sampleRate, int nFft, int hop, int melBands, double fMin, double fMax,
        double dbRef, double dbScale, int patchFrames, int patchHop) implements Serializable {

    /** The spec of the models audiocat ships: 64 bands 30 Hz–11025 Hz, 96-frame (2.23 s) patches. */
    public static final FrontEndSpec DEFAULT = new FrontEndSpec(
            AudioAnalyzer.ANALYSIS_RATE, AudioAnalyzer.FRAME_SIZE, AudioAnalyzer.HOP, 64, 30, 11025, -50, 25, 96, 96);

    public FrontEndSpec {
        if (melBands < 1 || melBands > nFft / 2) {
            throw new IllegalArgumentException("melBands must be in [1, " + nFft / 2 + "], got " + melBands);
        }
        if (!(fMin >= 0 && fMax > fMin && fMax <= sampleRate / 2.0)) {
            throw new IllegalArgumentException("need 0 <= fMin < fMax <= " + sampleRate / 2.0 + " Hz, got " + fMin + ".." + fMax);
        }
        if (patchFrames < 1 || patchHop < 1) {
            throw new IllegalArgumentException("patchFrames and patchHop must be >= 1, got " + patchFrames + ", " + patchHop);
        }
        if (!(dbScale > 0)) {
            throw new IllegalArgumentException("dbScale must be > 0, got " + dbScale);
        }
    }

    /** True when the analysis pass of {@link AudioAnalyzer} produces the frames this spec needs. */
    public boolean matchesAnalysisPass() {
        return sampleRate == AudioAnalyzer.ANALYSIS_RATE && nFft == AudioAnalyzer.FRAME_SIZE && hop == AudioAnalyzer.HOP;
    }

    /** Same spec with another patch hop (training cuts overlapping patches). */
    public FrontEndSpec withPatchHop(int newHop) {
        return new FrontEndSpec(sampleRate, nFft, hop, melBands, fMin, fMax, dbRef, dbScale, patchFrames, newHop);
    }

    /** Floats in one patch. */
    public int patchSize() {
        return melBands * patchFrames;
    }

    /** Model input value of digital silence. */
    public float silenceValue() {
        return (float) ((-100 - dbRef) / dbScale);
    }
}
