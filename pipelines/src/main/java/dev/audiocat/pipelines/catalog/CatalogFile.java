package dev.audiocat.pipelines.catalog;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;

/** Writes catalog rows to one local Parquet file outside a pipeline (exports); {@link CatalogReader} reads it back. */
public final class CatalogFile {

    private CatalogFile() {
    }

    /** Writes {@code rows} (records of {@code schema}) to a new file; fails if it exists. */
    public static void write(Path file, Schema schema, Iterable<GenericRecord> rows) throws IOException {
        try (ParquetWriter<GenericRecord> w = AvroParquetWriter.<GenericRecord>builder(new LocalOutputFile(file))
                .withSchema(schema)
                .withCompressionCodec(CompressionCodecName.SNAPPY)
                .withWriteMode(ParquetFileWriter.Mode.CREATE)
                .build()) {
            for (GenericRecord r : rows) {
                w.write(r);
            }
        }
    }
}
