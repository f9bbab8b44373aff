package dev.audiocat.tagging.train;

import dev.audiocat.features.dsp.FrameDispatcher;
import dev.audiocat.tagging.Tagger;
import dev.audiocat.tagging.TrackTags;
import dev.audiocat.tagging.frontend.FrontEndSpec;
import dev.audiocat.tagging.inference.InferenceDevice;
import dev.audiocat.tagging.registry.ModelRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Development validation of choices made at inference (a card's patch hop, its aggregation), measured
 * like the bench's first and third measures but on clips of the TRAINING soundfonts (FluidR3_GM,
 * MuseScore General) rendered with a seed of their own, so the bench's TimGM6mb clips stay unseen:
 * clip-level instrument macro ROC-AUC through the runtime path ({@link Tagger}), and "same family"
 * precision@10 beside the MFCC-statistics baseline. Each {@code --models} folder is one candidate.
 *
 * <pre>mvn -B -pl tagging-models -Ptrain compile exec:java -Dmodels.main=dev.audiocat.tagging.train.ClipCheck \
 *   -Dmodels.args="--models DIR_A,DIR_B"</pre>
 */
public final class ClipCheck {

    private ClipCheck() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = TrainMain.parse(args);
        Path work = Path.of(a.getOrDefault("out", System.getProperty("audiocat.home") + "/models-train"));
        long seed = Long.parseLong(a.getOrDefault("seed", "424242"));
        int clips = Integer.parseInt(a.getOrDefault("clips", "240"));
        // the bench's 0.5 by default; --clips 1200 --seed 20261123 --one-family-share 0.15 renders TrainMain's own clips (the fit)
        double oneFamily = Double.parseDouble(a.getOrDefault("one-family-share", "0.5"));
        String shares = oneFamily == 0.5 ? "" : "-f" + oneFamily;
        Files.createDirectories(work);
        ClipCache.preload(FrameDispatcher.class, FrontEndSpec.class, ClipCheck.class);
        long t0 = System.nanoTime();
        List<Clip> val = new ArrayList<>();
        // the bench's layout (20 % one-shots, half of the rest one family), two training soundfonts, unseen seeds
        val.addAll(ClipCache.get(work, "clipcheck-fluidr3-" + clips + "-" + seed + shares, () -> new MidiCorpus(
                Path.of("/usr/share/sounds/sf2/FluidR3_GM.sf2"), work).render("clipcheck-fluidr3", clips, seed, 0.2, oneFamily)));
        val.addAll(ClipCache.get(work, "clipcheck-musescore-" + clips + "-" + (seed + 1) + shares, () -> new MidiCorpus(
                Path.of("/usr/share/sounds/sf3/MuseScore_General.sf3"), work).render("clipcheck-musescore", clips, seed + 1, 0.2, oneFamily)));
        TrainMain.log(t0, "%d validation clips rendered", val.size());
        for (String dir : a.get("models").split(",")) {
            ModelRegistry registry = ModelRegistry.load(List.of(Path.of(dir)), work.resolve("model-cache"));
            try (Tagger tagger = Tagger.open(registry, InferenceDevice.CPU, 0, System.err::println)) {
                List<float[]> mfcc = new ArrayList<>();
                List<TrackTags> tags = BenchMain.tagClips(tagger, val, mfcc);
                BenchMain.instrumentAuc(tags, val.stream().map(Clip::instruments).toList(), dir + " " + tagger.modelRefs() + " validation clips", t0);
                BenchMain.OneFamily one = BenchMain.OneFamily.of(val, tags, mfcc);
                TrainMain.log(t0, "%s: same family P@10 %.4f (%d one-family clips), MFCC statistics %.4f", dir,
                        BenchMain.precisionAtK(one.embedding(), one.family()), one.family().size(),
                        BenchMain.precisionAtK(BenchMain.standardise(one.mfcc()), one.family()));
            }
        }
    }
}
