package dev.audiocat.tagging.train;

import java.util.Random;

/**
 * SpecAugment-style masking of log-mel training patches (Park et al. 2019, "SpecAugment: A Simple Data
 * Augmentation Method for Automatic Speech Recognition"): {@link #FREQ_MASKS} bands of up to
 * {@link #MAX_FREQ_WIDTH} mel bands and {@link #TIME_MASKS} spans of up to {@link #MAX_TIME_FRACTION}
 * of the patch's frames are set to the patch's mean. Training only (applied to the rows of a training
 * batch, each row its own draw); never at inference and not part of the exported graph.
 *
 * <p>The front end has no per-patch normalisation ({@code x = (dB - dbRef) / dbScale} on a fixed scale),
 * so the paper's "0 after mean normalisation" is the mean of the unmasked patch here. Widths are drawn
 * uniformly in {@code 0..max} and starts uniformly where the mask fits; masks may overlap.
 */
public final class SpecAugment {

    public static final int FREQ_MASKS = 2;
    public static final int MAX_FREQ_WIDTH = 8;
    public static final int TIME_MASKS = 2;
    public static final double MAX_TIME_FRACTION = 0.10;

    private SpecAugment() {
    }

    /**
     * Masks {@code patch} (laid out {@code [mels][frames]}, row-major) in place with draws from
     * {@code rnd}; returns the mask value (the patch mean before masking).
     */
    public static float apply(float[] patch, int mels, int frames, Random rnd) {
        if (patch.length != mels * frames) {
            throw new IllegalArgumentException("patch has " + patch.length + " values, expected " + mels + " x " + frames);
        }
        double sum = 0;
        for (float v : patch) {
            sum += v;
        }
        float mean = (float) (sum / patch.length);
        for (int m = 0; m < FREQ_MASKS; m++) {
            int w = rnd.nextInt(Math.min(MAX_FREQ_WIDTH, mels) + 1);
            int b0 = rnd.nextInt(mels - w + 1);
            for (int b = b0; b < b0 + w; b++) {
                java.util.Arrays.fill(patch, b * frames, (b + 1) * frames, mean);
            }
        }
        int maxT = (int) Math.floor(MAX_TIME_FRACTION * frames);
        for (int m = 0; m < TIME_MASKS; m++) {
            int w = rnd.nextInt(maxT + 1);
            int t0 = rnd.nextInt(frames - w + 1);
            for (int b = 0; b < mels; b++) {
                java.util.Arrays.fill(patch, b * frames + t0, b * frames + t0 + w, mean);
            }
        }
        return mean;
    }

    /** One-line description for the model card. */
    public static String describe(int mels, int frames) {
        return String.format(java.util.Locale.ROOT, "SpecAugment masking of every training patch (%d frequency masks of 0-%d of %d mel bands, "
                + "%d time masks of 0-%d of %d frames, set to the patch mean; independent draws for the two patches of a pair; "
                + "training only); ", FREQ_MASKS, MAX_FREQ_WIDTH, mels, TIME_MASKS, (int) Math.floor(MAX_TIME_FRACTION * frames), frames);
    }
}
