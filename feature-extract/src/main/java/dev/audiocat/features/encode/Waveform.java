package dev.audiocat.features.encode;

/**
 * One channel of a deterministic test signal: the sample value is a pure function of the sample
 * index, so any stretch of a long signal can be rendered on its own, in any order, and always gives
 * the same numbers. Build them with {@link SignalGenerator} and combine them with the methods here.
 *
 * <p>{@link #render} computes a block at once and gives exactly the values of {@link #at}; the
 * waveforms made here override it so that a mix of a dozen parts costs a loop per part per block
 * instead of a dozen virtual calls per sample. Combined waveforms keep scratch buffers: use one
 * instance from one thread.
 */
@FunctionalInterface
public interface Waveform {

    /** The sample at index {@code n >= 0}, nominally in [-1, 1]. */
    double at(long n);

    /** Writes samples {@code [start, start + n)} into {@code out[offset .. offset + n)}; the same values as {@link #at}. */
    default void render(long start, double[] out, int offset, int n) {
        for (int i = 0; i < n; i++) {
            out[offset + i] = at(start + i);
        }
    }

    default Waveform plus(Waveform other) {
        return sum(this, other);
    }

    default Waveform times(double gain) {
        return new Waveforms.Gain(this, gain);
    }

    /** Multiplies sample by sample, e.g. by an envelope from {@link SignalGenerator#window}; skips this waveform where the envelope is 0. */
    default Waveform times(Waveform envelope) {
        return new Waveforms.Product(this, envelope);
    }

    /** Starts this waveform {@code frames} samples later, with silence before. */
    default Waveform delayed(long frames) {
        if (frames < 0) {
            throw new IllegalArgumentException("delay of " + frames + " frames must not be negative");
        }
        return new Waveforms.Delay(this, frames);
    }

    /**
     * Rounds every sample to the grid of a {@code bits}-bit integer format and clamps it to that
     * format's range (full scale is {@code 2^(bits-1)}), so a lossless encoder at that depth stores it
     * without loss and the decoded floats equal these values exactly.
     */
    default Waveform quantized(int bits) {
        if (bits < 2 || bits > 32) {
            throw new IllegalArgumentException("bits " + bits + " is out of range; use 2..32");
        }
        return new Waveforms.Quantized(this, bits);
    }

    /**
     * The same waveform, remembering its last rendered block: use it for a part that several channels
     * mix in, so each block of it is computed once for all of them.
     */
    default Waveform shared() {
        return new Waveforms.BlockCache(this);
    }

    static Waveform sum(Waveform... parts) {
        if (parts.length == 0) {
            throw new IllegalArgumentException("a sum needs at least one part");
        }
        return new Waveforms.Sum(parts.clone());
    }
}
