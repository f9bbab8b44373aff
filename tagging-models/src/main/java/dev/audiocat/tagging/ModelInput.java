package dev.audiocat.tagging;

import dev.audiocat.tagging.frontend.PatchSet;
import dev.audiocat.tagging.mood.MoodDescriptors;
import java.io.Serializable;
import java.util.List;

/**
 * What the analysis pass hands to the tagging step for one file: bounded log-mel patches (one set per
 * distinct front-end spec among the loaded models) and the mood descriptors. A few hundred kB at most,
 * whatever the file length.
 */
public record ModelInput(List<PatchSet> patchSets, MoodDescriptors mood) implements Serializable {

    public ModelInput {
        patchSets = List.copyOf(patchSets);
    }
}
