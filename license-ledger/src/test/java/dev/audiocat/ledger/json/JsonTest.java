package dev.audiocat.ledger.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void canonicalFormSortsKeysAndEscapesMinimally() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("b", List.of(1L, "x\"y\\z\n\u0001é"));
        m.put("a", Map.of("d", true, "c", (Object) null == null ? "n" : "n"));
        m.put("B", 2L);
        assertEquals("{\"B\":2,\"a\":{\"c\":\"n\",\"d\":true},\"b\":[1,\"x\\\"y\\\\z\\n\\u0001é\"]}",
                Json.canonical(m));
    }

    @Test
    void parsingThenWritingIsCanonicalAndStable() {
        String in = " { \"z\" : [ 1 , 2 , {\"q\":\"\\u00e9\\t\"} ], \"a\":null, \"m\": -17 } ";
        String c = Json.canonical(Json.parse(in));
        assertEquals("{\"a\":null,\"m\":-17,\"z\":[1,2,{\"q\":\"é\\t\"}]}", c);
        assertEquals(c, Json.canonical(Json.parse(c)));
    }

    @Test
    void fractionsNeverBecomeCanonicalNumbers() {
        assertThrows(IllegalArgumentException.class, () -> Json.canonical(new BigDecimal("0.5")));
        assertEquals("3", Json.canonical(new BigDecimal("3.000")));
    }

    @Test
    void malformedInputNamesTheOffset() {
        Json.ParseException e = assertThrows(Json.ParseException.class, () -> Json.parse("{\"a\":1,}"));
        assertEquals(7, e.offset());
        assertThrows(Json.ParseException.class, () -> Json.parse("{\"a\":1,\"a\":2}"));
        assertThrows(Json.ParseException.class, () -> Json.parse("[1] x"));
    }
}
