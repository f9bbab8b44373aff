package dev.audiocat.pipelines.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.audiocat.features.AnalysisResult;
import dev.audiocat.features.AudioAnalyzer;
import dev.audiocat.pipelines.catalog.CatalogSchema;
import dev.audiocat.tagging.ModelInput;
import dev.audiocat.tagging.ModelInputCollector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TagWithModels on the embedded Flink runner with real ONNX Runtime, both with analysis-pass inputs and decoding again. */
class TagWithModelsIT {

    static final Map<String, GenericRecord> OUT = new ConcurrentHashMap<>();

    @TempDir
    Path dir;

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
    }

    private static GenericRecord row(AnalysisResult r, Path file) {
        GenericData.Record rec = new GenericData.Record(CatalogSchema.CATALOG);
        rec.put("schema_version", CatalogSchema.VERSION);
        rec.put("asset_id", r.assetId());
        rec.put("uri", file.toUri().toString());
        rec.put("file_name", file.getFileName().toString());
        rec.put("size_bytes", r.sizeBytes());
        rec.put("duration_seconds", r.durationSeconds());
        rec.put("integrated_lufs", r.loudness() == null ? null : r.loudness().integratedLufs());
        rec.put("model_versions", List.of("other-stage@2"));
        rec.put("pipeline_version", "test");
        rec.put("analysis_time", 1_700_000_000_000L);
        rec.put("run_id", "it");
        return rec;
    }

    @Test
    void tagsRowsWithAndWithoutAnalysisPassInputs() throws Exception {
        Path speech = dir.resolve("speech.wav");
        run("espeak-ng", "-v", "en", "-w", speech.toString(),
                "Tape forty two, side B. Interview with the harbour master, recorded on the third of May in the old customs house.");
        Path noise = dir.resolve("noise.wav");
        run("sox", "-n", "-r", "22050", "-c", "1", noise.toString(), "synth", "4", "brownnoise", "vol", "0.3");
        Path tone = dir.resolve("tone.flac");
        run("sox", "-n", "-r", "44100", "-c", "2", tone.toString(), "synth", "6", "pluck", "C3", "pluck", "G3", "repeat", "2");

        TagWithModels.Config config = new TagWithModels.Config("cpu", List.of(Files.createDirectories(dir.resolve("models")).toString()), 4, 1);
        List<GenericRecord> rows = new ArrayList<>();
        List<KV<String, ModelInput>> inputs = new ArrayList<>();
        AudioAnalyzer analyzer = AudioAnalyzer.builder().build();
        for (Path f : List.of(speech, noise, tone)) {
            ModelInputCollector c = TagWithModels.newCollector(config);
            AnalysisResult r = analyzer.analyze(f, c.stages());
            rows.add(row(r, f));
            // the tone's input is left out on purpose: that row must be decoded again
            if (f != tone) {
                inputs.add(KV.of(r.assetId(), c.result()));
            }
        }

        FlinkPipelineOptions o = PipelineOptionsFactory.fromArgs("--flinkMaster=[local]", "--parallelism=2").as(FlinkPipelineOptions.class);
        o.setRunner(FlinkRunner.class);
        Pipeline p = Pipeline.create(o);
        PCollection<GenericRecord> in = p.apply("Rows", Create.of(rows).withCoder(AvroCoder.of(GenericRecord.class, CatalogSchema.CATALOG)));
        PCollection<KV<String, ModelInput>> mi = p.apply("Inputs", Create.of(inputs).withCoder(TagWithModels.modelInputCoder()));
        in.apply("TagJoined", TagWithModels.with(config).withModelInputs(mi)).apply("CollectJoined", ParDo.of(new Collect("joined")));
        in.apply("TagDecoding", TagWithModels.with(config)).apply("CollectDecoding", ParDo.of(new Collect("decoded")));
        p.run().waitUntilFinish();

        assertEquals(6, OUT.size(), OUT.keySet().toString());
        for (String mode : List.of("joined", "decoded")) {
            GenericRecord s = OUT.get(mode + "|speech.wav");
            GenericRecord n = OUT.get(mode + "|noise.wav");
            GenericRecord t = OUT.get(mode + "|tone.flac");
            assertEquals("speech", s.get("content_class").toString(), mode + " " + s.get("content_scores"));
            assertEquals("other", n.get("content_class").toString(), mode + " " + n.get("content_scores"));
            for (GenericRecord r : List.of(s, n, t)) {
                assertNotNull(r.get("content_class"), mode + " " + r.get("file_name"));
                @SuppressWarnings("unchecked")
                List<Float> emb = (List<Float>) r.get("embedding");
                double norm = 0;
                for (float v : emb) {
                    norm += v * v;
                }
                assertEquals(1.0, Math.sqrt(norm), 1e-4);
                assertEquals(10, ((List<?>) r.get("instruments")).size());
                assertEquals(4, ((List<?>) r.get("moods")).size());
                assertTrue(r.get("embedding_model").toString().startsWith("audiocat-tagger@"));
                List<String> versions = ((List<?>) r.get("model_versions")).stream().map(Object::toString).toList();
                assertEquals("other-stage@2", versions.get(0), "versions from earlier stages are kept");
                assertTrue(versions.stream().anyMatch(v -> v.startsWith("audiocat-tagger@")), versions.toString());
                double a = (Double) r.get("arousal");
                assertTrue(a >= -1 && a <= 1);
            }
        }
        // the same audio gives the same tags whichever way its input arrived
        for (String f : List.of("speech.wav", "noise.wav", "tone.flac")) {
            assertEquals(OUT.get("joined|" + f).get("instruments").toString(), OUT.get("decoded|" + f).get("instruments").toString(), f);
        }
    }

    @Test
    void configRejectsBadValuesNamingThem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TagWithModels.Config("gpu9", List.of(), 8, 0));
        assertTrue(e.getMessage().contains("gpu9"));
        e = assertThrows(IllegalArgumentException.class, () -> new TagWithModels.Config("cpu", List.of(), 0, 0));
        assertTrue(e.getMessage().contains("--inference-batch"));
    }

    static final class Collect extends DoFn<GenericRecord, Void> {
        private static final long serialVersionUID = 1L;
        private final String mode;

        Collect(String mode) {
            this.mode = mode;
        }

        @ProcessElement
        public void process(@Element GenericRecord r) {
            OUT.put(mode + "|" + r.get("file_name"), r);
        }
    }
}
