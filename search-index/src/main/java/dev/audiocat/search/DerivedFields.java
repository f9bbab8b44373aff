package dev.audiocat.search;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Fields the index adds to a catalog record so it can be searched without scripts (the local
 * distribution has no painless and no ingest pipelines): {@code key} ("A minor"; the root alone, "A", for a note without mode),
 * {@code instrument_tags}/{@code mood_tags} (labels scoring at least {@link #TAG_THRESHOLD}),
 * {@code tag_text} (embedded tag values, for full text) and {@code chromaprint_sha256} (exact
 * fingerprint lookup of fingerprints of any length).
 */
public final class DerivedFields {
    /** A label counts as a tag of the asset from this score on. */
    public static final double TAG_THRESHOLD = 0.5;

    private DerivedFields() {}

    /** Adds the derived fields to {@code source} in place and returns it. */
    public static Map<String, Object> addTo(Map<String, Object> source) {
        Object tonic = source.get("key_tonic");
        Object mode = source.get("key_mode");
        if (tonic != null) {
            // a one-shot note or power chord has a root but no mode: its key is the root alone ("C")
            source.put("key", mode == null ? tonic.toString() : tonic + " " + mode);
        }
        source.put("instrument_tags", labelsAbove(source.get("instruments")));
        source.put("mood_tags", labelsAbove(source.get("moods")));
        if (source.get("tags") instanceof Map<?, ?> tags && !tags.isEmpty()) {
            StringJoiner j = new StringJoiner("\n");
            tags.values().forEach(v -> j.add(String.valueOf(v)));
            source.put("tag_text", j.toString());
        }
        if (source.get("chromaprint") instanceof String fp && !fp.isEmpty()) {
            source.put("chromaprint_sha256", chromaprintHash(fp));
        }
        return source;
    }

    /** SHA-256 (hex) of a Chromaprint string: the indexed key of a fingerprint lookup. */
    public static String chromaprintHash(String chromaprint) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(chromaprint.trim().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> labelsAbove(Object labels) {
        List<String> out = new ArrayList<>();
        if (labels instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Map<?, ?> m && m.get("label") != null && m.get("score") instanceof Number s
                        && s.doubleValue() >= TAG_THRESHOLD) {
                    out.add(String.valueOf(m.get("label")));
                }
            }
        }
        return out;
    }
}
