package dev.audiocat.features.fingerprint;

/**
 * The polyphase int16 resampler that libchromaprint runs inside {@code chromaprint_feed} when the
 * caller's sample rate is not 11025 Hz: FFmpeg's old {@code av_resample} (2009) as bundled in
 * Chromaprint, with Chromaprint's parameters (16 taps at the output rate, 2^10 phases, no linear
 * interpolation between phases, cutoff 0.8, Kaiser window beta 9, Q15 coefficients).
 *
 * <p>Written from the algorithm's description; the arithmetic (double filter design rounded to float
 * then to int16, int32 accumulation, rounding shift and saturation) follows the original step by step
 * so that the output is bit-identical.
 */
final class ChromaprintResampler {

    private static final int FILTER_SHIFT = 15;
    private static final int KAISER_BETA = 9;

    private final int phaseShift;
    private final int phaseMask;
    private final int filterLength;
    private final short[] filterBank;
    private final int srcIncr;
    private final int dstIncr;
    private int index;
    private int frac;

    ChromaprintResampler(int outRate, int inRate) {
        this(outRate, inRate, 16, 10, 0.8);
    }

    ChromaprintResampler(int outRate, int inRate, int filterSize, int phaseShift, double cutoff) {
        double factor = Math.min(outRate * cutoff / inRate, 1.0);
        int phaseCount = 1 << phaseShift;
        this.phaseShift = phaseShift;
        this.phaseMask = phaseCount - 1;
        this.filterLength = Math.max((int) Math.ceil(filterSize / factor), 1);
        this.filterBank = new short[filterLength * (phaseCount + 1)];
        buildFilter(filterBank, factor, filterLength, phaseCount, 1 << FILTER_SHIFT, KAISER_BETA);
        System.arraycopy(filterBank, 0, filterBank, filterLength * phaseCount + 1, filterLength - 1);
        filterBank[filterLength * phaseCount] = filterBank[filterLength - 1];
        this.srcIncr = outRate;
        this.dstIncr = inRate * phaseCount;
        this.index = -phaseCount * ((filterLength - 1) / 2);
    }

    /** Zeroth-order modified Bessel function of the first kind, by its power series (49 terms). */
    private static double bessel(double x) {
        double v = 1;
        double t = 1;
        x = x * x / 4;
        for (int i = 1; i < 50; i++) {
            t *= x / (i * i);
            v += t;
        }
        return v;
    }

    private static void buildFilter(short[] filter, double factor, int tapCount, int phaseCount, int scale, int beta) {
        double[] tab = new double[tapCount];
        int center = (tapCount - 1) / 2;
        if (factor > 1.0) {
            factor = 1.0;
        }
        for (int ph = 0; ph < phaseCount; ph++) {
            double norm = 0;
            for (int i = 0; i < tapCount; i++) {
                double x = Math.PI * ((double) (i - center) - (double) ph / phaseCount) * factor;
                double y = x == 0 ? 1.0 : Math.sin(x) / x;
                double w = 2.0 * x / (factor * tapCount * Math.PI);
                y *= bessel(beta * Math.sqrt(Math.max(1 - w * w, 0)));
                tab[i] = y;
                norm += y;
            }
            for (int i = 0; i < tapCount; i++) {
                // lrintf: the double is rounded to float first, then to the nearest integer (ties to even)
                long v = (long) Math.rint((float) (tab[i] * scale / norm));
                filter[ph * tapCount + i] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, v));
            }
        }
    }

    /**
     * Resamples as much of {@code src[0..srcSize)} as the filter can see, writing at most
     * {@code dstSize} samples. Returns the number written; {@code consumed[0]} receives how many
     * input samples may be dropped from the front before the next call.
     */
    int resample(short[] dst, short[] src, int[] consumed, int srcSize, int dstSize) {
        int idx = this.index;
        int fr = this.frac;
        int dstIncrFrac = dstIncr % srcIncr;
        int dstIncrInt = dstIncr / srcIncr;
        int dstIndex;
        for (dstIndex = 0; dstIndex < dstSize; dstIndex++) {
            int filterOffset = filterLength * (idx & phaseMask);
            int sampleIndex = idx >> phaseShift;
            int val = 0;
            if (sampleIndex < 0) {
                for (int i = 0; i < filterLength; i++) {
                    val += src[Math.abs(sampleIndex + i) % srcSize] * filterBank[filterOffset + i];
                }
            } else if (sampleIndex + filterLength > srcSize) {
                break;
            } else {
                for (int i = 0; i < filterLength; i++) {
                    val += src[sampleIndex + i] * filterBank[filterOffset + i];
                }
            }
            val = (val + (1 << (FILTER_SHIFT - 1))) >> FILTER_SHIFT;
            dst[dstIndex] = (short) (Integer.compareUnsigned(val + 32768, 65535) > 0 ? (val >> 31) ^ 32767 : val);
            fr += dstIncrFrac;
            idx += dstIncrInt;
            if (fr >= srcIncr) {
                fr -= srcIncr;
                idx++;
            }
        }
        consumed[0] = Math.max(idx, 0) >> phaseShift;
        if (idx >= 0) {
            idx &= phaseMask;
        }
        this.frac = fr;
        this.index = idx;
        return dstIndex;
    }
}
