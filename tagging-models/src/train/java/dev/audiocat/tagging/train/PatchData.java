package dev.audiocat.tagging.train;

import dev.audiocat.features.dsp.FrameDispatcher;
import dev.audiocat.features.dsp.FrameProcessor;
import dev.audiocat.tagging.frontend.FrontEndSpec;
import dev.audiocat.tagging.frontend.PatchCollector;
import dev.audiocat.tagging.frontend.PatchSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Clips turned into model patches by exactly the runtime front end (the analysis pass's
 * {@link FrameDispatcher} feeding a {@link PatchCollector}); in training each clip first gets a
 * seeded {@link Augment production augmentation} (EQ, reverb, compression, noise, level).
 */
public final class PatchData {

    public final List<float[]> patches = new ArrayList<>();
    public final List<float[]> instruments = new ArrayList<>();
    public final List<Integer> content = new ArrayList<>();
    public final List<Integer> clipIndex = new ArrayList<>();

    /** Front end of one clip; {@code maxPatches} bounds how many patches a clip contributes. */
    public static PatchSet patchesOf(float[] samples, FrontEndSpec spec, int maxPatches) {
        PatchCollector collector = new PatchCollector(spec, maxPatches);
        FrameDispatcher d = new FrameDispatcher(spec.nFft(), spec.hop(), List.<FrameProcessor>of(collector));
        d.start(spec.sampleRate(), 1);
        d.accept(new float[][] {samples}, samples.length);
        d.finish();
        return collector.result();
    }

    public static PatchData of(List<Clip> clips, FrontEndSpec spec, int maxPatches, long seed, boolean augment) {
        return of(clips, spec, maxPatches, seed, augment, 0);
    }

    /** As above; augmented clips are also band-limited with probability {@code bandLimit} ({@link Augment}). */
    public static PatchData of(List<Clip> clips, FrontEndSpec spec, int maxPatches, long seed, boolean augment, double bandLimit) {
        Random rnd = new Random(seed);
        PatchData d = new PatchData();
        for (int c = 0; c < clips.size(); c++) {
            Clip clip = clips.get(c);
            float[] x = clip.samples();
            if (augment) {
                x = Augment.apply(x, rnd, bandLimit);
            }
            PatchSet ps = patchesOf(x, spec, maxPatches);
            for (int i = 0; i < ps.size(); i++) {
                if (ps.peakDb()[i] < -80 && i > 0) {
                    continue; // silent tail of a one-shot
                }
                d.patches.add(ps.patches()[i]);
                d.instruments.add(clip.instruments());
                d.content.add(clip.content());
                d.clipIndex.add(c);
            }
        }
        return d;
    }

    public int size() {
        return patches.size();
    }
}
