package dev.audiocat.pipelines.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.audiocat.pipelines.transforms.SearchTestRows;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogReaderTest {

    @TempDir
    Path dir;

    static GenericRecord row(String name, long time, String title) {
        GenericData.Record r = (GenericData.Record) SearchTestRows.row(name, title, "C", "major", 120, 0, Map.of(), "granted");
        r.put("analysis_time", time);
        return r;
    }

    /** Two runs, one file re-analysed in the second: each URI's newest row once, streamed or listed, whole or projected. */
    @Test
    void theNewestRowPerFileStreamedListedOrProjected() throws Exception {
        Path rows = Files.createDirectories(dir.resolve(CatalogSchema.CATALOG_DIR));
        CatalogFile.write(rows.resolve("run1.parquet"), CatalogSchema.CATALOG, List.of(row("a", 100, "a old"), row("b", 100, "b")));
        CatalogFile.write(rows.resolve("run2.parquet"), CatalogSchema.CATALOG, List.of(row("a", 200, "a new")));

        List<String> streamed = new ArrayList<>();
        CatalogReader.forEachLatest(dir, r -> streamed.add(r.get("title") + "@" + r.get("analysis_time")));
        assertEquals(List.of("b@100", "a new@200"), streamed); // the order the files hold them

        List<GenericRecord> projected = CatalogReader.latestRows(dir, Set.of("title"));
        assertEquals(List.of("a new", "b"), projected.stream().map(r -> r.get("title").toString()).toList()); // URI order
        assertEquals(List.of("a new", "b"), CatalogReader.latestRows(dir).stream().map(r -> r.get("title").toString()).toList());
        // a projected row holds only what was asked for (plus uri and analysis_time)
        assertEquals(3, projected.get(0).getSchema().getFields().size());
        assertThrows(AvroRuntimeException.class, () -> projected.get(0).get("embedding"));
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> CatalogReader.latestRows(dir, Set.of("no_such_field")));
        assertTrue(unknown.getMessage().contains("no_such_field"), unknown.getMessage());
    }
}
