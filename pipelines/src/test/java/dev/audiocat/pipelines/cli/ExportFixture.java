package dev.audiocat.pipelines.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.audiocat.features.AnalysisResult;
import dev.audiocat.features.AudioAnalyzer;
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
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericRecord;

/**
 * A catalog of real recordings (Sonic Pi samples through the real analyzer) and a real ledger for
 * export tests: {@code bd_haus} allowed (label-wide consent, in the license, with a royalty split),
 * {@code elec_blip} refused by its own consent, {@code drum_cowbell} allowed but not in the license,
 * {@code bass_hit_c} unknown to the ledger, {@code elec_ping} changed after it was catalogued, and a
 * byte-identical copy of {@code bd_haus} and one of {@code drum_cowbell}.
 */
final class ExportFixture {
    final Path library;
    final Path catalog;
    final String ledger;
    /** name → asset id (SHA-256 of the catalogued bytes) */
    final Map<String, String> ids = new LinkedHashMap<>();

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
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

    /** @param uriOf the URI each library file is catalogued under (its file: URI, or where a test put a copy) */
    ExportFixture(Path dir, Function<Path, String> uriOf) throws Exception {
        library = dir.resolve("library");
        Files.createDirectories(library);
        for (String n : List.of("bd_haus", "elec_blip", "drum_cowbell", "bass_hit_c", "elec_ping")) {
            Files.copy(Path.of("/usr/share/sonic-pi/samples", n + ".flac"), library.resolve(n + ".flac"));
        }
        Files.copy(library.resolve("bd_haus.flac"), library.resolve("copy-of-bd_haus.flac"));
        Files.copy(library.resolve("drum_cowbell.flac"), library.resolve("copy-of-drum_cowbell.flac"));
        catalog = dir.resolve("catalog");
        Files.createDirectories(catalog.resolve(CatalogSchema.CATALOG_DIR));
        AudioAnalyzer analyzer = AudioAnalyzer.builder().build();
        List<GenericRecord> rows = new ArrayList<>();
        try (Stream<Path> s = Files.list(library)) {
            for (Path f : s.sorted().toList()) {
                AnalysisResult r = analyzer.analyze(f);
                ids.putIfAbsent(f.getFileName().toString().replace(".flac", ""), r.assetId());
                rows.add(CatalogRecords.fromAnalysis(r, new CatalogRecords.Source(uriOf.apply(f), f.getFileName().toString(),
                        Files.getLastModifiedTime(f).toMillis(), "run-1", "test"), System.currentTimeMillis()));
            }
        }
        CatalogFile.write(catalog.resolve(CatalogSchema.CATALOG_DIR).resolve("part-0.parquet"), CatalogSchema.CATALOG, rows);
        assertEquals(7, CatalogReader.latestRows(catalog).size());

        ledger = dir.resolve("ledger").toString();
        Path parties = Files.writeString(dir.resolve("parties.csv"),
                "party_id,name,kind\nana,Ana,artist\nlbl,Label,label\nacme,ACME AI,licensee\n");
        Path assets = Files.writeString(dir.resolve("assets.csv"), "asset_id,owner,title\n"
                + ids.get("bd_haus") + ",lbl,Kick\n" + ids.get("elec_blip") + ",lbl,Blip\n"
                + ids.get("drum_cowbell") + ",lbl,Cowbell\n" + ids.get("elec_ping") + ",lbl,Ping\n");
        Path consents = Files.writeString(dir.resolve("consents.csv"),
                "consent_id,asset_id,party_id,purpose,value,territories,valid_from,evidence_sha256\n"
                        + "c-label,,lbl,ai_training,allowed,WORLD,2024-01-01," + "ab".repeat(32) + "\n"
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

    /** The rows of a CSV the export wrote, by asset id (the first row of each). */
    static Map<String, String[]> csvByAsset(Path f) throws Exception {
        Map<String, String[]> m = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(f);
        int idCol = List.of(lines.get(0).split(",")).indexOf("asset_id");
        for (String l : lines.subList(1, lines.size())) {
            String[] cells = l.split(",", -1);
            m.merge(cells[idCol], cells, (a, b) -> a);
        }
        return m;
    }
}
