package dev.audiocat.search;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Small catalog documents with known properties, for the integration tests. */
final class TestDocuments {
    static final int DIMS = 16;

    private TestDocuments() {}

    /** A unit vector pointing mostly along axis {@code axis}, with a little seeded noise. */
    static float[] vector(int axis, long seed) {
        Random r = new Random(seed);
        float[] v = new float[DIMS];
        for (int i = 0; i < DIMS; i++) {
            v[i] = (float) (r.nextGaussian() * 0.05);
        }
        v[axis % DIMS] += 1f;
        double n = 0;
        for (float x : v) {
            n += x * x;
        }
        for (int i = 0; i < DIMS; i++) {
            v[i] /= (float) Math.sqrt(n);
        }
        return v;
    }

    static Map<String, Object> doc(String id, String title, String artist, String tonic, String mode, double bpm,
            List<String> instruments, String consentAi, int axis, String uri) {
        Map<String, Object> d = new HashMap<>();
        d.put("schema_version", 1);
        d.put("asset_id", id);
        d.put("uri", uri);
        d.put("file_name", uri.substring(uri.lastIndexOf('/') + 1));
        d.put("title", title);
        d.put("artist", artist);
        d.put("key_tonic", tonic);
        d.put("key_mode", mode);
        d.put("bpm", bpm);
        d.put("duration_seconds", 2.0);
        d.put("container", "wav");
        d.put("codec", "pcm_s16le");
        d.put("sample_rate", 44100);
        List<Map<String, Object>> labels = new ArrayList<>();
        for (String i : instruments) {
            labels.add(Map.of("label", i, "score", 0.9));
        }
        labels.add(Map.of("label", "brass", "score", 0.1)); // below the tag threshold
        d.put("instruments", labels);
        d.put("moods", List.of(Map.of("label", "calm", "score", 0.7)));
        d.put("consent_ai_training", consentAi);
        d.put("rights_status", "unknown".equals(consentAi) ? "unknown" : "known");
        d.put("embedding", vector(axis, id.hashCode()));
        d.put("chromaprint", "AQAAfake" + id);
        d.put("qc_flags", List.of());
        d.put("pipeline_version", "test");
        d.put("analysis_time", 1_700_000_000_000L);
        d.put("run_id", "it");
        d.put("tags", Map.of("comment", "<script>alert('x')</script> " + title));
        return DerivedFields.addTo(d);
    }

    /** Eight documents: two clusters in vector space, mixed keys, tempos and consents. */
    static List<CatalogDocument> catalog(String uriPrefix) {
        List<CatalogDocument> out = new ArrayList<>();
        out.add(of(doc("a1", "Night Drive", "Kestrel", "A", "minor", 124, List.of("drums", "synth"), "allowed", 0, uriPrefix + "a1.wav")));
        out.add(of(doc("a2", "Night Drive (Reprise)", "Kestrel", "A", "minor", 126, List.of("drums", "synth"), "allowed", 0, uriPrefix + "a2.wav")));
        out.add(of(doc("a3", "Harbour Lights", "Kestrel", "A", "minor", 140, List.of("drums", "synth"), "allowed", 0, uriPrefix + "a3.wav")));
        out.add(of(doc("a4", "Slow Tide", "Marram", "C", "major", 80, List.of("piano"), "notAllowed", 0, uriPrefix + "a4.wav")));
        out.add(of(doc("a5", "Paper Boats", "Marram", "C", "major", 96, List.of("piano", "strings"), "allowed", 5, uriPrefix + "a5.wav")));
        out.add(of(doc("a6", "Granite", "Skerry", "E", "minor", 122, List.of("guitar", "drums"), "unknown", 5, uriPrefix + "a6.wav")));
        out.add(of(doc("a7", "Lantern", "Skerry", "A", "minor", 120, List.of("synth"), "allowed", 5, uriPrefix + "a7.wav")));
        out.add(of(doc("a8", "Quiet Field <img src=x onerror=alert(1)>", "Marram", "D", "major", 70, List.of("strings"), "allowed", 9, uriPrefix + "a8.wav")));
        return out;
    }

    private static CatalogDocument of(Map<String, Object> d) {
        return new CatalogDocument((String) d.get("asset_id"), d);
    }
}
