package dev.audiocat.pipelines.transforms;

import dev.audiocat.pipelines.catalog.CatalogSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.io.LocalOutputFile;

/** Catalog rows (schema v1) with known search properties, and a Parquet catalog folder made of them. */
public final class SearchTestRows {
    public static final int DIMS = 8;

    private SearchTestRows() {
    }

    public static GenericRecord row(String assetId, String title, String tonic, String mode, double bpm, int axis,
            Map<String, Double> instruments, String consentAi) {
        Schema s = CatalogSchema.CATALOG;
        GenericData.Record r = new GenericData.Record(s);
        r.put("schema_version", 1);
        r.put("asset_id", assetId);
        r.put("uri", "file:///library/" + assetId + ".flac");
        r.put("file_name", assetId + ".flac");
        r.put("size_bytes", 1234L);
        r.put("modified_time", 1_700_000_000_000L);
        r.put("container", "flac");
        r.put("codec", "flac");
        r.put("sample_rate", 48000);
        r.put("duration_seconds", 31.5);
        r.put("title", title);
        r.put("artist", "Test Artist");
        r.put("tags", Map.of("title", title, "comment", "field recording"));
        r.put("key_tonic", tonic);
        r.put("key_mode", mode);
        r.put("bpm", bpm);
        Schema label = CatalogSchema.itemSchema(s, "instruments");
        List<GenericRecord> inst = new ArrayList<>();
        instruments.forEach((k, v) -> {
            GenericData.Record l = new GenericData.Record(label);
            l.put("label", k);
            l.put("score", v);
            inst.add(l);
        });
        r.put("instruments", inst);
        Schema qc = CatalogSchema.itemSchema(s, "qc_flags");
        GenericData.Record flag = new GenericData.Record(qc);
        flag.put("type", "clipping");
        flag.put("severity", "warning");
        flag.put("start_seconds", 1.0);
        flag.put("end_seconds", 1.5);
        r.put("qc_flags", List.of(flag));
        List<Float> emb = new ArrayList<>();
        for (int i = 0; i < DIMS; i++) {
            emb.add(i == axis ? 0.99f : 0.1f);
        }
        r.put("embedding", emb);
        r.put("chromaprint", "AQADtest" + assetId);
        r.put("consent_ai_training", consentAi);
        r.put("rights_status", "known");
        r.put("pipeline_version", "test");
        r.put("analysis_time", 1_700_000_100_000L);
        r.put("run_id", "test-run");
        return r;
    }

    public static List<GenericRecord> rows() {
        return List.of(
                row("b1", "Copper Sky", "A", "minor", 124, 0, Map.of("drums", 0.9, "synth", 0.8), "allowed"),
                row("b2", "Copper Sky (Edit)", "A", "minor", 125, 0, Map.of("drums", 0.9), "allowed"),
                row("b3", "Salt Marsh", "C", "major", 90, 3, Map.of("piano", 0.95), "notAllowed"),
                row("b4", "Flint", "A", "minor", 150, 3, Map.of("guitar", 0.7, "drums", 0.2), "unknown"));
    }

    /** A catalog folder (CATALOG/catalog/part-test.parquet) holding {@code rows}. */
    public static Path writeCatalog(Path folder, List<GenericRecord> rows) throws IOException {
        Path dir = Files.createDirectories(folder.resolve(CatalogSchema.CATALOG_DIR));
        try (ParquetWriter<GenericRecord> w = AvroParquetWriter.<GenericRecord>builder(new LocalOutputFile(dir.resolve("part-test.parquet")))
                .withSchema(CatalogSchema.CATALOG).build()) {
            for (GenericRecord r : rows) {
                w.write(r);
            }
        }
        return folder;
    }
}
