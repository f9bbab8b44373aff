package dev.audiocat.pipelines.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.audiocat.features.fingerprint.LandmarkExtractor;
import dev.audiocat.features.fingerprint.ReferenceIndex;
import dev.audiocat.pipelines.catalog.CatalogSchema;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Beam hash join on the DirectRunner: real files, a real reference index, query hashes from a
 * second decode and from the analysis pass; a slowed-down excerpt of a reference is found, an
 * unrelated recording is checked and clean, a row whose file is gone is left unchecked.
 */
class CheckFingerprintsTest {

    static final Path SAMPLES = Path.of("/usr/share/sonic-pi/samples");

    @TempDir
    static Path dir;
    static Path indexDir;
    static Path excerpt;
    static Path unrelated;

    @BeforeAll
    static void build() throws Exception {
        indexDir = dir.resolve("refs");
        ReferenceIndex idx = ReferenceIndex.open(indexDir);
        for (String name : List.of("loop_tabla.flac", "guit_em9.flac", "loop_amen_full.flac")) {
            Path p = SAMPLES.resolve(name);
            assertTrue(p.toFile().isFile(), p + " is missing: install sonic-pi-samples (scripts/tools.sh)");
            idx.add("ref-" + name, p.toUri().toString(), LandmarkExtractor.extract(p, 0));
        }
        idx.save();
        excerpt = dir.resolve("tabla_excerpt.wav");
        sh("sox", SAMPLES.resolve("loop_tabla.flac").toString(), excerpt.toString(), "trim", "2", "7", "tempo", "0.95");
        unrelated = SAMPLES.resolve("loop_garzul.flac");
    }

    static void sh(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", cmd) + ": " + out);
    }

    static GenericRecord row(String assetId, Path file) {
        return new GenericRecordBuilder(CatalogSchema.CATALOG)
                .set("schema_version", CatalogSchema.VERSION)
                .set("asset_id", assetId)
                .set("audio_id", "pcm-" + assetId)
                .set("uri", file.toUri().toString())
                .set("file_name", file.getFileName().toString())
                .set("size_bytes", 1234L)
                .set("pipeline_version", "test")
                .set("analysis_time", 1_700_000_000_000L)
                .set("run_id", "r1")
                .build();
    }

    static Map<String, GenericRecord> byId(Iterable<GenericRecord> rows) {
        Map<String, GenericRecord> m = new HashMap<>();
        rows.forEach(r -> m.put(r.get("asset_id").toString(), r));
        return m;
    }

    static void assertChecked(Map<String, GenericRecord> rows) {
        assertEquals(3, rows.size());
        GenericRecord hit = rows.get("asset-excerpt");
        List<?> matches = (List<?>) hit.get("reference_matches");
        assertEquals(1, matches.size(), "matches: " + matches);
        GenericRecord m = (GenericRecord) matches.get(0);
        assertEquals("ref-loop_tabla.flac", m.get("reference_id").toString());
        assertEquals(SAMPLES.resolve("loop_tabla.flac").toUri().toString(), m.get("reference_uri").toString());
        assertEquals(0.95, (double) m.get("time_scale"), 0.015);
        double atQueryStart = (double) m.get("reference_offset_seconds") - (double) m.get("time_scale") * (double) m.get("query_offset_seconds");
        assertEquals(2.0, atQueryStart, 0.15);
        assertTrue((double) m.get("score") >= 15, "score " + m.get("score"));
        assertNull(m.get("licensed"));
        assertEquals(Boolean.TRUE, hit.get("unlicensed_match"), "no licence known: flagged");

        GenericRecord clean = rows.get("asset-unrelated");
        assertEquals(List.of(), clean.get("reference_matches"));
        assertEquals(Boolean.FALSE, clean.get("unlicensed_match"));

        GenericRecord gone = rows.get("asset-gone");
        assertNull(gone.get("reference_matches"), "a file that cannot be read is not checked");
        assertNull(gone.get("unlicensed_match"));
    }

    @Test
    void findsTheExcerptWithASecondDecode() {
        Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner", "--enforceImmutability=false", "--enforceEncodability=false", "--targetParallelism=2").create());
        PCollection<GenericRecord> out = p
                .apply(Create.of(row("asset-excerpt", excerpt), row("asset-unrelated", unrelated), row("asset-gone", dir.resolve("gone.wav")))
                        .withCoder(AvroCoder.of(GenericRecord.class, CatalogSchema.CATALOG)))
                .apply("CheckFingerprints", CheckFingerprints.against(indexDir).withShards(3).withBuckets(8));
        PAssert.that(out).satisfies(rows -> {
            assertChecked(byId(rows));
            return null;
        });
        p.run().waitUntilFinish();
    }

    /** The excerpt's and the unrelated recording's hashes, as the analysis pass hands them over. */
    static PCollection<KV<String, byte[]>> analysisHashes(Pipeline p) throws Exception {
        return p.apply("AnalysisHashes", Create.of(
                        KV.of("asset-excerpt", LandmarkExtractor.extract(excerpt, 0).toBytes()),
                        KV.of("asset-unrelated", LandmarkExtractor.extract(unrelated, 0).toBytes()))
                .withCoder(KvCoder.of(StringUtf8Coder.of(), ByteArrayCoder.of())));
    }

    @Test
    void usesQueryHashesFromTheAnalysisPassAndLicences() throws Exception {
        Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner", "--enforceImmutability=false", "--enforceEncodability=false", "--targetParallelism=2").create());
        PCollection<KV<String, byte[]>> hashes = analysisHashes(p);
        PCollection<GenericRecord> out = p
                .apply(Create.of(row("asset-excerpt", excerpt), row("asset-unrelated", unrelated), row("asset-gone", dir.resolve("gone.wav")))
                        .withCoder(AvroCoder.of(GenericRecord.class, CatalogSchema.CATALOG)))
                .apply("CheckFingerprints", CheckFingerprints.against(indexDir).withBuckets(8).withQueryHashes(hashes)
                        .withLicences((asset, ref) -> "asset-excerpt".equals(asset) && ref.equals("ref-loop_tabla.flac") ? Boolean.TRUE : null));
        PAssert.that(out).satisfies(rows -> {
            Map<String, GenericRecord> m = byId(rows);
            GenericRecord hit = m.get("asset-excerpt");
            GenericRecord match = (GenericRecord) ((List<?>) hit.get("reference_matches")).get(0);
            assertEquals(Boolean.TRUE, match.get("licensed"));
            assertEquals(Boolean.FALSE, hit.get("unlicensed_match"), "licensed match: not flagged");
            assertEquals(List.of(), m.get("asset-unrelated").get("reference_matches"));
            assertNull(m.get("asset-gone").get("reference_matches"));
            return null;
        });
        p.run().waitUntilFinish();
    }

    /**
     * Verification runs inside the join, with the reference peaks gathered from the postings: with a
     * vote threshold of 1 every chance alignment of the unrelated recording becomes a candidate, and
     * peak verification must reject them all (the counter says it ran) while the real excerpt stays,
     * scored exactly as the local matcher scores it.
     */
    @Test
    void verificationRejectsChanceVotesInTheJoin() throws Exception {
        Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner", "--enforceImmutability=false", "--enforceEncodability=false", "--targetParallelism=2").create());
        PCollection<KV<String, byte[]>> hashes = analysisHashes(p);
        PCollection<GenericRecord> out = p
                .apply(Create.of(row("asset-excerpt", excerpt), row("asset-unrelated", unrelated))
                        .withCoder(AvroCoder.of(GenericRecord.class, CatalogSchema.CATALOG)))
                .apply("CheckFingerprints", CheckFingerprints.against(indexDir).withShards(2).withBuckets(8).withMinScore(1).withQueryHashes(hashes));
        ReferenceIndex local = ReferenceIndex.open(indexDir);
        var expected = new dev.audiocat.features.fingerprint.ExcerptMatcher(local)
                .match(LandmarkExtractor.extract(excerpt, 0), 1).get(0);
        String expectedId = expected.referenceId();
        double expectedScore = expected.score();
        PAssert.that(out).satisfies(rows -> {
            Map<String, GenericRecord> m = byId(rows);
            assertEquals(List.of(), m.get("asset-unrelated").get("reference_matches"), "chance votes must fail verification");
            List<?> found = (List<?>) m.get("asset-excerpt").get("reference_matches");
            GenericRecord best = (GenericRecord) found.get(0);
            assertEquals("ref-loop_tabla.flac", best.get("reference_id").toString());
            assertEquals(expectedId, best.get("reference_id").toString());
            assertEquals(expectedScore, (double) best.get("score"), 0.0, "the join scores as the local matcher does");
            return null;
        });
        PipelineResult result = p.run();
        result.waitUntilFinish();
        long rejected = result.metrics().queryMetrics(MetricsFilter.builder()
                        .addNameFilter(MetricNameFilter.named(CheckFingerprints.class, "votes_rejected_by_peak_verification")).build())
                .getCounters().iterator().next().getCommitted();
        assertTrue(rejected >= 1, "chance votes reached verification and were rejected: " + rejected);
    }

    static Map<String, Object> ev(Object... kv) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    /**
     * Licences come from the ledger, as ingest wires them: the label that owns one copy of the
     * excerpt holds a licence for the reference recording (an asset in the ledger under its
     * reference id); the artist that owns the other copy holds none; a third copy is unknown.
     */
    @Test
    void licencesComeFromTheLedger() throws Exception {
        Path ledgerDir = dir.resolve("ledger");
        try (dev.audiocat.ledger.Ledger l = dev.audiocat.ledger.Ledger.open(
                new dev.audiocat.ledger.store.LocalFolderStore(ledgerDir, false))) {
            l.append(java.util.stream.Stream.of(
                    ev("type", "party", "party_id", "lbl", "name", "Label", "kind", "label"),
                    ev("type", "party", "party_id", "ana", "name", "Ana", "kind", "artist"),
                    ev("type", "party", "party_id", "spi", "name", "Sonic Pi", "kind", "publisher"),
                    ev("type", "asset", "asset_id", "ref-loop_tabla.flac", "owner", "spi"),
                    ev("type", "asset", "asset_id", "copy-of-label", "owner", "lbl"),
                    ev("type", "asset", "asset_id", "copy-of-ana", "owner", "ana"),
                    ev("type", "license", "license_id", "L-tabla", "licensee", "lbl",
                            "asset_ids", List.of("ref-loop_tabla.flac"), "purposes", List.of("commercial_license"),
                            "territories", List.of("WORLD"), "valid_from", "2024-01-01"))
                    .map(dev.audiocat.ledger.SourcedEvent::of).toList());
        }
        dev.audiocat.ledger.RightsSnapshot snapshot = dev.audiocat.ledger.RightsSnapshot.load(ledgerDir.toString());
        Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner", "--enforceImmutability=false", "--enforceEncodability=false", "--targetParallelism=2").create());
        PCollection<GenericRecord> out = p
                .apply(Create.of(row("copy-of-label", excerpt), row("copy-of-ana", excerpt), row("copy-unknown", excerpt))
                        .withCoder(AvroCoder.of(GenericRecord.class, CatalogSchema.CATALOG)))
                .apply("CheckFingerprints", CheckFingerprints.against(indexDir).withBuckets(8)
                        .withLicences(snapshot::ownerHoldsLicenceFor));
        PAssert.that(out).satisfies(rows -> {
            Map<String, GenericRecord> m = byId(rows);
            Map<String, Object> licensed = new HashMap<>();
            for (String id : List.of("copy-of-label", "copy-of-ana", "copy-unknown")) {
                GenericRecord match = (GenericRecord) ((List<?>) m.get(id).get("reference_matches")).get(0);
                assertEquals("ref-loop_tabla.flac", match.get("reference_id").toString());
                licensed.put(id, match.get("licensed"));
            }
            assertEquals(Boolean.TRUE, licensed.get("copy-of-label"));
            assertEquals(Boolean.FALSE, licensed.get("copy-of-ana"));
            assertNull(licensed.get("copy-unknown"), "an asset the ledger does not know: unknown");
            assertEquals(Boolean.FALSE, m.get("copy-of-label").get("unlicensed_match"));
            assertEquals(Boolean.TRUE, m.get("copy-of-ana").get("unlicensed_match"));
            assertEquals(Boolean.TRUE, m.get("copy-unknown").get("unlicensed_match"));
            return null;
        });
        p.run().waitUntilFinish();
    }

    /**
     * A long asset (about 2 min of a warzone2100 track) with 8 s of a reference (the tabla loop)
     * spliced in at 50 s: the whole-asset query's threshold (grown with the length) is not reached,
     * the windows find the passage, at its place in the asset and in the reference.
     */
    @Test
    void findsAShortPassageInsideALongAssetByWindows() throws Exception {
        Path track = Path.of("/usr/share/games/warzone2100/music/albums/legacy_soundtrack/track13.opus");
        assertTrue(track.toFile().isFile(), track + " is missing: install warzone2100-music (scripts/tools.sh)");
        Path asset = dir.resolve("long_with_tabla.wav");
        String fmt = "asetpts=PTS-STARTPTS,aformat=sample_fmts=s16:sample_rates=44100:channel_layouts=stereo";
        sh("ffmpeg", "-loglevel", "error", "-y", "-i", track.toString(), "-i", SAMPLES.resolve("loop_tabla.flac").toString(), "-i", track.toString(),
                "-filter_complex", "[0:a]atrim=0:50," + fmt + "[a];[1:a]atrim=1:9," + fmt + "[b];[2:a]atrim=60:120," + fmt + "[c];"
                        + "[a][b][c]concat=n=3:v=0:a=1", "-c:a", "pcm_s16le", asset.toString());
        dev.audiocat.features.fingerprint.LandmarkHashes h = LandmarkExtractor.extract(asset, 0);
        assertTrue(h.seconds() > 110, "asset of " + h.seconds() + " s");
        assertEquals(List.of(), new dev.audiocat.features.fingerprint.ExcerptMatcher(ReferenceIndex.open(indexDir)).match(h, 3),
                "one whole-asset query does not reach its threshold");

        Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner", "--enforceImmutability=false", "--enforceEncodability=false", "--targetParallelism=2").create());
        PCollection<KV<String, byte[]>> hashes = p.apply("AnalysisHashes", Create.of(KV.of("asset-long", h.toBytes()))
                .withCoder(KvCoder.of(StringUtf8Coder.of(), ByteArrayCoder.of())));
        PCollection<GenericRecord> out = p
                .apply(Create.of(row("asset-long", asset)).withCoder(AvroCoder.of(GenericRecord.class, CatalogSchema.CATALOG)))
                .apply("CheckFingerprints", CheckFingerprints.against(indexDir).withBuckets(8).withQueryHashes(hashes));
        PAssert.that(out).satisfies(rows -> {
            GenericRecord row = byId(rows).get("asset-long");
            List<?> matches = (List<?>) row.get("reference_matches");
            assertEquals(1, matches.size(), "one passage, reported once although two windows overlap it: " + matches);
            GenericRecord m = (GenericRecord) matches.get(0);
            assertEquals("ref-loop_tabla.flac", m.get("reference_id").toString());
            double queryAt = (double) m.get("query_offset_seconds");
            assertTrue(queryAt >= 49.5 && queryAt < 58, "passage starts at 50 s in the asset, matched from " + queryAt);
            double refAtAssetStart = (double) m.get("reference_offset_seconds") - (double) m.get("time_scale") * queryAt;
            // the asset's 50 s is the reference's 1 s; the tabla loop repeats, so allow a loop period
            assertEquals(1.0 - 50.0, refAtAssetStart, 0.2, "reference position of the asset's start");
            assertEquals(Boolean.TRUE, row.get("unlicensed_match"));
            return null;
        });
        p.run().waitUntilFinish();
    }

    @Test
    void refusesAFolderWithoutIndex() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CheckFingerprints.against(dir.resolve("nothing")));
        assertTrue(e.getMessage().contains("audiocat references add"), e.getMessage());
    }
}
