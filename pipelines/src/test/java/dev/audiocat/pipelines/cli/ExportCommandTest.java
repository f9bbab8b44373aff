package dev.audiocat.pipelines.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.audiocat.features.AudioAnalyzer;
import dev.audiocat.ledger.Ledger;
import dev.audiocat.ledger.Usage;
import dev.audiocat.pipelines.catalog.CatalogReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code audiocat export} through the real command line, on the {@link ExportFixture} catalog (real
 * samples analysed by the real analyzer) and a real ledger: only what the consent rule allows goes
 * in, every other asset is listed with its reason, the package verifies with {@code sha256sum -c},
 * and the delivery is recorded in the ledger.
 */
class ExportCommandTest {

    @TempDir
    Path dir;

    ExportFixture f;
    Path library;
    Path catalog;
    String ledger;
    Map<String, String> ids;

    private static ExportFixture.Run run(String... args) {
        return ExportFixture.run(args);
    }

    private static Map<String, String[]> csvByAsset(Path file) throws Exception {
        return ExportFixture.csvByAsset(file);
    }

    @BeforeEach
    void catalogAndLedger() throws Exception {
        f = new ExportFixture(dir, p -> p.toUri().toString());
        library = f.library;
        catalog = f.catalog;
        ledger = f.ledger;
        ids = f.ids;
    }

    @Test
    void onlyAllowedAssetsAreDeliveredAndTheDeliveryIsRecorded() throws Exception {
        Path pkg = dir.resolve("sets/acme-2026");
        long sizeBefore;
        try (Ledger l = Ledger.open(ledger)) {
            sizeBefore = l.size();
        }
        ExportFixture.Run r = run("export", catalog.toString(), "--license", "L1", "--territory", "de", "--out", pkg.toString(), "--ledger", ledger);
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("exported 1 clips"), r.out());

        // exactly the one allowed asset, byte for byte
        try (Stream<Path> s = Files.list(pkg.resolve("audio"))) {
            assertEquals(List.of(ids.get("bd_haus") + ".flac"), s.map(p -> p.getFileName().toString()).toList());
        }
        assertEquals(-1L, Files.mismatch(pkg.resolve("audio/" + ids.get("bd_haus") + ".flac"), library.resolve("bd_haus.flac")));

        String[] clip = csvByAsset(pkg.resolve("metadata/clips.csv")).get(ids.get("bd_haus"));
        String clipsCsv = Files.readString(pkg.resolve("metadata/clips.csv"));
        assertTrue(clipsCsv.startsWith("file,asset_id,sha256,bytes,duration_seconds,source_uri,consent_id,consent_evidence_sha256,"), clipsCsv);
        assertEquals("c-label", clip[6], clipsCsv);
        assertEquals("ab".repeat(32), clip[7]);
        assertEquals("L1", clip[8]);
        assertEquals("master:ana:performer:0.6;master:lbl:label:0.4", clip[9]);

        // every other asset of the license is listed with why it stayed out; the rest of the catalog is not the
        // licensee's business (its paths, other contributors' consent decisions): the seller's console counts it
        Map<String, String[]> out = csvByAsset(pkg.resolve("metadata/excluded.csv"));
        assertEquals("no consent", out.get(ids.get("elec_blip"))[2]);
        assertEquals("source changed", out.get(ids.get("elec_ping"))[2]);
        assertEquals("duplicate", out.get(ids.get("bd_haus"))[2], "the copy of bd_haus goes in once");
        assertEquals(3, Files.readAllLines(pkg.resolve("metadata/excluded.csv")).size() - 1);
        for (String outside : List.of("drum_cowbell", "bass_hit_c")) {
            for (Path meta : List.of(pkg.resolve("metadata/excluded.csv"), pkg.resolve("DATASET_CARD.md"), pkg.resolve("croissant.json"))) {
                String text = Files.readString(meta);
                assertFalse(text.contains(ids.get(outside)) || text.contains(outside + ".flac"), meta + " names " + outside + ":\n" + text);
            }
        }
        // a copy of an asset outside the license is outside it too, not a "duplicate" the package would name
        assertTrue(r.out().contains("left out 6 {duplicate=1, no consent=1, not covered by the license=3, source changed=1}"), r.out());

        // the Parquet metadata is the included catalog row
        List<GenericRecord> meta = new ArrayList<>();
        CatalogReader.forEach(pkg, "metadata", meta::add);
        assertEquals(1, meta.size());
        assertEquals(ids.get("bd_haus"), meta.get(0).get("asset_id").toString());

        // the package verifies with the standard tool
        Process p = new ProcessBuilder("sha256sum", "-c", "--strict", "SHA256SUMS").directory(pkg.toFile()).redirectErrorStream(true).start();
        String check = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), check);
        assertEquals(6, check.lines().filter(l -> l.endsWith(": OK")).count(), check); // audio, 3 metadata files, croissant, card

        JsonNode croissant = new ObjectMapper().readTree(pkg.resolve("croissant.json").toFile());
        assertEquals("http://mlcommons.org/croissant/1.0", croissant.get("conformsTo").asText());
        assertEquals("sc:Dataset", croissant.get("@type").asText());
        for (JsonNode d : croissant.get("distribution")) {
            if (d.has("sha256")) {
                assertEquals(AudioAnalyzer.sha256(pkg.resolve(d.get("contentUrl").asText())),
                        d.get("sha256").asText(), d.toString());
            }
        }
        String card = Files.readString(pkg.resolve("DATASET_CARD.md"));
        assertTrue(card.contains("| licensee | `acme` |") && card.contains("| clips | 1 "), card);
        assertTrue(card.contains("| left out | 3 of the license's assets") && !card.contains("not covered"), card);

        // recorded: one more ledger entry, a usage of L1 for exactly the delivered asset
        try (Ledger l = Ledger.open(ledger)) {
            assertEquals(sizeBefore + 1, l.size());
            List<Usage> usages = l.state().usages();
            assertEquals(1, usages.size());
            assertEquals("L1", usages.get(0).licenseId());
            assertEquals(List.of(ids.get("bd_haus")), usages.get(0).assetIds());
            assertTrue(r.out().contains(usages.get(0).exportId()), r.out());
        }
        try (Stream<Path> s = Files.list(pkg.getParent())) {
            assertEquals(List.of(pkg), s.toList(), "no partial folder is left beside the package");
        }

        // never over another export
        ExportFixture.Run again = run("export", catalog.toString(), "--license", "L1", "--territory", "DE", "--out", pkg.toString(), "--ledger", ledger);
        assertEquals(1, again.code());
        assertTrue(again.err().contains("already exists and is not empty"), again.err());
    }

    @Test
    void dryRunDecidesWithoutWritingAndRequestsOutsideTheLicenseAreRefused() throws Exception {
        long sizeBefore;
        try (Ledger l = Ledger.open(ledger)) {
            sizeBefore = l.size();
        }
        ExportFixture.Run dry = run("export", catalog.toString(), "--license", "L1", "--territory", "FR", "--dry-run", "--ledger", ledger);
        assertEquals(0, dry.code(), dry.err());
        assertTrue(dry.out().contains("  in   " + ids.get("bd_haus")), dry.out());
        assertTrue(dry.out().contains("  out  " + ids.get("elec_blip")), dry.out());
        // the seller's view: every catalog asset, those outside the license and the ledger too
        assertTrue(dry.out().contains("  out  " + ids.get("drum_cowbell") + "  " + library.resolve("drum_cowbell.flac").toUri()
                + "  not covered by the license: license L1 does not list this asset"), dry.out());
        assertTrue(dry.out().contains("  out  " + ids.get("bass_hit_c")), dry.out());
        assertTrue(dry.out().contains("would export 1 clips"), dry.out());
        // before the label's consent existed, nothing is allowed
        ExportFixture.Run past = run("export", catalog.toString(), "--license", "L1", "--territory", "FR", "--dry-run", "--at", "2023-06-01",
                "--ledger", ledger);
        assertEquals(1, past.code());
        assertTrue(past.err().contains("license L1 is not in force at 2023-06-01T00:00:00Z"), past.err());
        try (Ledger l = Ledger.open(ledger)) {
            assertEquals(sizeBefore, l.size(), "a dry run records nothing");
        }
        assertFalse(Files.exists(catalog.resolve("dry-run")));

        ExportFixture.Run purpose = run("export", catalog.toString(), "--license", "L1", "--territory", "FR", "--purpose", "commercial_license",
                "--out", dir.resolve("x").toString(), "--ledger", ledger);
        assertEquals(1, purpose.code());
        assertTrue(purpose.err().contains("license L1 does not grant commercial_license (it grants ai_training)"), purpose.err());
        ExportFixture.Run unknown = run("export", catalog.toString(), "--license", "L9", "--territory", "FR", "--out", dir.resolve("y").toString(),
                "--ledger", ledger);
        assertEquals(1, unknown.code());
        assertTrue(unknown.err().contains("unknown license 'L9'"), unknown.err());
        assertFalse(Files.exists(dir.resolve("x")) || Files.exists(dir.resolve("y")));
    }
}
