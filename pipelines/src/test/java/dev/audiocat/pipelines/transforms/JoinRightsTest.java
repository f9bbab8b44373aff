package dev.audiocat.pipelines.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.audiocat.ledger.Ledger;
import dev.audiocat.ledger.RightsSnapshot;
import dev.audiocat.ledger.SourcedEvent;
import dev.audiocat.ledger.store.LocalFolderStore;
import dev.audiocat.pipelines.catalog.CatalogSchema;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JoinRightsTest {
    @TempDir
    Path dir;

    static Map<String, Object> ev(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    static GenericRecord row(String assetId, String audioId) {
        return new GenericRecordBuilder(CatalogSchema.CATALOG)
                .set("schema_version", CatalogSchema.VERSION)
                .set("asset_id", assetId)
                .set("audio_id", audioId)
                .set("uri", "file:///lib/" + assetId + ".wav")
                .set("file_name", assetId + ".wav")
                .set("size_bytes", 1234L)
                .set("pipeline_version", "test")
                .set("analysis_time", 1_700_000_000_000L)
                .set("run_id", "r1")
                .build();
    }

    @Test
    void everyRowCarriesItsRightsAndTheCheckpoint() throws Exception {
        String evidence = "cd".repeat(32);
        try (Ledger l = Ledger.open(new LocalFolderStore(dir, false))) {
            l.append(List.of(
                    SourcedEvent.of(ev("type", "party", "party_id", "ana", "name", "Ana", "kind", "artist")),
                    SourcedEvent.of(ev("type", "party", "party_id", "lbl", "name", "Label", "kind", "label")),
                    SourcedEvent.of(ev("type", "asset", "asset_id", "sha-a", "audio_id", "pcm-a", "owner", "lbl")),
                    SourcedEvent.of(ev("type", "consent", "consent_id", "c1", "party_id", "lbl", "purpose", "ai_training",
                            "value", "allowed", "territories", List.of("WORLD"), "valid_from", "2024-01-01",
                            "valid_until", "2030-01-01", "evidence_sha256", evidence)),
                    SourcedEvent.of(ev("type", "consent", "consent_id", "c2", "asset_id", "sha-a", "purpose",
                            "ai_generative_training", "value", "notAllowed", "territories", List.of("WORLD"),
                            "valid_from", "2024-01-01", "evidence_sha256", evidence)),
                    SourcedEvent.of(ev("type", "split", "split_id", "s1", "asset_id", "sha-a", "right_type", "master",
                            "valid_from", "2024-01-01", "shares", List.of(
                                    ev("party_id", "ana", "role", "performer", "share", "0.8"),
                                    ev("party_id", "lbl", "role", "label", "share", "0.2"))))));
        }
        RightsSnapshot snap;
        try (Ledger l = Ledger.open(dir.toString())) {
            snap = RightsSnapshot.of(l, l.size(), Instant.now());
        }

        // Beam's TestPipeline is a JUnit 4 rule; on JUnit 5 a plain pipeline on the DirectRunner does the same
        Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create());
        PCollection<GenericRecord> out = p
                .apply(Create.of(row("sha-a", "pcm-a"), row("other-container", "pcm-a"), row("sha-z", null))
                        .withCoder(AvroCoder.of(GenericRecord.class, CatalogSchema.CATALOG)))
                .apply("JoinRights", JoinRights.from(snap));
        String root = snap.rootHash();
        PAssert.that(out).satisfies(rows -> {
            Map<String, GenericRecord> byId = new HashMap<>();
            rows.forEach(r -> byId.put(r.get("asset_id").toString(), r));
            assertEquals(3, byId.size());
            for (String id : List.of("sha-a", "other-container")) {
                GenericRecord r = byId.get(id);
                assertEquals("known", r.get("rights_status").toString(), id);
                assertEquals("allowed", r.get("consent_ai_training").toString());
                assertEquals("notAllowed", r.get("consent_ai_generative_training").toString());
                assertEquals("unknown", r.get("consent_catalog").toString());
                assertEquals(List.of("WORLD"), strings(r.get("territories")));
                assertEquals(Instant.parse("2030-01-01T00:00:00Z").toEpochMilli(), r.get("rights_valid_until"));
                List<?> split = (List<?>) r.get("royalty_split");
                assertEquals(2, split.size());
                GenericRecord first = (GenericRecord) split.get(0);
                assertEquals("ana", first.get("party_id").toString());
                assertEquals("Ana", first.get("party_name").toString());
                assertEquals("master", first.get("right_type").toString());
                assertEquals("0.8", first.get("share").toString());
                assertEquals(1L, r.get("ledger_tree_size"));
                assertEquals(root, r.get("ledger_root_hash").toString());
            }
            GenericRecord z = byId.get("sha-z");
            assertEquals("unknown", z.get("rights_status").toString());
            assertEquals("unknown", z.get("consent_catalog").toString());
            assertEquals("unknown", z.get("consent_ai_training").toString());
            assertEquals(List.of(), strings(z.get("territories")));
            assertNull(z.get("rights_valid_from"));
            assertEquals(1L, z.get("ledger_tree_size"));
            return null;
        });
        p.run().waitUntilFinish();
    }

    private static List<String> strings(Object o) {
        List<String> out = new ArrayList<>();
        for (Object x : (List<?>) o) {
            out.add(x.toString());
        }
        return out;
    }
}
