package dev.audiocat.pipelines.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.audiocat.features.AnalysisResult;
import dev.audiocat.features.AudioAnalyzer;
import dev.audiocat.ledger.Ledger;
import dev.audiocat.ledger.Usage;
import dev.audiocat.pipelines.catalog.CatalogFile;
import dev.audiocat.pipelines.catalog.CatalogReader;
import dev.audiocat.pipelines.catalog.CatalogRecords;
import dev.audiocat.pipelines.catalog.CatalogSchema;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code audiocat export} through the real command line, on a catalog of real recordings (Sonic Pi
 * samples analysed by the real analyzer) and a real ledger: only what the consent rule allows goes
 * in, every other asset is listed with its reason, the package verifies with {@code sha256sum -c},
 * and the delivery is recorded in the ledger.
 */
class ExportCommandTest {

    @TempDir
    Path dir;

    Path library;
    Path catalog;
    String ledger;
    /** name → asset id (SHA-256) */
    final Map<String, String> ids = new LinkedHashMap<>();

    record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = Main.execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @BeforeEach
    void catalogAndLedger() throws Exception {
        library = dir.resolve("library");
        Files.createDirectories(library);
        // allowed, asset-level refusal, not in the license, unknown to the ledger, changed after cataloguing
        for (String n : List.of("bd_haus", "elec_blip", "drum_cowbell", "bass_hit_c", "elec_ping")) {
            Files.copy(Path.of("/usr/share/sonic-pi/samples", n + ".flac"), library.resolve(n + ".flac"));
        }
        Files.copy(library.resolve("bd_haus.flac"), library.resolve("copy-of-bd_haus.flac"));
        catalog = dir.resolve("catalog");
        Files.createDirectories(catalog.resolve(CatalogSchema.CATALOG_DIR));
        AudioAnalyzer analyzer = AudioAnalyzer.builder().build();
        List<GenericRecord> rows = new ArrayList<>();
        try (Stream<Path> s = Files.list(library)) {
            for (Path f : s.sorted().toList()) {
                AnalysisResult r = analyzer.analyze(f);
                ids.putIfAbsent(f.getFileName().toString().replace(".flac", ""), r.assetId());
                rows.add(CatalogRecords.fromAnalysis(r, new CatalogRecords.Source(f.toUri().toString(), f.getFileName().toString(),
                        Files.getLastModifiedTime(f).toMillis(), "run-1", "test"), System.currentTimeMillis()));
            }
        }
        CatalogFile.write(catalog.resolve(CatalogSchema.CATALOG_DIR).resolve("part-0.parquet"), CatalogSchema.CATALOG, rows);
        assertEquals(6, CatalogReader.latestRows(catalog).size());

        ledger = dir.resolve("ledger").toString();
        String evidence = "ab".repeat(32);
        Path parties = Files.writeString(dir.resolve("parties.csv"),
                "party_id,name,kind\nana,Ana,artist\nlbl,Label,label\nacme,ACME AI,licensee\n");
        Path assets = Files.writeString(dir.resolve("assets.csv"), "asset_id,owner,title\n"
                + ids.get("bd_haus") + ",lbl,Kick\n" + ids.get("elec_blip") + ",lbl,Blip\n"
                + ids.get("drum_cowbell") + ",lbl,Cowbell\n" + ids.get("elec_ping") + ",lbl,Ping\n");
        Path consents = Files.writeString(dir.resolve("consents.csv"),
                "consent_id,asset_id,party_id,purpose,value,territories,valid_from,evidence_sha256\n"
                        + "c-label,,lbl,ai_training,allowed,WORLD,2024-01-01," + evidence + "\n"
                        + "c-blip," + ids.get("elec_blip") + ",,ai_training,notAllowed,WORLD,2024-01-01," + "cd".repeat(32) + "\n");
        Path splits = Files.writeString(dir.resolve("splits.csv"), "split_id,asset_id,right_type,party_id,role,share,valid_from\n"
                + "s1," + ids.get("bd_haus") + ",master,ana,performer,0.6,2024-01-01\n"
                + "s1," + ids.get("bd_haus") + ",master,lbl,label,0.4,2024-01-01\n");
        Path licenses = Files.writeString(dir.resolve("licenses.csv"),
                "license_id,licensee,asset_ids,purposes,territories,valid_from,fee_amount,fee_currency\n"
                        + "L1,acme," + ids.get("bd_haus") + ";" + ids.get("elec_blip") + ";" + ids.get("elec_ping")
                        + ",ai_training,WORLD,2024-01-01,5000.00,EUR\n");
        Run imported = run("ledger", "import", "--ledger", ledger, parties.toString(), assets.toString(), consents.toString(),
                splits.toString(), licenses.toString());
        assertEquals(0, imported.code(), imported.err());
        // changed after it was catalogued: its bytes no longer match the asset id
        Files.write(library.resolve("elec_ping.flac"), new byte[] {0}, StandardOpenOption.APPEND);
    }

    private static Map<String, String[]> csvByAsset(Path f) throws Exception {
        Map<String, String[]> m = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(f);
        String[] header = lines.get(0).split(",");
        int idCol = List.of(header).indexOf("asset_id");
        for (String l : lines.subList(1, lines.size())) {
            String[] cells = l.split(",", -1);
            m.merge(cells[idCol], cells, (a, b) -> a);
        }
        return m;
    }

    @Test
    void onlyAllowedAssetsAreDeliveredAndTheDeliveryIsRecorded() throws Exception {
        Path pkg = dir.resolve("sets/acme-2026");
        long sizeBefore;
        try (Ledger l = Ledger.open(ledger)) {
            sizeBefore = l.size();
        }
        Run r = run("export", catalog.toString(), "--license", "L1", "--territory", "de", "--out", pkg.toString(), "--ledger", ledger);
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

        // every other asset is listed with why it stayed out
        Map<String, String[]> out = csvByAsset(pkg.resolve("metadata/excluded.csv"));
        assertEquals("no consent", out.get(ids.get("elec_blip"))[2]);
        assertEquals("not covered by the license", out.get(ids.get("drum_cowbell"))[2]);
        assertEquals("no consent", out.get(ids.get("bass_hit_c"))[2]);
        assertTrue(out.get(ids.get("bass_hit_c"))[3].startsWith("unknown asset"), String.join(",", out.get(ids.get("bass_hit_c"))));
        assertEquals("source changed", out.get(ids.get("elec_ping"))[2]);
        assertEquals("duplicate", out.get(ids.get("bd_haus"))[2], "the copy of bd_haus goes in once");
        assertEquals(5, Files.readAllLines(pkg.resolve("metadata/excluded.csv")).size() - 1);

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
        Run again = run("export", catalog.toString(), "--license", "L1", "--territory", "DE", "--out", pkg.toString(), "--ledger", ledger);
        assertEquals(1, again.code());
        assertTrue(again.err().contains("already exists and is not empty"), again.err());
    }

    @Test
    void dryRunDecidesWithoutWritingAndRequestsOutsideTheLicenseAreRefused() throws Exception {
        long sizeBefore;
        try (Ledger l = Ledger.open(ledger)) {
            sizeBefore = l.size();
        }
        Run dry = run("export", catalog.toString(), "--license", "L1", "--territory", "FR", "--dry-run", "--ledger", ledger);
        assertEquals(0, dry.code(), dry.err());
        assertTrue(dry.out().contains("  in   " + ids.get("bd_haus")), dry.out());
        assertTrue(dry.out().contains("  out  " + ids.get("elec_blip")), dry.out());
        assertTrue(dry.out().contains("would export 1 clips"), dry.out());
        // before the label's consent existed, nothing is allowed
        Run past = run("export", catalog.toString(), "--license", "L1", "--territory", "FR", "--dry-run", "--at", "2023-06-01",
                "--ledger", ledger);
        assertEquals(1, past.code());
        assertTrue(past.err().contains("license L1 is not in force at 2023-06-01T00:00:00Z"), past.err());
        try (Ledger l = Ledger.open(ledger)) {
            assertEquals(sizeBefore, l.size(), "a dry run records nothing");
        }
        assertFalse(Files.exists(catalog.resolve("dry-run")));

        Run purpose = run("export", catalog.toString(), "--license", "L1", "--territory", "FR", "--purpose", "commercial_license",
                "--out", dir.resolve("x").toString(), "--ledger", ledger);
        assertEquals(1, purpose.code());
        assertTrue(purpose.err().contains("license L1 does not grant commercial_license (it grants ai_training)"), purpose.err());
        Run unknown = run("export", catalog.toString(), "--license", "L9", "--territory", "FR", "--out", dir.resolve("y").toString(),
                "--ledger", ledger);
        assertEquals(1, unknown.code());
        assertTrue(unknown.err().contains("unknown license 'L9'"), unknown.err());
        assertFalse(Files.exists(dir.resolve("x")) || Files.exists(dir.resolve("y")));
    }
}
