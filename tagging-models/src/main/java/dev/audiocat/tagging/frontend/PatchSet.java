package dev.audiocat.tagging.frontend;

import java.io.Serializable;

/**
 * Log-mel patches of one file for one {@link FrontEndSpec}, at most a bounded number, spread evenly
 * over the whole file.
 *
 * @param spec        how the patches were computed
 * @param patches     each {@code spec.patchSize()} floats, {@code [melBands][patchFrames]}
 * @param peakDb      loudest mel band of each patch, dB (silent patches can be skipped)
 * @param startFrames first STFT frame of each patch
 * @param frames      STFT frames seen in the file
 */
public record PatchSet(FrontEndSpec spec, float[][] patches, float[] peakDb, long[] startFrames, long frames)
        implements Serializable {

    public int size() {
        return patches.length;
    }
}
