package dev.audiocat.pipelines.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.audiocat.search.DerivedFields;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IndexCatalogTest {

    @Test
    void documentCarriesTheRecordAndTheDerivedSearchFields() {
        Map<String, Object> d = IndexCatalog.toDocument(SearchTestRows.row("x1", "Copper Sky", "A", "minor", 124, 0,
                Map.of("drums", 0.9, "synth", 0.3), "allowed"));
        assertEquals("x1", d.get("asset_id"));
        assertEquals("A minor", d.get("key"));
        assertEquals(List.of("drums"), d.get("instrument_tags"), "only labels scoring >= " + DerivedFields.TAG_THRESHOLD);
        assertEquals(1_700_000_100_000L, d.get("analysis_time"), "timestamps as epoch millis");
        assertEquals(SearchTestRows.DIMS, ((List<?>) d.get("embedding")).size());
        assertTrue(((List<?>) d.get("embedding")).get(0) instanceof Float);
        assertEquals(DerivedFields.chromaprintHash("AQADtestx1"), d.get("chromaprint_sha256"));
        assertTrue(d.get("tag_text").toString().contains("field recording"));
        assertEquals("clipping", ((Map<?, ?>) ((List<?>) d.get("qc_flags")).get(0)).get("type"));
        assertFalse(d.containsKey("audio_id"), "null fields are left out");
    }

    @Test
    void builderRejectsBadSettings() {
        IndexCatalog t = IndexCatalog.to(URI.create("http://127.0.0.1:9200"));
        assertThrows(IllegalArgumentException.class, () -> t.withBatchSize(0));
        assertThrows(IllegalArgumentException.class, () -> t.withAlias(" "));
        assertThrows(IllegalArgumentException.class, () -> t.withRetries(0, java.time.Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> IndexCatalog.to(URI.create("no-scheme")));
    }
}
