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
        assertEquals(Map.of("b.flac", "match again@200", "c.flac", "match@200", "d.flac", "match@300"), titles(kept));
        assertTrue(CatalogReader.latestWhere(files, Set.of(), r -> false).isEmpty());
    }

    /**
     * The threaded filter ({@code GroupDuplicates}' costly predicate) keeps what one thread keeps, over many
     * batches, files and re-analysed URIs, ties included; and a predicate's failure reaches the caller.
     */
    @Test
    void latestWhereOnThreadsKeepsWhatOneThreadKeeps() throws Exception {
        Path rows = Files.createDirectories(dir.resolve(CatalogSchema.CATALOG_DIR));
        List<GenericRecord> first = new ArrayList<>();
        List<GenericRecord> second = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            first.add(row("n" + i, 100, i % 3 == 0 ? "other" : "match " + i));
            if (i < 1000) {
                second.add(row("n" + i, i % 7 == 0 ? 100 : 200, i % 2 == 0 ? "match again " + i : "other")); // i % 7: a tie
            }
        }
        CatalogFile.write(rows.resolve("run1.parquet"), CatalogSchema.CATALOG, first);
        CatalogFile.write(rows.resolve("run2.parquet"), CatalogSchema.CATALOG, second);
        List<Path> files = CatalogReader.files(dir, CatalogSchema.CATALOG_DIR);
        java.util.function.Predicate<GenericRecord> match = r -> r.get("title").toString().startsWith("match");
        Map<String, String> one = titles(CatalogReader.latestWhere(files, Set.of("title"), match, 1));
        Map<String, String> three = titles(CatalogReader.latestWhere(files, Set.of("title"), match, 3));
        assertEquals(one, three);
        assertEquals("match again 14@100", three.get("n14.flac")); // the tie goes to the later row, as on one thread
        assertEquals(null, three.get("n1.flac"));                   // kept in run 1, superseded by an "other" row
        assertEquals("match 1999@100", three.get("n1999.flac"));
        assertEquals(1214, three.size()); // 500 even n < 1000, 47 odd ones whose later row ties, 667 of n ≥ 1000

        IllegalStateException boom = assertThrows(IllegalStateException.class, () -> CatalogReader.latestWhere(files, Set.of("title"), r -> {
            if (r.get("uri").toString().endsWith("/n1500.flac")) {
                throw new IllegalStateException("cannot test n1500");
            }
            return false;
        }, 3));
        assertEquals("cannot test n1500", boom.getMessage());
    }

    private static Map<String, String> titles(Map<String, GenericRecord> kept) {
        Map<String, String> titles = new java.util.TreeMap<>();
        kept.forEach((uri, r) -> titles.put(uri.substring(uri.lastIndexOf('/') + 1), r.get("title") + "@" + r.get("analysis_time")));
        return titles;
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
