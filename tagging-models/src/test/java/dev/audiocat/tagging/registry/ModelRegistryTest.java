package dev.audiocat.tagging.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.audiocat.tagging.ModelInput;
import dev.audiocat.tagging.Tagger;
import dev.audiocat.tagging.TrackTags;
import dev.audiocat.tagging.frontend.PatchSet;
import dev.audiocat.tagging.inference.InferenceDevice;
import dev.audiocat.tagging.mood.MoodDescriptors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelRegistryTest {

    @TempDir
    Path dir;

    private ModelRegistry.Entry tagger(ModelRegistry r) {
        return r.entries().stream().filter(e -> e.card().id().equals("audiocat-tagger")).findFirst().orElseThrow();
    }

    @Test
    void builtInModelsAreVerifiedAndDescribed() throws IOException {
        ModelRegistry r = ModelRegistry.builtIn(dir.resolve("cache"));
        ModelRegistry.Entry t = tagger(r);
        assertEquals(ModelRegistry.sha256(t.weights()), t.card().sha256());
        assertTrue(Files.size(t.weights()) < 20_000_000);
        assertEquals(22050, t.card().input().sampleRate());
        assertEquals(List.of("instruments", "content", "embedding"), t.card().outputs().stream().map(ModelCard.Output::role).toList());
        assertNotNull(t.card().trainingData());
        assertTrue(t.card().trainingData().stream().allMatch(s -> s.license() != null && !s.license().isBlank()));
        assertTrue(r.entries().stream().anyMatch(e -> e.card().kind().equals(ModelCard.DESCRIPTOR_FORMULA)));
    }

    @Test
    void weightsThatDoNotMatchTheCardAreRefusedNamingTheFile() throws IOException {
        ModelRegistry.Entry t = tagger(ModelRegistry.builtIn(dir.resolve("cache")));
        Path folder = Files.createDirectories(dir.resolve("models"));
        Path onnx = folder.resolve(t.card().weights());
        byte[] bytes = Files.readAllBytes(t.weights());
        bytes[bytes.length / 2] ^= 1;
        Files.write(onnx, bytes);
        ModelRegistry.json().writeValue(folder.resolve("tagger.json").toFile(), t.card());
        IOException e = assertThrows(IOException.class, () -> ModelRegistry.load(List.of(folder), dir.resolve("cache")));
        assertTrue(e.getMessage().contains(onnx.toString()) && e.getMessage().contains("SHA-256"), e.getMessage());
    }

    @Test
    void cardWithAnotherSampleRateIsRefusedWithTheReason() throws IOException {
        ModelRegistry.Entry t = tagger(ModelRegistry.builtIn(dir.resolve("cache")));
        Path folder = Files.createDirectories(dir.resolve("models"));
        Files.copy(t.weights(), folder.resolve(t.card().weights()));
        ModelCard.Input in = t.card().input();
        ModelCard.Input wrong = new ModelCard.Input(in.name(), 16000, in.nFft(), in.hop(), in.window(), in.melBands(), in.melScale(),
                in.fMin(), 8000, in.dbRef(), in.dbScale(), in.patchFrames(), in.patchHop(), in.maxPatchesPerFile(), null);
        ModelCard c = t.card();
        ModelRegistry.json().writeValue(folder.resolve("x.json").toFile(), new ModelCard("x", "1", c.kind(), c.weights(), c.sha256(),
                c.weightsLicense(), wrong, c.outputs(), c.trainingData(), c.metrics(), c.training(), c.limits()));
        IOException e = assertThrows(IOException.class, () -> ModelRegistry.load(List.of(folder), dir.resolve("cache")));
        assertTrue(e.getMessage().contains("x.json") && e.getMessage().contains("22050"), e.getMessage());
    }

    /** A user adds a third-party embedding model by dropping an ONNX file and a card: no code. */
    @Test
    void droppedInModelTakesOverItsRoleWithoutCode() throws IOException {
        ModelRegistry.Entry t = tagger(ModelRegistry.builtIn(dir.resolve("cache")));
        Path folder = Files.createDirectories(dir.resolve("models"));
        Files.copy(t.weights(), folder.resolve("third-party.onnx"));
        ModelCard c = t.card();
        ModelCard.Output emb = c.outputs().stream().filter(o -> o.role().equals("embedding")).findFirst().orElseThrow();
        ModelCard card = new ModelCard("third-party-embedder", "0.3", "onnx", "third-party.onnx", ModelRegistry.sha256(folder.resolve("third-party.onnx")),
                "CC-BY-4.0", c.input(), List.of(new ModelCard.Output(emb.name(), "embedding", null, emb.dim(), "max")),
                List.of(new ModelCard.TrainingSource("test", "test", "CC0-1.0", "test")), null, null, null);
        ModelRegistry.json().writeValue(folder.resolve("third-party-embedder.json").toFile(), card);

        ModelRegistry r = ModelRegistry.load(List.of(folder), dir.resolve("cache"));
        assertEquals("third-party-embedder", r.entries().get(0).card().id(), "folder models come first");
        try (Tagger tagger = Tagger.open(r, InferenceDevice.CPU, 1, System.err::println)) {
            assertEquals(List.of("third-party-embedder@0.3", "audiocat-tagger@1.4.0"), tagger.modelRefs());
            Random rnd = new Random(1);
            int size = c.input().melBands() * c.input().patchFrames();
            float[][] patches = new float[3][size];
            for (float[] p : patches) {
                for (int i = 0; i < size; i++) {
                    p[i] = (float) rnd.nextGaussian();
                }
            }
            ModelInput in = new ModelInput(List.of(new PatchSet(c.input().frontEnd(), patches, new float[] {-10, -10, -10}, new long[] {0, 96, 192}, 300)),
                    new MoodDescriptors(120, 0.5, 2, -20, 1500, 0.1, 0.05, 1));
            TrackTags tags = tagger.tag(List.of(new Tagger.Request(in, null, null, null)), 8).get(0);
            assertEquals("third-party-embedder@0.3", tags.embeddingModel());
            assertEquals(3, tags.patches());
            assertNotNull(tags.instruments(), "instrument role still served by the built-in model");
            assertTrue(tags.modelVersions().containsAll(List.of("third-party-embedder@0.3", "audiocat-tagger@1.4.0")));
        }
    }
}
