package dev.audiocat.pipelines.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** verified/ after many --verify runs, dead-letters/ after many runs over broken files: one file with the newest record per URI, read as before. */
class DatasetCompactionTest {

    @TempDir
    Path catalog;

    /** Run {@code run} verified files 0..n-1 (each run a time later), file k of size 100 + k + run. */
    private void verifyRun(int run, int n) throws Exception {
        Path dir = Files.createDirectories(catalog.resolve(CatalogSchema.VERIFIED_DIR));
        List<GenericRecord> recs = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            recs.add(CatalogRecords.verified("file:///lib/" + k + ".wav", 100 + k + run, 1_000L * run, "asset" + k, "run" + run, 10_000L + run));
        }
        CatalogFile.write(dir.resolve("run" + String.format("%03d", run) + ".parquet"), CatalogSchema.VERIFIED, recs);
    }

    private Map<String, String> newest() {
        Map<String, String> out = new TreeMap<>();
        CatalogReader.newestPerUri(catalog, CatalogSchema.VERIFIED_DIR, u -> true)
                .forEach((uri, r) -> out.put(uri, r.get("size_bytes") + "@" + r.get("time") + " " + r.get("run_id")));
        return out;
    }

    /**
     * A file that stays broken gets a dead letter on every run; after compaction, {@code catalog show
     * --dead-letters} (and the demo's check) reads what it read before, and a file catalogued later stays left out.
     */
    @Test
    void deadLettersOfManyRunsBecomeOneFileAndReadAsBefore() throws Exception {
        Path dead = Files.createDirectories(catalog.resolve(CatalogSchema.DEAD_LETTER_DIR));
        for (int run = 0; run < 18; run++) {
            List<GenericRecord> recs = new ArrayList<>();
            recs.add(CatalogRecords.deadLetter("file:///lib/broken.wav", "broken.wav", 10, "DecodeAndAnalyze", "decode_error",
                    "run " + run + ": invalid data", null, "run" + run, 1_000L + run));
            if (run < 5) { // fixed after run 4: catalogued by run 5
                recs.add(CatalogRecords.deadLetter("file:///lib/fixed.wav", "fixed.wav", 10, "DecodeAndAnalyze", "timeout",
                        "run " + run + ": too slow", null, "run" + run, 1_000L + run));
            }
            CatalogFile.write(dead.resolve("part-run" + String.format("%03d", run) + ".parquet"), CatalogSchema.DEAD_LETTER, recs);
        }
        Path rows = Files.createDirectories(catalog.resolve(CatalogSchema.CATALOG_DIR));
        GenericData.Record fixedRow = (GenericData.Record) dev.audiocat.pipelines.transforms.SearchTestRows.row("fixed", "fixed", "C", "major", 120, 0, Map.of(), "granted");
        fixedRow.put("uri", "file:///lib/fixed.wav");
        fixedRow.put("analysis_time", 1_005L);
        CatalogFile.write(rows.resolve("part-run005.parquet"), CatalogSchema.CATALOG, List.of(fixedRow));

        List<String> before = CatalogReader.latestDeadLetters(catalog).stream().map(r -> r.get("uri") + " " + r.get("message")).toList();
        assertEquals(List.of("file:///lib/broken.wav run 17: invalid data"), before);
        assertEquals(18 + 5, CatalogReader.readAll(catalog, CatalogSchema.DEAD_LETTER_DIR).size());

        assertEquals(18, DatasetCompaction.compactIfNeeded(catalog, CatalogSchema.DEAD_LETTER_DIR, "r-d", 16));
        assertEquals(List.of(dead.resolve("compacted-r-d.parquet")), CatalogReader.files(catalog, CatalogSchema.DEAD_LETTER_DIR));
        assertEquals(before, CatalogReader.latestDeadLetters(catalog).stream().map(r -> r.get("uri") + " " + r.get("message")).toList());
        assertEquals(2, CatalogReader.readAll(catalog, CatalogSchema.DEAD_LETTER_DIR).size()); // the newest of each file
        assertEquals(1, CatalogReader.readAll(catalog, CatalogSchema.CATALOG_DIR).size());     // catalog rows are not touched

        IllegalArgumentException rowsRefused = assertThrows(IllegalArgumentException.class,
                () -> DatasetCompaction.compactIfNeeded(catalog, CatalogSchema.CATALOG_DIR, "r-e", 0));
        assertTrue(rowsRefused.getMessage().contains("catalog rows keep their history"), rowsRefused.getMessage());
    }

    /** A reader that meets a compaction half-way (its listed files deleted under it) reads the compacted file instead. */
    @Test
    void aReaderRacingACompactionReadsTheCompactedFile() throws Exception {
        for (int run = 0; run < 20; run++) {
            verifyRun(run, 5);
        }
        Map<String, String> before = newest();
        boolean[] compacted = {false};
        Map<String, String> during = new TreeMap<>();
        CatalogReader.newestPerUri(catalog, CatalogSchema.VERIFIED_DIR, uri -> {
            if (!compacted[0]) {
                compacted[0] = true; // an ingest compacts while this reader is in its first file
                assertEquals(20, DatasetCompaction.compactIfNeeded(catalog, CatalogSchema.VERIFIED_DIR, "r-x", 16));
            }
            return true;
        }).forEach((uri, r) -> during.put(uri, r.get("size_bytes") + "@" + r.get("time") + " " + r.get("run_id")));
        assertEquals(before, during);
    }

    @Test
    void manyRunsBecomeOneFileWithTheNewestRecordPerUri() throws Exception {
        for (int run = 0; run < 20; run++) {
            verifyRun(run, run == 19 ? 3 : 5); // the last run verified only files 0..2
        }
        Map<String, String> before = newest();
        assertEquals(5, before.size());
        assertEquals("121@10019 run19", before.get("file:///lib/2.wav"));
        assertEquals("122@10018 run18", before.get("file:///lib/4.wav"));

        assertEquals(0, DatasetCompaction.compactIfNeeded(catalog, CatalogSchema.VERIFIED_DIR, "r-a", 20), "20 files are not more than 20: left alone");
        assertEquals(20, CatalogReader.files(catalog, CatalogSchema.VERIFIED_DIR).size());

        assertEquals(20, DatasetCompaction.compactIfNeeded(catalog, CatalogSchema.VERIFIED_DIR, "r-b", 16));
        List<Path> files = CatalogReader.files(catalog, CatalogSchema.VERIFIED_DIR);
        assertEquals(List.of(catalog.resolve(CatalogSchema.VERIFIED_DIR).resolve("compacted-r-b.parquet")), files);
        assertEquals(before, newest());
        assertEquals(5, CatalogReader.readAll(catalog, CatalogSchema.VERIFIED_DIR).size());
        try (var s = Files.list(catalog.resolve(CatalogSchema.VERIFIED_DIR))) {
            assertEquals(1, s.count(), "no hidden file left behind");
        }

        // later runs add files again; the compacted file takes part in the next compaction like any other
        for (int run = 20; run < 37; run++) {
            verifyRun(run, 1);
        }
        assertEquals(18, DatasetCompaction.compactIfNeeded(catalog, CatalogSchema.VERIFIED_DIR, "r-c", 16));
        Map<String, String> after = newest();
        assertEquals("136@10036 run36", after.get("file:///lib/0.wav"));
        assertEquals(before.get("file:///lib/1.wav"), after.get("file:///lib/1.wav"));
        assertEquals(1, CatalogReader.files(catalog, CatalogSchema.VERIFIED_DIR).size());
    }
}
