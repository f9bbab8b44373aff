package dev.audiocat.pipelines.catalog;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;

/**
 * Converts catalog and dead-letter rows to plain maps (strings, numbers, booleans, lists, maps) with
 * the schema's field names: the JSON of {@code catalog show --json} and the Elasticsearch document.
 * Timestamps stay epoch milliseconds; every field of the schema is present, null when unfilled.
 */
public final class CatalogJson {

    private CatalogJson() {
    }

    public static Map<String, Object> toMap(GenericRecord r) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Schema.Field f : r.getSchema().getFields()) {
            out.put(f.name(), plain(r.get(f.name())));
        }
        return out;
    }

    private static Object plain(Object v) {
        if (v == null || v instanceof Number || v instanceof Boolean) {
            return v;
        }
        if (v instanceof CharSequence || v instanceof Utf8) {
            return v.toString();
        }
        if (v instanceof GenericRecord g) {
            return toMap(g);
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new TreeMap<>();
            m.forEach((k, x) -> out.put(k.toString(), plain(x)));
            return out;
        }
        if (v instanceof Collection<?> c) {
            List<Object> out = new ArrayList<>(c.size());
            for (Object x : c) {
                out.add(plain(x));
            }
            return out;
        }
        if (v instanceof ByteBuffer b) {
            return java.util.HexFormat.of().formatHex(b.array());
        }
        return v.toString();
    }
}
