package dev.audiocat.features.decode;

/**
 * Receives decoded PCM in blocks, in order, exactly once per file.
 *
 * <p>Blocks are planar float in [-1, 1]: {@code channels[c][i]} for {@code i < frames}. The arrays
 * are owned by the caller and reused for the next block, so a sink must copy what it keeps.
 */
public interface PcmSink {

    /** A sink that ignores everything (decode for timing, or one of two outputs not wanted). */
    PcmSink DISCARD = new PcmSink() {
        @Override
        public void start(int sampleRate, int channelCount) {
        }

        @Override
        public void accept(float[][] channels, int frames) {
        }

        @Override
        public void finish() {
        }
    };

    /** Called once before the first block. */
    void start(int sampleRate, int channelCount);

    /** One block of {@code frames} samples per channel. */
    void accept(float[][] channels, int frames);

    /** Called once after the last block (also for a file with no samples). */
    void finish();
}
