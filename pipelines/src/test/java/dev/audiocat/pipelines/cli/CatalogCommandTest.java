package dev.audiocat.pipelines.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.audiocat.pipelines.catalog.CatalogFile;
import dev.audiocat.pipelines.catalog.CatalogRecords;
import dev.audiocat.pipelines.catalog.CatalogSchema;
import dev.audiocat.pipelines.transforms.SearchTestRows;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code catalog show}: the newest row per file, in URI order, as a table whose cells cannot inject terminal codes. */
class CatalogCommandTest {

    @TempDir
    Path dir;

    private static GenericRecord row(String asset, long time, double bpm, String fileName) {
        GenericData.Record r = (GenericData.Record) SearchTestRows.row(asset, asset, "A", "minor", bpm, 0, Map.of(), "granted");
        r.put("analysis_time", time);
        r.put("file_name", fileName);
        return r;
    }

    private static GenericRecord noMode(GenericRecord r) {
        r.put("key_mode", null);
        return r;
    }

    private static String show(String... args) {
        return CliRun.stdout(args);
    }

    @Test
    void tableHoldsTheNewestRowPerFileInUriOrder() throws Exception {
        Path rows = Files.createDirectories(dir.resolve(CatalogSchema.CATALOG_DIR));
        // stored out of URI order, one file re-analysed in a later run
        CatalogFile.write(rows.resolve("run1.parquet"), CatalogSchema.CATALOG,
                List.of(row("cccccccccccc-3", 100, 90, "c.flac"), row("aaaaaaaaaaaa-1", 100, 60, "a.flac")));
        CatalogFile.write(rows.resolve("run2.parquet"), CatalogSchema.CATALOG,
                List.of(row("aaaaaaaaaaaa-1", 200, 61, "a\u001b[2Jnew.flac"), noMode(row("bbbbbbbbbbbb-2", 100, 75, "b.flac"))));
        List<String> lines = show("catalog", "show", dir.toString()).lines().toList();
        assertEquals(6, lines.size(), String.join("\n", lines));
        assertEquals(List.of("a [2Jnew.flac", "b.flac", "c.flac", "3 rows"),
                List.of(lines.get(2).split("  ")[0], lines.get(3).split("  ")[0], lines.get(4).split("  ")[0], lines.get(5)));
        assertEquals(List.of("61.0", "75.0", "90.0"), lines.subList(2, 5).stream().map(l -> l.split(" +")[l.split(" +").length - 2]).toList());
        // the key column: tonic and mode, or the root alone for a note without mode
        assertTrue(List.of(lines.get(2).split(" {2,}")).contains("A minor"), lines.get(2));
        assertTrue(List.of(lines.get(3).split(" {2,}")).contains("A") && !lines.get(3).contains("null"), lines.get(3));
        // every line of the table is as wide as its widest cell makes the columns: the asset column starts at one place
        int at = lines.get(0).indexOf("asset_id");
        for (String l : lines.subList(2, 5)) {
            assertEquals(at, l.indexOf(l.substring(l.length() - 12)), l);
        }
    }

    @Test
    void deadLettersTable() throws Exception {
        Path dead = Files.createDirectories(dir.resolve(CatalogSchema.DEAD_LETTER_DIR));
        CatalogFile.write(dead.resolve("run1.parquet"), CatalogSchema.DEAD_LETTER, List.of(CatalogRecords.deadLetter(
                "file:///l/x.wav", "x.wav", 1, "DecodeAndAnalyze", "decode_error", "x.wav: no audio stream", null, "run1", 100)));
        List<String> lines = show("catalog", "show", dir.toString(), "--dead-letters").lines().toList();
        assertEquals("x.wav  DecodeAndAnalyze  decode_error  x.wav: no audio stream", lines.get(2));
        assertEquals("1 dead letters", lines.get(3));
    }

    @Test
    void verifiedShowsEachFilesNewestRead() throws Exception {
        Path verified = Files.createDirectories(dir.resolve(CatalogSchema.VERIFIED_DIR));
        String asset = "ab".repeat(32);
        CatalogFile.write(verified.resolve("run1.parquet"), CatalogSchema.VERIFIED, List.of(
                CatalogRecords.verified("file:///l/b.wav", 10, 1_700_000_000_000L, asset, "run1", 1_700_000_100_000L),
                CatalogRecords.verified("file:///l/a.wav", 10, 1_700_000_000_000L, asset, "run1", 1_700_000_100_000L)));
        CatalogFile.write(verified.resolve("run2.parquet"), CatalogSchema.VERIFIED, List.of(
                CatalogRecords.verified("file:///l/a.wav", 10, 1_700_000_000_000L, asset, "run2", 1_700_000_200_000L)));
        List<String> lines = show("catalog", "show", dir.toString(), "--verified").lines().toList();
        assertEquals("a.wav  2023-11-14T22:16:40Z  10    2023-11-14T22:13:20Z  abababababab  run2", lines.get(2));
        assertEquals("b.wav  2023-11-14T22:15:00Z  10    2023-11-14T22:13:20Z  abababababab  run1", lines.get(3));
        assertEquals("2 files verified", lines.get(4));
        List<String> json = show("catalog", "show", dir.toString(), "--verified", "--json").lines().toList();
        assertEquals(2, json.size());
        assertEquals("run2", new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.get(0)).get("run_id").asText());
    }
}
