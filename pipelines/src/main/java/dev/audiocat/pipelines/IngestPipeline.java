package dev.audiocat.pipelines;

import dev.audiocat.pipelines.catalog.CatalogReader;
import dev.audiocat.pipelines.cli.AudiocatVersion;
import dev.audiocat.pipelines.transforms.DecodeAndAnalyze;
import dev.audiocat.pipelines.transforms.WriteCatalog;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;

/**
 * The ingest pipeline: Scan → DecodeAndAnalyze → WriteCatalog (catalog rows and dead letters).
 *
 * <p>The scan runs in the launching process (it also gives the progress line its total); files are
 * then spread over the workers. Later steps (TagWithModels, CheckFingerprints, JoinRights, search
 * indexing) plug in between DecodeAndAnalyze and WriteCatalog.
 */
public final class IngestPipeline {

    private IngestPipeline() {
    }

    /** Builds and runs the pipeline over {@code files}; returns without waiting for it to finish. */
    public static PipelineResult run(IngestOptions options, List<AudioFile> files) {
        Pipeline p = build(options, files);
        return p.run();
    }

    public static Pipeline build(IngestOptions options, List<AudioFile> files) {
        Pipeline p = Pipeline.create(options);
        String runId = options.getRunId();
        Map<String, String> known = options.getRedo() ? Map.of() : CatalogReader.catalogued(Path.of(options.getOutput()));

        PCollectionView<Map<String, String>> alreadyCatalogued = p
                .apply("ReadCatalogued", Create.of(known.entrySet().stream().map(e -> KV.of(e.getKey(), e.getValue())).toList())
                        .withCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of())))
                .apply("AsMap", View.asMap());

        PCollection<AudioFile> scanned = p
                .apply("Scan", Create.of(files).withCoder(SerializableCoder.of(AudioFile.class)))
                // spread the files over all workers instead of keeping them in Create's single split
                .apply("Distribute", Reshuffle.viaRandomKey());

        PCollectionTuple analysed = scanned.apply("DecodeAndAnalyze",
                DecodeAndAnalyze.of(runId, AudiocatVersion.get(), options.getFileTimeoutSeconds() * 1000, alreadyCatalogued));

        PCollection<GenericRecord> rows = analysed.get(DecodeAndAnalyze.CATALOGUED);
        PCollection<GenericRecord> deadLetters = analysed.get(DecodeAndAnalyze.DEAD_LETTERS);

        rows.apply("WriteCatalog", WriteCatalog.rows(options.getOutput(), runId));
        deadLetters.apply("WriteDeadLetters", WriteCatalog.deadLetters(options.getOutput(), runId));
        return p;
    }
}
