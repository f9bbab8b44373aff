package dev.audiocat.tagging.frontend;

import dev.audiocat.features.dsp.Frame;
import dev.audiocat.features.dsp.FrameProcessor;
import java.util.Arrays;

/**
 * Analysis-pass stage that turns magnitude spectra into log-mel patches for a model, keeping at most
 * {@code maxPatches} of them whatever the file length.
 *
 * <p>Bounded selection: every patch is offered in order; a patch is kept when its offer number is a
 * multiple of the current stride. When the store overflows, every second kept patch is dropped and
 * the stride doubles, so the kept patches stay evenly spread over the whole file (a 3-hour transfer
 * keeps {@code maxPatches} patches, not three hours of them). A file shorter than one patch yields one
 * patch padded with silence.
 */
public final class PatchCollector implements FrameProcessor {

    private final FrontEndSpec spec;
    private final MelFilterbank mel;
    private final int maxPatches;
    // ring of the last patchFrames mel frames and their loudest band; preallocated, reused per frame
    private final float[][] ring;
    private final float[] ringPeak;
    // kept patches, plus one spare buffer so overflow never allocates
    private final float[][] kept;
    private final float[] keptPeak;
    private final long[] keptStart;
    private int keptCount;
    private long stride = 1;
    private long offers;
    private long frames;
    private boolean finished;

    public PatchCollector(FrontEndSpec spec, int maxPatches) {
        if (maxPatches < 1) {
            throw new IllegalArgumentException("maxPatches must be >= 1, got " + maxPatches);
        }
        this.spec = spec;
        this.mel = new MelFilterbank(spec);
        this.maxPatches = maxPatches;
        this.ring = new float[spec.patchFrames()][spec.melBands()];
        this.ringPeak = new float[spec.patchFrames()];
        this.kept = new float[maxPatches + 1][];
        this.keptPeak = new float[maxPatches + 1];
        this.keptStart = new long[maxPatches + 1];
    }

    @Override
    public void process(Frame frame) {
        if (frame.size != spec.nFft() || frame.hop != spec.hop() || frame.sampleRate != spec.sampleRate()) {
            throw new IllegalStateException("model input needs " + spec.sampleRate() + " Hz frames of " + spec.nFft()
                    + "/" + spec.hop() + ", the analysis pass gives " + frame.sampleRate + " Hz " + frame.size + "/" + frame.hop);
        }
        int slot = (int) (frames % spec.patchFrames());
        ringPeak[slot] = mel.apply(frame.magnitude, ring[slot]);
        frames++;
        if (frames >= spec.patchFrames() && (frames - spec.patchFrames()) % spec.patchHop() == 0) {
            offer(spec.patchFrames());
        }
    }

    @Override
    public void finish() {
        if (finished) {
            return;
        }
        finished = true;
        if (offers == 0) {
            offer((int) frames);
        }
    }

    /** The kept patches; call after {@link #finish()}. */
    public PatchSet result() {
        if (!finished) {
            throw new IllegalStateException("finish() has not been called");
        }
        float[][] p = new float[keptCount][];
        for (int i = 0; i < keptCount; i++) {
            p[i] = kept[i].clone();
        }
        return new PatchSet(spec, p, Arrays.copyOf(keptPeak, keptCount), Arrays.copyOf(keptStart, keptCount), frames);
    }

    /** Copies the last {@code valid} ring frames into a patch (silence after them) if the selection keeps it. */
    private void offer(int valid) {
        long n = offers++;
        if (n % stride != 0) {
            return;
        }
        if (kept[keptCount] == null) {
            kept[keptCount] = new float[spec.patchSize()];
        }
        float[] patch = kept[keptCount];
        int pf = spec.patchFrames();
        int bands = spec.melBands();
        long first = frames - valid;
        float peak = -100f;
        for (int t = 0; t < pf; t++) {
            if (t < valid) {
                int slot = (int) ((first + t) % pf);
                float[] col = ring[slot];
                for (int b = 0; b < bands; b++) {
                    patch[b * pf + t] = col[b];
                }
                peak = Math.max(peak, ringPeak[slot]);
            } else {
                float silence = spec.silenceValue();
                for (int b = 0; b < bands; b++) {
                    patch[b * pf + t] = silence;
                }
            }
        }
        keptPeak[keptCount] = peak;
        keptStart[keptCount] = first;
        keptCount++;
        if (keptCount > maxPatches) {
            // keep entries 0, 2, 4, ... (offer numbers that are multiples of 2*stride); recycle the rest
            int w = 0;
            for (int r = 0; r < keptCount; r += 2) {
                float[] tmp = kept[w];
                kept[w] = kept[r];
                kept[r] = tmp;
                keptPeak[w] = keptPeak[r];
                keptStart[w] = keptStart[r];
                w++;
            }
            keptCount = w;
            stride *= 2;
        }
    }
}
