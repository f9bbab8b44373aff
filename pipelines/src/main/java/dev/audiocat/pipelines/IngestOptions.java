package dev.audiocat.pipelines;

import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.Validation;

/** Options of the ingest pipeline. Flink options (runner, master, parallelism) are inherited. */
public interface IngestOptions extends FlinkPipelineOptions, dev.audiocat.pipelines.transforms.TagWithModels.Options {

    @Description("Library to ingest: a local folder (scanned recursively), a single file, or s3://bucket/prefix")
    @Validation.Required
    String getInput();

    void setInput(String value);

    @Description("S3-compatible endpoint the workers fetch s3:// files from; empty: Amazon S3 (or AWS_ENDPOINT_URL_S3 on the worker)")
    @Default.String("")
    String getS3Endpoint();

    void setS3Endpoint(String value);

    @Description("AWS region of the s3:// library; empty: the AWS default chain on the worker")
    @Default.String("")
    String getS3Region();

    void setS3Region(String value);

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

    @Description("Re-analyse files already in the catalog whose row was tagged by other models than the registry's (or not at all)")
    @Default.Boolean(false)
    Boolean getRetag();

    void setRetag(Boolean value);

    @Description("License ledger (folder or s3://bucket/prefix) whose rights are joined into every row; empty: no rights columns")
    @Default.String("")
    String getLedger();

    void setLedger(String value);

    @Description("Reference index folder (built by 'audiocat references add') every asset is checked against; empty: no check")
    @Default.String("")
    String getReferences();

    void setReferences(String value);

    @Description("Elasticsearch URL the catalog is indexed into; empty: no indexing (the Parquet catalog is always written)")
    @Default.String("")
    String getEsUrl();

    void setEsUrl(String value);

    @Description("Elasticsearch API key for --esUrl")
    String getEsApiKey();

    void setEsApiKey(String value);

    @Description("Elasticsearch basic-auth user for --esUrl")
    String getEsUser();

    void setEsUser(String value);

    @Description("Elasticsearch basic-auth password for --esUrl")
    String getEsPassword();

    void setEsPassword(String value);

    @Description("CA certificate (PEM path) to trust for an https --esUrl")
    String getEsCaCert();

    void setEsCaCert(String value);

    @Description("Elasticsearch alias the catalog is written through")
    @Default.String("audiocat-catalog")
    String getEsAlias();

    void setEsAlias(String value);
}
