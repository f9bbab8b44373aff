package dev.audiocat.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.audiocat.features.AudioAnalyzer;
import dev.audiocat.pipelines.catalog.CatalogJson;
import dev.audiocat.pipelines.catalog.CatalogReader;
import dev.audiocat.pipelines.catalog.CatalogSchema;
import dev.audiocat.pipelines.cli.DemoCommand;
import dev.audiocat.pipelines.demo.DemoLibrary;
import dev.audiocat.pipelines.demo.DemoManifest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The walking skeleton end to end on the embedded Flink runner (the default, not the DirectRunner):
 * the demo library in, a Parquet catalog and dead letters out, the accounting invariant, and
 * idempotence of a second run.
 */
class IngestIT {

    static Path library;
    static DemoManifest manifest;

    @TempDir
    Path out;

    @BeforeAll
    static void library() throws Exception {
        // shared by the pipelines ITs of one build: generated once into target/
        library = Path.of("target", "it-demo-library").toAbsolutePath();
        manifest = DemoLibrary.ensure(library, DemoLibrary.DEFAULT_SEED);
    }

    private IngestSummary ingest(Path catalog) {
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        // embedded Flink with two workers and the shipped tagging models; no ledger, references or search index
        return IngestRun.execute(library, catalog, IngestRun.Settings.defaults().withParallelism(2),
                new PrintStream(progress, true, StandardCharsets.UTF_8));
    }

    @Test
    void demoLibraryIsCataloguedExactlyOnceAndRerunsAddNothing() throws Exception {
        Path catalog = out.resolve("catalog");
        IngestSummary first = ingest(catalog);

        // accounting: every file found is a row or a dead letter
        assertEquals(manifest.files().size(), first.found());
        assertEquals(manifest.good().size(), first.catalogued());
        assertEquals(manifest.broken().size(), first.deadLetters());
        assertEquals(0, first.skipped());
        assertTrue(first.balanced());
        assertEquals(1, first.ignored(), "the manifest beside the files is not audio");
        assertEquals(manifest.totalAudioSeconds(), first.audioSeconds(), 0.5);

        List<GenericRecord> rows = CatalogReader.readAll(catalog, CatalogSchema.CATALOG_DIR);
        assertEquals(manifest.good().size(), rows.size());
        assertEquals(manifest.good().size(), rows.stream().map(r -> r.get("uri").toString()).distinct().count());
        // every good file has the designed rate, channels, duration and loudness; every broken one its reason
        List<DemoCommand.Check> checks = DemoCommand.check(manifest, library, catalog);
        assertEquals(manifest.files().size(), checks.size());
        List<DemoCommand.Check> failed = checks.stream().filter(c -> !c.ok()).toList();
        assertTrue(failed.isEmpty(), "mismatches: " + failed);
        // asset ids are the SHA-256 of the bytes
        Set<String> expectedIds = manifest.good().stream().map(DemoManifest.Entry::sha256).collect(Collectors.toSet());
        assertEquals(expectedIds, rows.stream().map(r -> r.get("asset_id").toString()).collect(Collectors.toSet()));
        // dead letters name the file and carry stage, reason and exception class
        List<GenericRecord> dead = CatalogReader.readAll(catalog, CatalogSchema.DEAD_LETTER_DIR);
        assertEquals(manifest.broken().size(), dead.size());
        for (GenericRecord d : dead) {
            assertEquals("DecodeAndAnalyze", d.get("stage").toString());
            assertTrue(d.get("message").toString().contains(d.get("file_name").toString()), d.get("message").toString());
            assertTrue(d.get("exception_class").toString().endsWith("DecodeException"));
        }

        assertJsonRows(catalog);

        // a second run over the unchanged folder skips every catalogued file and writes no new rows
        IngestSummary second = ingest(catalog);
        assertEquals(manifest.good().size(), second.skipped());
        assertEquals(0, second.catalogued());
        assertTrue(second.balanced());
        assertEquals(manifest.good().size(), CatalogReader.readAll(catalog, CatalogSchema.CATALOG_DIR).size());
        assertEquals(manifest.good().size(), CatalogReader.latestRows(catalog).size());

        // --retag after a model upgrade: a registry folder whose card replaces the built-in tagger with another version
        // re-analyses every catalogued file (and only those tagged by other models), then nothing
        Path registry = upgradedTagger(out.resolve("models"), "1.2.1-retag");
        IngestRun.Settings upgraded = IngestRun.Settings.defaults().withParallelism(2).withExtraBeamArgs(List.of("--modelsDir=" + registry));
        ByteArrayOutputStream noted = new ByteArrayOutputStream();
        IngestSummary plain = IngestRun.execute(library, catalog, upgraded, new PrintStream(noted, true, StandardCharsets.UTF_8));
        assertEquals(manifest.good().size(), plain.skipped(), "without --retag the old tags stay");
        assertTrue(noted.toString(StandardCharsets.UTF_8).contains("note: " + manifest.good().size()
                + " catalogued file(s) of this library carry tags of other models than the registry's"), noted.toString());
        IngestRun.Settings retag = upgraded.withRetag(true);
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        IngestSummary retagged = IngestRun.execute(library, catalog, retag, new PrintStream(said, true, StandardCharsets.UTF_8));
        assertTrue(said.toString(StandardCharsets.UTF_8).contains("re-tagging: " + manifest.good().size() + " catalogued file(s)"), said.toString());
        assertEquals(0, retagged.skipped());
        assertEquals(manifest.good().size(), retagged.catalogued());
        assertTrue(retagged.balanced());
        for (GenericRecord r : CatalogReader.latestRows(catalog)) {
            assertEquals("audiocat-tagger@1.2.1-retag", r.get("embedding_model").toString(), r.get("uri").toString());
            assertEquals(List.of("audiocat-tagger@1.2.1-retag", "audiocat-mood-descriptors@1.0.0"),
                    ((List<?>) r.get("model_versions")).stream().map(Object::toString).toList());
        }
        IngestSummary current = IngestRun.execute(library, catalog, retag, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertEquals(manifest.good().size(), current.skipped(), "rows the registry's models tagged are not analysed again");
        assertEquals(0, current.catalogued());
        IllegalArgumentException noModels = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> IngestRun.execute(library, catalog, retag.withTagging(false), new PrintStream(new ByteArrayOutputStream())));
        assertTrue(noModels.getMessage().contains("--no-tagging"), noModels.getMessage());

        // a copy of a catalogued file, ingested from another folder into the same catalog, is grouped with it
        DemoManifest.Entry original = manifest.good().stream().filter(e -> e.durationSeconds() >= 30).findFirst().orElseThrow();
        Path copies = out.resolve("copies");
        java.nio.file.Files.createDirectories(copies);
        java.nio.file.Files.copy(original.resolve(library), copies.resolve("copy-of-" + original.resolve(library).getFileName()));
        IngestSummary third = IngestRun.execute(copies, catalog, IngestRun.Settings.defaults().withParallelism(2).withTagging(false),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertEquals(1, third.catalogued());
        GenericRecord copy = CatalogReader.latestRows(catalog).stream()
                .filter(r -> r.get("uri").toString().contains("copy-of-")).findFirst().orElseThrow();
        assertEquals(original.sha256(), copy.get("asset_id").toString());
        assertEquals(original.sha256(), String.valueOf(copy.get("duplicate_group")), "the copy joins the original's duplicate group");

        // re-runs: a file with its catalogued size and modification time is not read; a touched one is read once and,
        // its bytes unchanged, skipped (its new time recorded); bytes changed under a known size and time are found by --verify only
        DemoManifest.Entry pcm = manifest.good().stream().filter(e -> e.path().endsWith(".wav") && e.durationSeconds() >= 5).findFirst().orElseThrow();
        Path fixity = out.resolve("fixity");
        java.nio.file.Files.createDirectories(fixity);
        Path take = fixity.resolve("take.wav");
        java.nio.file.Files.copy(pcm.resolve(library), take);
        IngestRun.Settings plainRun = IngestRun.Settings.defaults().withParallelism(2).withTagging(false);
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertEquals(1, IngestRun.execute(fixity, catalog, plainRun, quiet).catalogued());
        java.nio.file.attribute.FileTime catalogued = java.nio.file.Files.getLastModifiedTime(take);
        java.nio.file.Files.setLastModifiedTime(take, java.nio.file.attribute.FileTime.fromMillis(catalogued.toMillis() + 60_000));
        IngestSummary touched = IngestRun.execute(fixity, catalog, plainRun, quiet);
        assertEquals(List.of(1L, 0L), List.of(touched.skipped(), touched.catalogued()), "same bytes, new time: hashed and skipped");
        assertEquals(1, verifiedIn(catalog, touched.runId()), "the read is recorded with the new time");
        byte[] bytes = java.nio.file.Files.readAllBytes(take);
        for (int i = bytes.length / 2; i < bytes.length / 2 + 64; i++) {
            bytes[i] ^= 0x55; // inside the PCM data: still a valid file, different samples
        }
        java.nio.file.Files.write(take, bytes);
        java.nio.file.Files.setLastModifiedTime(take, java.nio.file.attribute.FileTime.fromMillis(catalogued.toMillis() + 60_000));
        IngestSummary quick = IngestRun.execute(fixity, catalog, plainRun, quiet);
        assertEquals(List.of(1L, 0L), List.of(quick.skipped(), quick.catalogued()), "the quick check trusts the size and time last read");
        assertEquals(0, verifiedIn(catalog, quick.runId()), "and does not read the file");
        IngestSummary verified = IngestRun.execute(fixity, catalog, plainRun.withVerify(true), quiet);
        assertEquals(1, verified.catalogued());
        assertEquals(List.of(take.toUri().toString()), verified.changedInPlace());
        assertTrue(verified.balanced());
        GenericRecord changed = CatalogReader.latestRows(catalog).stream().filter(r -> r.get("uri").toString().equals(take.toUri().toString()))
                .findFirst().orElseThrow();
        assertEquals(AudioAnalyzer.sha256(take), changed.get("asset_id").toString());
        assertEquals(0, IngestRun.execute(fixity, catalog, plainRun.withVerify(true), quiet).changedInPlace().size(), "verified again: nothing new");

        // a folder of links (an archive's "by artist" view): a link to a file is catalogued under the link's own
        // name, spaces and accents as written; a link to nothing is a dead letter that names where it points
        Path linked = out.resolve("linked");
        java.nio.file.Files.createDirectories(linked);
        java.nio.file.Files.createSymbolicLink(linked.resolve("l'été en prise ✓.wav"), original.resolve(library));
        java.nio.file.Files.createSymbolicLink(linked.resolve("gone.wav"), out.resolve("no-such-take.wav"));
        Path linkedCatalog = out.resolve("linked-catalog");
        IngestSummary fourth = IngestRun.execute(linked, linkedCatalog, IngestRun.Settings.defaults().withParallelism(2).withTagging(false),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertEquals(2, fourth.found());
        assertEquals(1, fourth.catalogued());
        assertEquals(1, fourth.deadLetters());
        assertTrue(fourth.balanced());
        GenericRecord viaLink = CatalogReader.latestRows(linkedCatalog).get(0);
        assertEquals("l'été en prise ✓.wav", viaLink.get("file_name").toString());
        assertEquals(original.sha256(), viaLink.get("asset_id").toString());
        GenericRecord gone = CatalogReader.readAll(linkedCatalog, CatalogSchema.DEAD_LETTER_DIR).get(0);
        assertEquals("broken_link", gone.get("reason").toString());
        assertTrue(gone.get("message").toString().contains("no-such-take.wav"), gone.get("message").toString());
    }

    private static long verifiedIn(Path catalog, String runId) {
        return CatalogReader.readAll(catalog, CatalogSchema.VERIFIED_DIR).stream().filter(r -> r.get("run_id").toString().equals(runId)).count();
    }

    /** A registry folder holding the shipped tagger's weights under a card that says {@code version}. */
    private static Path upgradedTagger(Path dir, String version) throws Exception {
        java.nio.file.Files.createDirectories(dir);
        String onnx = "audiocat-tagger-1.4.0.onnx";
        try (var in = IngestIT.class.getResourceAsStream("/models/" + onnx);
                var card = IngestIT.class.getResourceAsStream("/models/audiocat-tagger-1.4.0.json")) {
            java.nio.file.Files.copy(in, dir.resolve(onnx));
            ObjectMapper json = new ObjectMapper();
            var node = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(card);
            node.put("version", version);
            json.writeValue(dir.resolve("audiocat-tagger-" + version + ".json").toFile(), node);
        }
        return dir;
    }

    /**
     * The copyright check inside ingest on embedded Flink (the hash join, the vote, the verification
     * joined by reference): a 5 s slowed-down excerpt of a reference is found with its offset and time
     * scale and flagged as unlicensed; an unrelated recording is checked and clean.
     */
    @Test
    void ingestChecksAssetsAgainstAReferenceIndex() throws Exception {
        Path samples = Path.of("/usr/share/sonic-pi/samples");
        Path index = out.resolve("refs");
        dev.audiocat.features.fingerprint.ReferenceIndex idx = dev.audiocat.features.fingerprint.ReferenceIndex.open(index);
        for (String name : List.of("loop_tabla.flac", "guit_em9.flac", "loop_amen_full.flac")) {
            Path p = samples.resolve(name);
            assertTrue(p.toFile().isFile(), p + " is missing: install sonic-pi-samples (.ci/run)");
            idx.add("ref-" + name, p.toUri().toString(), dev.audiocat.features.fingerprint.LandmarkExtractor.extract(p, 0));
        }
        idx.save();
        Path lib = out.resolve("lib");
        java.nio.file.Files.createDirectories(lib);
        Process sox = new ProcessBuilder("sox", samples.resolve("loop_tabla.flac").toString(), lib.resolve("tabla_excerpt.wav").toString(),
                "trim", "2", "5", "tempo", "0.95").redirectErrorStream(true).start();
        String soxOut = new String(sox.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, sox.waitFor(), soxOut);
        java.nio.file.Files.copy(samples.resolve("loop_garzul.flac"), lib.resolve("loop_garzul.flac"));

        Path catalog = out.resolve("checked");
        IngestSummary s = IngestRun.execute(lib, catalog, IngestRun.Settings.defaults().withParallelism(2).withTagging(false)
                .withReferences(index.toString()), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertEquals(2, s.catalogued());
        java.util.Map<String, GenericRecord> byName = CatalogReader.latestRows(catalog).stream()
                .collect(Collectors.toMap(r -> r.get("file_name").toString(), r -> r));
        GenericRecord hit = byName.get("tabla_excerpt.wav");
        List<?> matches = (List<?>) hit.get("reference_matches");
        assertEquals(1, matches.size(), "matches: " + matches);
        GenericRecord m = (GenericRecord) matches.get(0);
        assertEquals("ref-loop_tabla.flac", m.get("reference_id").toString());
        assertEquals(0.95, (double) m.get("time_scale"), 0.015);
        double atQueryStart = (double) m.get("reference_offset_seconds") - (double) m.get("time_scale") * (double) m.get("query_offset_seconds");
        assertEquals(2.0, atQueryStart, 0.15);
        assertEquals(Boolean.TRUE, hit.get("unlicensed_match"), "no ledger, no licence: flagged");
        GenericRecord clean = byName.get("loop_garzul.flac");
        assertEquals(List.of(), clean.get("reference_matches"));
        assertEquals(Boolean.FALSE, clean.get("unlicensed_match"));
    }

    /** Rows as `catalog show --json` prints them: every schema field present, null when unfilled. */
    private static void assertJsonRows(Path catalog) throws Exception {
        ObjectMapper m = new ObjectMapper();
        List<GenericRecord> rows = CatalogReader.latestRows(catalog);
        assertEquals(manifest.good().size(), rows.size());
        for (GenericRecord r : rows) {
            JsonNode json = m.readTree(m.writeValueAsString(CatalogJson.toMap(r)));
            for (Schema.Field f : CatalogSchema.CATALOG.getFields()) {
                assertTrue(json.has(f.name()), "field " + f.name() + " missing from the JSON row");
            }
            assertEquals(r.get("asset_id").toString(), json.get("asset_id").asText());
        }
    }
}
