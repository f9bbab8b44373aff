package dev.audiocat.features.encode;

/**
 * One channel of a deterministic test signal: the sample value is a pure function of the sample
 * index, so any stretch of a long signal can be rendered on its own, in any order, and always gives
 * the same numbers. Build them with {@link SignalGenerator} and combine them with the methods here.
 */
@FunctionalInterface
public interface Waveform {

    /** The sample at index {@code n >= 0}, nominally in [-1, 1]. */
    double at(long n);

    default Waveform plus(Waveform other) {
        return n -> at(n) + other.at(n);
    }

    default Waveform times(double gain) {
        return n -> at(n) * gain;
    }

    /** Multiplies sample by sample, e.g. by an envelope from {@link SignalGenerator#window}. */
    default Waveform times(Waveform envelope) {
        return n -> {
            double e = envelope.at(n);
            return e == 0.0 ? 0.0 : at(n) * e; // skips the work where the envelope is closed
        };
    }

    /** Starts this waveform {@code frames} samples later, with silence before. */
    default Waveform delayed(long frames) {
        return n -> n < frames ? 0.0 : at(n - frames);
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
        double scale = Math.scalb(1.0, bits - 1);
        double max = scale - 1;
        // "+ 0.0" turns -0.0 into 0.0, which is what an integer sample decodes to
        return n -> (Math.max(-scale, Math.min(max, Math.rint(at(n) * scale))) + 0.0) / scale;
    }

    static Waveform sum(Waveform... parts) {
        Waveform[] copy = parts.clone();
        return n -> {
            double s = 0;
            for (Waveform w : copy) {
                s += w.at(n);
            }
            return s;
        };
    }
}
