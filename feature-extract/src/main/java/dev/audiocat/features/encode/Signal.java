package dev.audiocat.features.encode;

import java.util.Objects;

/**
 * A multichannel test signal of known length: one {@link Waveform} per channel at a sample rate.
 * Rendering keeps a scratch buffer: use one instance from one thread.
 */
public final class Signal {

    private final int sampleRate;
    private final long frames;
    private final Waveform[] channels;
    private double[] scratch = new double[0];

    private Signal(int sampleRate, long frames, Waveform[] channels) {
        this.sampleRate = sampleRate;
        this.frames = frames;
        this.channels = channels;
    }

    /**
     * @param sampleRate Hz, positive
     * @param frames     samples per channel, at least 0
     * @param channels   one waveform per channel, at least one
     */
    public static Signal of(int sampleRate, long frames, Waveform... channels) {
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sampleRate " + sampleRate + " Hz must be positive");
        }
        if (frames < 0) {
            throw new IllegalArgumentException("frames " + frames + " must not be negative");
        }
        if (channels.length == 0) {
            throw new IllegalArgumentException("a signal needs at least one channel");
        }
        for (Waveform w : channels) {
            Objects.requireNonNull(w, "channel waveform");
        }
        return new Signal(sampleRate, frames, channels.clone());
    }

    public int sampleRate() {
        return sampleRate;
    }

    public long frames() {
        return frames;
    }

    public int channels() {
        return channels.length;
    }

    public double seconds() {
        return frames / (double) sampleRate;
    }

    public Waveform channel(int c) {
        return channels[c];
    }

    /** Writes samples {@code [start, start + n)} of every channel into {@code out[c][0..n)}. */
    public void render(long start, float[][] out, int n) {
        if (start < 0 || n < 0 || start + n > frames) {
            throw new IllegalArgumentException("render of " + n + " frames at " + start + " is outside the signal's " + frames + " frames");
        }
        if (scratch.length < n) {
            scratch = new double[n];
        }
        for (int c = 0; c < channels.length; c++) {
            channels[c].render(start, scratch, 0, n);
            float[] row = out[c];
            for (int i = 0; i < n; i++) {
                row[i] = (float) scratch[i];
            }
        }
    }

    /** The whole signal as planar arrays; for short signals only (tests). */
    public float[][] toArrays() {
        if (frames > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("signal of " + frames + " frames is too long for arrays; render it in blocks");
        }
        float[][] out = new float[channels.length][(int) frames];
        render(0, out, (int) frames);
        return out;
    }
}
