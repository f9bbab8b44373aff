package dev.audiocat.pipelines.transforms;

import dev.audiocat.pipelines.catalog.CatalogSchema;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.WriteFilesResult;
import org.apache.beam.sdk.io.parquet.ParquetIO;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;

/**
 * Writes rows as Parquet files named {@code part-<runId>-NNNNN-of-NNNNN.parquet} into a dataset folder.
 *
 * <p>Each run adds its own files and never rewrites another run's, so repeating a run adds nothing
 * when nothing changed (the analysis step skipped everything). Beam writes to a temporary folder and
 * renames on success, so a failed run leaves no partial dataset files.
 */
public final class WriteCatalog extends PTransform<PCollection<GenericRecord>, WriteFilesResult<Void>> {

    private final String datasetDir;
    private final String runId;
    private final Schema schema;

    private WriteCatalog(String datasetDir, String runId, Schema schema) {
        this.datasetDir = datasetDir;
        this.runId = runId;
        this.schema = schema;
    }

    /** Catalog rows into {@code <catalogFolder>/catalog/}. */
    public static WriteCatalog rows(String catalogFolder, String runId) {
        return new WriteCatalog(join(catalogFolder, CatalogSchema.CATALOG_DIR), check(runId), CatalogSchema.CATALOG);
    }

    /** Dead letters into {@code <catalogFolder>/dead-letters/}. */
    public static WriteCatalog deadLetters(String catalogFolder, String runId) {
        return new WriteCatalog(join(catalogFolder, CatalogSchema.DEAD_LETTER_DIR), check(runId), CatalogSchema.DEAD_LETTER);
    }

    /** Files read again and found unchanged into {@code <catalogFolder>/verified/}. */
    public static WriteCatalog verified(String catalogFolder, String runId) {
        return new WriteCatalog(join(catalogFolder, CatalogSchema.VERIFIED_DIR), check(runId), CatalogSchema.VERIFIED);
    }

    private static String check(String runId) {
        if (runId == null || !runId.matches("[A-Za-z0-9_.-]+")) {
            throw new IllegalArgumentException("run id must be letters, digits, '.', '_' or '-', got '" + runId + "'");
        }
        return runId;
    }

    private static String join(String folder, String sub) {
        if (folder == null || folder.isBlank()) {
            throw new IllegalArgumentException("catalog folder is required");
        }
        return folder.endsWith("/") ? folder + sub : folder + "/" + sub;
    }

    @Override
    public WriteFilesResult<Void> expand(PCollection<GenericRecord> rows) {
        return rows.apply("Parquet", FileIO.<GenericRecord>write()
                .via(ParquetIO.sink(schema))
                .to(datasetDir)
                .withPrefix("part-" + runId)
                .withSuffix(".parquet"));
    }
}
