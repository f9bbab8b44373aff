package dev.audiocat.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DerivedFieldsTest {

    private static Map<String, Object> row(String tonic, String mode) {
        Map<String, Object> r = new HashMap<>();
        r.put("key_tonic", tonic);
        r.put("key_mode", mode);
        return r;
    }

    /** The key facet's value: tonic and mode; a note's root alone (no third, no mode); nothing without a tonic. */
    @Test
    void keyIsTonicAndModeOrTheRootAlone() {
        assertEquals("A minor", DerivedFields.addTo(row("A", "minor")).get("key"));
        assertEquals("C", DerivedFields.addTo(row("C", null)).get("key"));
        assertFalse(DerivedFields.addTo(row(null, null)).containsKey("key"));
    }

    @Test
    void tagsAreTheLabelsScoringAtLeastTheThreshold() {
        Map<String, Object> r = row(null, null);
        r.put("instruments", List.of(Map.of("label", "drums", "score", 0.9), Map.of("label", "bass", "score", DerivedFields.TAG_THRESHOLD),
                Map.of("label", "keys", "score", 0.49)));
        assertEquals(List.of("drums", "bass"), DerivedFields.addTo(r).get("instrument_tags"));
    }
}
