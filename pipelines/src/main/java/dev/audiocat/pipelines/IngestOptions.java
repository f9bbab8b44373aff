package dev.audiocat.pipelines;

import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.Validation;

/** Options of the ingest pipeline. Flink options (runner, master, parallelism) are inherited. */
public interface IngestOptions extends FlinkPipelineOptions {

    @Description("Library to ingest: a local folder (scanned recursively) or a single file")
    @Validation.Required
    String getInput();

    void setInput(String value);

    @Description("Catalog folder: Parquet datasets catalog/ and dead-letters/ are written under it")
    @Validation.Required
    String getOutput();

    void setOutput(String value);

    @Description("Id of this run, written into every row; letters, digits, '.', '_' and '-' only")
    @Validation.Required
    String getRunId();

    void setRunId(String value);

    @Description("Wall-clock limit per file in seconds; a file over it becomes a 'timeout' dead letter")
    @Default.Long(1800)
    Long getFileTimeoutSeconds();

    void setFileTimeoutSeconds(Long value);

    @Description("Re-analyse files that are already in the catalog with the same content hash")
    @Default.Boolean(false)
    Boolean getRedo();

    void setRedo(Boolean value);
}
