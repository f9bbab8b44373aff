package dev.audiocat.tagging.train;

import dev.audiocat.features.dsp.FrameDispatcher;
import dev.audiocat.tagging.frontend.FrontEndSpec;
import dev.audiocat.tagging.inference.InferenceDevice;
import dev.audiocat.tagging.inference.OnnxModel;
import dev.audiocat.tagging.registry.ModelCard;
import dev.audiocat.tagging.registry.ModelRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Validation of a model's embedding on real music that is not the bench's: "same track" precision@10
 * between 10-s excerpts of the validation tracks of {@link RealMusicCorpus} (every fifth track of the
 * training music packages, never trained on), beside the bench's MFCC statistics. For choosing
 * between models without looking at the bench's warzone2100 tracks.
 *
 * <pre>mvn -B -pl tagging-models -Ptrain compile exec:java -Dmodels.main=dev.audiocat.tagging.train.RealMusicCheck \
 *   -Dmodels.args="--card DIR/audiocat-tagger-X.json"</pre>
 */
public final class RealMusicCheck {

    private RealMusicCheck() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = TrainMain.parse(args);
        Path work = Path.of(a.getOrDefault("out", System.getProperty("audiocat.home", System.getProperty("user.home") + "/.audiocat") + "/models-train"));
        Files.createDirectories(work);
        ClipCache.preload(FrameDispatcher.class, FrontEndSpec.class, RealMusicCheck.class);
        long t0 = System.nanoTime();
        List<Path> tracks = RealMusicCorpus.tracks(work);
        List<Clip> val = ClipCache.get(work, "realmusic-val-" + tracks.size(), () -> RealMusicCorpus.validationExcerpts(tracks));
        Map<FrontEndSpec, RealMusicCorpus.Check> checks = new java.util.HashMap<>();
        for (String c : a.get("card").split(",")) {
            Path cardFile = Path.of(c);
            ModelCard card = ModelRegistry.readCard(cardFile);
            // each card's own front end (patch size and hop), as at inference
            RealMusicCorpus.Check check = checks.computeIfAbsent(card.input().frontEnd(), s -> new RealMusicCorpus.Check(val, s));
            TrainMain.log(t0, "%d validation excerpts of %d tracks (%d tracks in the packages), patch hop %d; MFCC statistics same-track P@10 %.4f",
                    check.trackOf.size(), check.tracks, tracks.size(), card.input().patchHop(), check.mfccBaseline);
            try (OnnxModel ort = OnnxModel.load(card, cardFile.resolveSibling(card.weights()), InferenceDevice.CPU, 0)) {
                float[][] emb = TrainMain.run(ort, check.patches, check.rows)[2];
                TrainMain.log(t0, "%s@%s: same-track P@10 %.4f (MFCC %.4f)", card.id(), card.version(), check.sameTrack(emb), check.mfccBaseline);
            }
        }
    }
}
