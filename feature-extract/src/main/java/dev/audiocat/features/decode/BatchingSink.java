package dev.audiocat.features.decode;

/**
 * Hands {@code next} blocks of a fixed size (the last one shorter) instead of the decoder's own,
 * which are one codec packet each (about 220 samples of 11025 Hz from a 20 ms Opus packet). The
 * samples and their order are unchanged, so a sink whose arithmetic ignores block boundaries gives
 * the same result (the landmark hashes, key, tempo, QC, PCM hash; LoudnessMeter's sums differ in the
 * last bits, as their order follows the blocks). What changes is the rhythm:
 * many frames' worth of decoding, then many frames' worth of analysis, each with its code and data
 * still in the caches. For the landmark path this took 2–10 % off the CPU time of decode + FFT +
 * landmarks (docs/benchmarks.md, "Indexing: batched PCM").
 */
public final class BatchingSink implements PcmSink {

    private final PcmSink next;
    private final int size;
    private float[][] buffer;
    private int filled;

    /** @param size samples per channel in each block handed on */
    public BatchingSink(PcmSink next, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("batch size must be positive, got " + size);
        }
        this.next = next;
        this.size = size;
    }

    @Override
    public void start(int sampleRate, int channelCount) {
        buffer = new float[channelCount][size];
        filled = 0;
        next.start(sampleRate, channelCount);
    }

    @Override
    public void accept(float[][] channels, int frames) {
        int i = 0;
        while (i < frames) {
            int take = Math.min(size - filled, frames - i);
            for (int c = 0; c < buffer.length; c++) {
                System.arraycopy(channels[c], i, buffer[c], filled, take);
            }
            filled += take;
            i += take;
            if (filled == size) {
                next.accept(buffer, size);
                filled = 0;
            }
        }
    }

    @Override
    public void finish() {
        if (filled > 0) {
            next.accept(buffer, filled);
            filled = 0;
        }
        next.finish();
    }
}
