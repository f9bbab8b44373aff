package dev.audiocat.tagging;

import dev.audiocat.features.dsp.FrameProcessor;
import dev.audiocat.tagging.frontend.FrontEndSpec;
import dev.audiocat.tagging.frontend.PatchCollector;
import dev.audiocat.tagging.frontend.PatchSet;
import dev.audiocat.tagging.mood.MoodFeatureStage;
import java.util.ArrayList;
import java.util.List;

/**
 * The analysis-pass stages that prepare one file for tagging. Create one per file, pass
 * {@link #stages()} to {@code AudioAnalyzer.analyze(file, stages)}, then read {@link #result()}.
 */
public final class ModelInputCollector {

    private final List<PatchCollector> patchers = new ArrayList<>();
    private final MoodFeatureStage mood = new MoodFeatureStage();

    /**
     * @param specs      distinct front ends of the loaded models
     * @param maxPatches patches kept per spec and file (evenly spread over the file)
     */
    public ModelInputCollector(List<FrontEndSpec> specs, int maxPatches) {
        for (FrontEndSpec s : specs) {
            patchers.add(new PatchCollector(s, maxPatches));
        }
    }

    public List<FrameProcessor> stages() {
        List<FrameProcessor> all = new ArrayList<>(patchers);
        all.add(mood);
        return all;
    }

    public ModelInput result() {
        List<PatchSet> sets = new ArrayList<>();
        for (PatchCollector p : patchers) {
            sets.add(p.result());
        }
        return new ModelInput(sets, mood.result());
    }
}
