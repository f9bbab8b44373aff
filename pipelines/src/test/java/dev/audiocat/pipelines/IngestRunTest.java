package dev.audiocat.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.audiocat.pipelines.catalog.CatalogLock;
import dev.audiocat.pipelines.catalog.CatalogRecords;
import dev.audiocat.pipelines.catalog.CatalogSchema;
import dev.audiocat.pipelines.transforms.TagWithModels;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a re-run analyses: files and objects with a new size or time, new ones, with --retag what other models tagged, with --verify all; and what the workers compare by hash. */
class IngestRunTest {

    @TempDir
    Path dir;

    /** A second ingest into a catalog that another is writing stops before it reads or writes anything. */
    @Test
    void anIngestIntoACatalogBeingWrittenStopsAndSaysWhy() throws Exception {
        Path library = Files.createDirectories(dir.resolve("library"));
        Files.write(library.resolve("a.wav"), new byte[] {1, 2, 3});
        Path catalog = dir.resolve("catalog");
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        try (CatalogLock other = CatalogLock.acquire(catalog, "ingest of /srv/other")) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> IngestRun.execute(library, catalog,
                    IngestRun.Settings.defaults().withTagging(false), new PrintStream(said, true)));
            assertTrue(e.getMessage().contains("another ingest is writing this catalog") && e.getMessage().contains("ingest of /srv/other"),
                    e.getMessage());
        }
        assertEquals("", said.toString());
        assertFalse(Files.exists(catalog.resolve(CatalogSchema.CATALOG_DIR)));
    }

    private static GenericRecord row(String uri, String assetId, long size, long modified, List<String> models) {
        GenericData.Record r = new GenericData.Record(CatalogSchema.CATALOG);
        r.put("analysis_time", 1_000L);
        r.put("uri", uri);
        r.put("asset_id", assetId);
        r.put("size_bytes", size);
        r.put("modified_time", modified);
        r.put("model_versions", models);
        return r;
    }

    @Test
    void unchangedObjectsAreLeftOutUnlessTheirRowDoesNotStand() {
        List<String> current = List.of("audiocat-tagger@1.4.0", "audiocat-mood-descriptors@1.0.0");
        Map<String, GenericRecord> rows = Map.of(
                "s3://b/same.wav", row("s3://b/same.wav", "a-same", 100, 5, current),
                "s3://b/old-model.wav", row("s3://b/old-model.wav", "a-old", 100, 5, List.of("audiocat-tagger@1.1.0", "audiocat-mood-descriptors@1.0.0")),
                "s3://b/untagged.wav", row("s3://b/untagged.wav", "a-untagged", 100, 5, null),
                "s3://b/changed.wav", row("s3://b/changed.wav", "a-changed", 100, 5, current));
        List<AudioFile> listed = List.of(
                new AudioFile("s3://b/same.wav", null, 100, 5),
                new AudioFile("s3://b/old-model.wav", null, 100, 5),
                new AudioFile("s3://b/untagged.wav", null, 100, 5),
                new AudioFile("s3://b/changed.wav", null, 100, 6),
                new AudioFile("s3://b/new.wav", null, 100, 5));
        Predicate<GenericRecord> always = r -> true;
        // a changed object is still compared by content hash in the worker: a touch without new bytes is skipped there
        assertEquals(List.of("s3://b/changed.wav a-changed", "s3://b/new.wav null"), described(IngestRun.toAnalyse(listed, rows, Map.of(), always, true)));
        Predicate<GenericRecord> retag = r -> TagWithModels.taggedBy(r, current);
        assertEquals(List.of("s3://b/old-model.wav null", "s3://b/untagged.wav null", "s3://b/changed.wav a-changed", "s3://b/new.wav null"),
                described(IngestRun.toAnalyse(listed, rows, Map.of(), retag, true)));
        assertEquals(5, IngestRun.toAnalyse(listed, rows, Map.of(), r -> false, true).stream().filter(f -> f.catalogued() == null).count(), "--redo");
        assertEquals(List.of("s3://b/same.wav a-same", "s3://b/changed.wav a-changed", "s3://b/new.wav null"),
                described(IngestRun.toAnalyse(listed, rows, Map.of(), always, false).stream().filter(f -> !f.uri().contains("old") && !f.uri().contains("untagged")).toList()),
                "--verify downloads and hashes the unchanged objects too");
    }

    @Test
    void localFilesWithTheirCataloguedSizeAndTimeAreNotReadUnlessVerified() {
        List<String> current = List.of("audiocat-tagger@1.4.0");
        Map<String, GenericRecord> rows = Map.of(
                "file:///l/kept.wav", row("file:///l/kept.wav", "a-kept", 100, 5, current),
                "file:///l/touched.wav", row("file:///l/touched.wav", "a-touched", 100, 5, current),
                "file:///l/old.wav", row("file:///l/old.wav", "a-old", 100, 5, List.of("audiocat-tagger@1.1.0")));
        List<AudioFile> listed = List.of(
                new AudioFile("file:///l/kept.wav", "/l/kept.wav", 100, 5),
                new AudioFile("file:///l/touched.wav", "/l/touched.wav", 100, 9),
                new AudioFile("file:///l/old.wav", "/l/old.wav", 100, 5),
                new AudioFile("file:///l/new.wav", "/l/new.wav", 100, 5));
        Predicate<GenericRecord> standing = r -> TagWithModels.taggedBy(r, current);
        // the quick check: kept.wav is not read at all; touched.wav is hashed by the worker and skipped if its bytes are the same
        assertEquals(List.of("file:///l/touched.wav a-touched", "file:///l/old.wav null", "file:///l/new.wav null"),
                described(IngestRun.toAnalyse(listed, rows, Map.of(), standing, true)));
        // --verify: every catalogued file is read and compared
        assertEquals(List.of("file:///l/kept.wav a-kept", "file:///l/touched.wav a-touched", "file:///l/old.wav null", "file:///l/new.wav null"),
                described(IngestRun.toAnalyse(listed, rows, Map.of(), standing, false)));
        // a listing without a modification time (an unreadable attribute) is never taken as unchanged
        assertEquals(false, IngestRun.knownStat(new AudioFile("file:///l/kept.wav", "/l/kept.wav", 100, 0), rows.get("file:///l/kept.wav"), null));

        // a later run read touched.wav at time 9 and found the row's bytes: from then on it is skipped unread
        GenericRecord seen = CatalogRecords.verified("file:///l/touched.wav", 100, 9, "a-touched", "run2", 2_000);
        assertEquals(List.of("file:///l/old.wav null", "file:///l/new.wav null"),
                described(IngestRun.toAnalyse(listed, rows, Map.of("file:///l/touched.wav", seen), standing, true)));
        // ... but not on a record of other bytes, or one older than the row
        GenericRecord other = CatalogRecords.verified("file:///l/touched.wav", 100, 9, "a-other", "run2", 2_000);
        GenericRecord older = CatalogRecords.verified("file:///l/touched.wav", 100, 9, "a-touched", "run0", 500);
        for (GenericRecord v : List.of(other, older)) {
            assertEquals(false, IngestRun.knownStat(listed.get(1), rows.get("file:///l/touched.wav"), v), v.toString());
        }
    }

    private static List<String> described(List<AudioFile> files) {
        return files.stream().map(f -> f.uri() + " " + f.catalogued()).toList();
    }
}
