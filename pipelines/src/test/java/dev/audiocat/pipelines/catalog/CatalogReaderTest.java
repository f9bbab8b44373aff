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

    /**
     * The newest row of the URIs a predicate keeps: a URI whose older row is kept but whose newest is not
     * is left out (that row is outdated), and rows of other URIs are not held.
     */
    @Test
    void latestWhereKeepsOnlyNewestRowsThatPass() throws Exception {
        Path rows = Files.createDirectories(dir.resolve(CatalogSchema.CATALOG_DIR));
        CatalogFile.write(rows.resolve("run1.parquet"), CatalogSchema.CATALOG,
                List.of(row("a", 100, "match"), row("b", 100, "match"), row("c", 100, "other"), row("d", 300, "match")));
        CatalogFile.write(rows.resolve("run2.parquet"), CatalogSchema.CATALOG,
                List.of(row("a", 200, "other"), row("b", 200, "match again"), row("c", 200, "match"), row("d", 250, "match old")));
        List<Path> files = CatalogReader.files(dir, CatalogSchema.CATALOG_DIR);
        Map<String, GenericRecord> kept = CatalogReader.latestWhere(files, Set.of("title"), r -> r.get("title").toString().startsWith("match"));
        Map<String, String> titles = new java.util.TreeMap<>();
        kept.forEach((uri, r) -> titles.put(uri.substring(uri.lastIndexOf('/') + 1), r.get("title") + "@" + r.get("analysis_time")));
        assertEquals(Map.of("b.flac", "match again@200", "c.flac", "match@200", "d.flac", "match@300"), titles);
        assertTrue(CatalogReader.latestWhere(files, Set.of(), r -> false).isEmpty());
    }

    /** What is still wrong: a file's newest dead letter, unless a later run catalogued it. */
    @Test
    void deadLettersOfFilesCataloguedLaterAreLeftOut() throws Exception {
        Path rows = Files.createDirectories(dir.resolve(CatalogSchema.CATALOG_DIR));
        Path dead = Files.createDirectories(dir.resolve(CatalogSchema.DEAD_LETTER_DIR));
        CatalogFile.write(rows.resolve("run2.parquet"), CatalogSchema.CATALOG, List.of(row("fixed", 200, "fixed"), row("broke", 100, "broke")));
        String fixed = "file:///library/fixed.flac";
        String broke = "file:///library/broke.flac";
        String never = "file:///library/never.flac";
        CatalogFile.write(dead.resolve("run1.parquet"), CatalogSchema.DEAD_LETTER, List.of(
                CatalogRecords.deadLetter(fixed, "fixed.flac", 1, "DecodeAndAnalyze", "decode_error", "old", null, "run1", 100),
                CatalogRecords.deadLetter(never, "never.flac", 1, "DecodeAndAnalyze", "decode_error", "first", null, "run1", 100)));
        CatalogFile.write(dead.resolve("run3.parquet"), CatalogSchema.DEAD_LETTER, List.of(
                CatalogRecords.deadLetter(broke, "broke.flac", 1, "DecodeAndAnalyze", "timeout", "now", null, "run3", 300),
                CatalogRecords.deadLetter(never, "never.flac", 1, "DecodeAndAnalyze", "decode_error", "again", null, "run3", 300)));
        assertEquals(List.of(broke + " now", never + " again"),
                CatalogReader.latestDeadLetters(dir).stream().map(r -> r.get("uri") + " " + r.get("message")).toList());
    }
}
