package dev.audiocat.tagging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.audiocat.features.AudioAnalyzer;
import dev.audiocat.tagging.inference.InferenceDevice;
import dev.audiocat.tagging.registry.ModelRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped models on real ONNX Runtime, fed by the real analysis pass (FFmpeg decoding). */
class TaggerTest {

    @TempDir
    static Path dir;
    static Tagger tagger;
    static List<ModelInput> inputs = new ArrayList<>();

    @BeforeAll
    static void tagTestFiles() throws Exception {
        tagger = Tagger.open(ModelRegistry.builtIn(dir.resolve("cache")), InferenceDevice.CPU, 1, System.err::println);
        AudioAnalyzer analyzer = AudioAnalyzer.builder().build();
        List<Path> files = List.of(
                TestAudio.speech(dir, "speech", "The archive holds seven hundred tapes of radio interviews recorded between nineteen "
                        + "sixty and nineteen eighty, and every one of them must be checked before it is catalogued."),
                TestAudio.render(dir, "piano", 0, 1),
                TestAudio.render(dir, "drums", -1, 2));
        for (Path f : files) {
            inputs.add(tagger.analyze(analyzer, f, null));
        }
    }

    @AfterAll
    static void close() {
        tagger.close();
    }

    private static List<TrackTags> tag(int batch) {
        List<Tagger.Request> r = new ArrayList<>();
        for (ModelInput in : inputs) {
            r.add(new Tagger.Request(in, null, null, null));
        }
        return tagger.tag(r, batch);
    }

    private static double score(List<LabelScore> l, String label) {
        return l.stream().filter(s -> s.label().equals(label)).findFirst().orElseThrow().score();
    }

    @Test
    void tagsSpeechMusicAndInstruments() {
        List<TrackTags> t = tag(128);
        assertEquals(3, t.size());
        assertEquals("speech", t.get(0).contentClass(), "speech: " + t.get(0).contentScores());
        assertEquals("music", t.get(1).contentClass(), "piano: " + t.get(1).contentScores());
        assertEquals("music", t.get(2).contentClass(), "drums: " + t.get(2).contentScores());
        // this dry FluidR3 piano melody: keys on top at 0.57 with 1.4.0 (guitar second at 0.51), 0.51 with 1.3.0, 0.61 with 1.2.0 (1.1.0: 0.46, below the catalog's 0.5 tag threshold;
        // three candidate trainings put guitar, bass or tuned percussion first): assert the ranking (docs/models.md, limits)
        assertEquals("keys", t.get(1).instruments().get(0).label(), "piano: " + t.get(1).instruments());
        assertTrue(score(t.get(1).instruments(), "drums") < 0.5, "piano: " + t.get(1).instruments());
        assertTrue(score(t.get(2).instruments(), "drums") > 0.5, "drums: " + t.get(2).instruments());
        assertTrue(score(t.get(2).instruments(), "keys") < 0.5, "drums: " + t.get(2).instruments());
        for (TrackTags x : t) {
            double norm = 0;
            for (float v : x.embedding()) {
                norm += v * v;
            }
            assertEquals(1.0, Math.sqrt(norm), 1e-5);
            assertEquals(Labels.INSTRUMENTS.size(), x.instruments().size());
            assertEquals(4, x.moods().size());
            assertEquals(1.0, x.moods().stream().mapToDouble(LabelScore::score).sum(), 1e-9);
            assertTrue(Math.abs(x.arousal()) <= 1 && Math.abs(x.valence()) <= 1);
            assertEquals(List.of("audiocat-tagger@1.4.0", "audiocat-mood-descriptors@1.0.0"), x.modelVersions());
            // what ingest --retag compares a catalogued row's model_versions with
            assertEquals(x.modelVersions(), tagger.rowRefs());
            assertTrue(x.embeddingModel().startsWith("audiocat-tagger@"));
        }
    }

    @Test
    void batchingAcrossFilesDoesNotChangeResults() {
        List<TrackTags> together = tag(128);
        List<TrackTags> one = tag(1);
        List<TrackTags> odd = tag(3);
        for (int i = 0; i < together.size(); i++) {
            for (List<TrackTags> other : List.of(one, odd)) {
                float[] a = together.get(i).embedding();
                float[] b = other.get(i).embedding();
                for (int j = 0; j < a.length; j++) {
                    assertEquals(a[j], b[j], 1e-5);
                }
                assertEquals(together.get(i).instruments().get(0).score(), other.get(i).instruments().get(0).score(), 1e-5);
                assertEquals(together.get(i).patches(), other.get(i).patches());
            }
        }
        assertTrue(together.get(0).patches() >= 2, "speech clip spans several patches");
    }
}
