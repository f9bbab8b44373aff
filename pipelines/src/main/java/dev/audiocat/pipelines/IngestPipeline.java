package dev.audiocat.pipelines;

import dev.audiocat.pipelines.cli.AudiocatVersion;
import dev.audiocat.pipelines.transforms.CheckFingerprints;
import dev.audiocat.pipelines.transforms.DecodeAndAnalyze;
import dev.audiocat.pipelines.transforms.GroupDuplicates;
import dev.audiocat.pipelines.transforms.IndexCatalog;
import dev.audiocat.pipelines.transforms.JoinRights;
import dev.audiocat.pipelines.transforms.TagWithModels;
import dev.audiocat.pipelines.transforms.WriteCatalog;
import dev.audiocat.search.SearchConnection;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;

/**
 * The ingest pipeline.
 *
 * <p>Scan → DecodeAndAnalyze → TagWithModels → GroupDuplicates → CheckFingerprints → JoinRights → WriteCatalog (Parquet)
 * and IndexCatalog (Elasticsearch); dead letters of every stage → WriteDeadLetters. The scan runs in
 * the launching process (it also gives the progress line its total); files are then spread over the
 * workers. DecodeAndAnalyze decodes each file once: the model inputs and landmark hashes that
 * TagWithModels and CheckFingerprints need come out of the same pass, joined back by asset_id.
 * Optional steps run when their option is set (tagging, references, ledger, esUrl).
 */
public final class IngestPipeline {

    private IngestPipeline() {
    }

    /**
     * Builds and runs the pipeline over {@code files}; returns without waiting for it to finish.
     *
     * @param files the files to analyse; one that carries its catalogued asset id ({@link AudioFile#catalogued}) is
     *              skipped when its content is unchanged ({@code IngestRun.toAnalyse} sets it)
     */
    public static PipelineResult run(IngestOptions options, List<AudioFile> files) {
        Pipeline p = build(options, files);
        return p.run();
    }

    /**
     * Whether a catalogued row stands, i.e. its file is skipped when its content is unchanged: always,
     * except with --redo (never) and with --retag while tagging (only when exactly the registry's
     * models tagged it: after a model upgrade, a model added to or removed from the registry, or a
     * failed tagging, the file is analysed and tagged again).
     */
    static java.util.function.Predicate<GenericRecord> standing(IngestOptions options) {
        if (Boolean.TRUE.equals(options.getRedo())) {
            return r -> false;
        }
        if (Boolean.TRUE.equals(options.getRetag()) && Boolean.TRUE.equals(options.getTagging())) {
            List<String> refs = TagWithModels.sharedTagger(TagWithModels.Config.from(options)).rowRefs();
            return r -> TagWithModels.taggedBy(r, refs);
        }
        return r -> true;
    }

    public static Pipeline build(IngestOptions options, List<AudioFile> files) {
        Pipeline p = Pipeline.create(options);
        String runId = options.getRunId();

        PCollection<AudioFile> scanned = p
                .apply("Scan", Create.of(files).withCoder(SerializableCoder.of(AudioFile.class)))
                // spread the files over all workers instead of keeping them in Create's single split
                .apply("Distribute", Reshuffle.viaRandomKey());

        boolean tagging = Boolean.TRUE.equals(options.getTagging());
        TagWithModels.Config models = tagging ? TagWithModels.Config.from(options) : null;
        DecodeAndAnalyze analyse = DecodeAndAnalyze.of(runId, AudiocatVersion.get(), options.getFileTimeoutSeconds() * 1000)
                .withS3(options.getS3Endpoint(), options.getS3Region());
        PCollectionTuple analysed = scanned.apply("DecodeAndAnalyze", tagging ? analyse.withModelInputs(models) : analyse);

        PCollection<GenericRecord> rows = analysed.get(DecodeAndAnalyze.CATALOGUED);
        if (tagging) {
            rows = rows.apply("TagWithModels", TagWithModels.with(models).withModelInputs(analysed.get(DecodeAndAnalyze.MODEL_INPUTS)));
        }
        rows = rows.apply("GroupDuplicates", GroupDuplicates.against(Path.of(options.getOutput())));
        JoinRights rights = options.getLedger().isBlank() ? null : JoinRights.fromLedger(options.getLedger());
        if (!options.getReferences().isBlank()) {
            CheckFingerprints check = CheckFingerprints.against(Path.of(options.getReferences()))
                    .withQueryHashes(analysed.get(DecodeAndAnalyze.LANDMARKS));
            if (rights != null) {
                // a match is licensed when the asset's owner holds a licence for the reference
                // recording in the ledger (the reference id is its asset id there)
                var snapshot = rights.snapshot();
                check = check.withLicences(snapshot::ownerHoldsLicenceFor);
            }
            rows = rows.apply("CheckFingerprints", check);
        }
        if (rights != null) {
            rows = rows.apply("JoinRights", rights);
        }
        PCollection<GenericRecord> deadLetters = analysed.get(DecodeAndAnalyze.DEAD_LETTERS);

        rows.apply("WriteCatalog", WriteCatalog.rows(options.getOutput(), runId));
        if (!options.getEsUrl().isBlank()) {
            String ca = options.getEsCaCert();
            IndexCatalog index = IndexCatalog.to(URI.create(options.getEsUrl()))
                    .withCredentials(new SearchConnection.Credentials(options.getEsApiKey(), options.getEsUser(), options.getEsPassword(),
                            ca == null || ca.isBlank() ? null : Path.of(ca)))
                    .withAlias(options.getEsAlias())
                    .withRunId(runId);
            PCollection<GenericRecord> notIndexed = rows.apply("IndexCatalog", index);
            deadLetters = PCollectionList.of(deadLetters).and(notIndexed).apply("AllDeadLetters", Flatten.pCollections());
        }
        deadLetters.apply("WriteDeadLetters", WriteCatalog.deadLetters(options.getOutput(), runId));
        analysed.get(DecodeAndAnalyze.SKIPPED).apply("WriteVerified", WriteCatalog.verified(options.getOutput(), runId));
        return p;
    }
}
