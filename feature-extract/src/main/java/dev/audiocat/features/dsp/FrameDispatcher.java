package dev.audiocat.features.dsp;

import dev.audiocat.features.decode.PcmSink;
import java.util.List;

/**
 * Cuts the mono analysis stream into overlapping frames, computes one magnitude spectrum per frame
 * and hands both to every {@link FrameProcessor}.
 *
 * <p>Framing, documented once here: frame {@code k} covers samples {@code [k*hop, k*hop + size)};
 * there is no padding before the first sample; the last frame that holds at least one new sample is
 * zero-padded at its end; a stream shorter than one frame yields one zero-padded frame. The spectrum
 * is {@code |FFT(hann(size) * samples)|}.
 */
public final class FrameDispatcher implements PcmSink {

    private final int size;
    private final int hop;
    private final List<FrameProcessor> processors;
    private final float[] window;
    private final float[] windowed;
    private final float[] ring;      // the current frame being filled
    private RealFft fft; // native buffers: set up by start(), released by finish()
    private Frame frame;
    private int filled;
    private long nextStart;
    private long frames;
    private boolean pendingNewSamples;

    public FrameDispatcher(int size, int hop, List<FrameProcessor> processors) {
        if (size < 2 || Integer.bitCount(size) != 1) {
            throw new IllegalArgumentException("frame size must be a power of two >= 2, got " + size);
        }
        if (hop < 1 || hop > size) {
            throw new IllegalArgumentException("hop must be in [1, " + size + "], got " + hop);
        }
        this.size = size;
        this.hop = hop;
        this.processors = List.copyOf(processors);
        this.window = new float[size];
        for (int i = 0; i < size; i++) {
            window[i] = (float) (0.5 - 0.5 * Math.cos(2 * Math.PI * i / size));
        }
        this.windowed = new float[size];
        this.ring = new float[size];
    }

    @Override
    public void start(int sampleRate, int channelCount) {
        if (channelCount != 1) {
            throw new IllegalArgumentException("FrameDispatcher takes the mono analysis stream, got " + channelCount + " channels");
        }
        frame = new Frame(sampleRate, size, hop);
        if (fft == null) {
            fft = new RealFft(size);
        }
        filled = 0;
        nextStart = 0;
        frames = 0;
        pendingNewSamples = false;
    }

    @Override
    public void accept(float[][] channels, int n) {
        float[] in = channels[0];
        int i = 0;
        while (i < n) {
            int take = Math.min(size - filled, n - i);
            System.arraycopy(in, i, ring, filled, take);
            filled += take;
            i += take;
            pendingNewSamples = true;
            if (filled == size) {
                emit(size);
                System.arraycopy(ring, hop, ring, 0, size - hop);
                filled = size - hop;
                pendingNewSamples = false;
            }
        }
    }

    @Override
    public void finish() {
        if (pendingNewSamples || frames == 0) {
            int valid = filled;
            java.util.Arrays.fill(ring, filled, size, 0f);
            emit(valid);
        }
        if (fft != null) {
            fft.close();
            fft = null;
        }
        for (FrameProcessor p : processors) {
            p.finish();
        }
    }

    /** Frames emitted so far. */
    public long frameCount() {
        return frames;
    }

    private void emit(int valid) {
        System.arraycopy(ring, 0, frame.samples, 0, size);
        for (int i = 0; i < size; i++) {
            windowed[i] = ring[i] * window[i];
        }
        fft.magnitudes(windowed, frame.magnitude);
        frame.index = frames;
        frame.startSample = nextStart;
        frame.validSamples = valid;
        for (FrameProcessor p : processors) {
            p.process(frame);
        }
        frames++;
        nextStart += hop;
    }
}
