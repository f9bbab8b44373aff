package dev.audiocat.features.dsp;

/**
 * One analysis frame of the mono analysis stream, with its magnitude spectrum.
 *
 * <p>A single instance is reused for every frame of a file (no per-frame allocation), so a
 * {@link FrameProcessor} must copy whatever it wants to keep after {@code process} returns.
 */
public final class Frame {

    /** Sample rate of {@link #samples} in Hz. */
    public final int sampleRate;
    /** Frame length in samples (also the FFT size). */
    public final int size;
    /** Hop between consecutive frames in samples. */
    public final int hop;
    /** Raw (unwindowed) samples; the tail of the last frame is zero. */
    public final float[] samples;
    /** |X(k)| of the Hann-windowed frame for k = 0..size/2, not normalised. */
    public final float[] magnitude;

    long index;
    long startSample;
    int validSamples;

    Frame(int sampleRate, int size, int hop) {
        this.sampleRate = sampleRate;
        this.size = size;
        this.hop = hop;
        this.samples = new float[size];
        this.magnitude = new float[size / 2 + 1];
    }

    /** 0-based frame number. */
    public long index() {
        return index;
    }

    /** Position of {@code samples[0]} in the stream. */
    public long startSample() {
        return startSample;
    }

    /** Start time of the frame in seconds. */
    public double startSeconds() {
        return startSample / (double) sampleRate;
    }

    /** How many of {@link #samples} are real audio (less than {@link #size} only for the last frame). */
    public int validSamples() {
        return validSamples;
    }

    /** Centre frequency of FFT bin {@code k} in Hz. */
    public double binHz(int k) {
        return k * (double) sampleRate / size;
    }
}
