package dev.audiocat.ledger;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** Typed access to an event's fields; every failure names the field. */
final class Fields {
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern TERRITORY = Pattern.compile("[A-Z]{2}|WORLD");
    private static final Pattern ID = Pattern.compile("[^\\s]{1,200}");

    private final Map<String, Object> m;

    Fields(Map<String, Object> m) {
        this.m = m;
    }

    boolean has(String f) {
        Object v = m.get(f);
        return v != null && !(v instanceof String s && s.isEmpty())
                && !(v instanceof List<?> l && l.isEmpty());
    }

    String str(String f) {
        Object v = m.get(f);
        if (v == null || (v instanceof String s && s.isEmpty())) {
            throw new FieldException(f, "is required");
        }
        if (!(v instanceof String s)) {
            throw new FieldException(f, "must be a string, got " + v);
        }
        return s;
    }

    String optStr(String f) {
        return has(f) ? str(f) : null;
    }

    String id(String f) {
        String s = str(f);
        if (!ID.matcher(s).matches()) {
            throw new FieldException(f, "'" + s + "' is not an id (1-200 characters, no spaces)");
        }
        return s;
    }

    String optId(String f) {
        return has(f) ? id(f) : null;
    }

    Instant time(String f) {
        return parseTime(f, str(f));
    }

    Instant optTime(String f) {
        return has(f) ? time(f) : null;
    }

    static Instant parseTime(String f, String s) {
        try {
            return LedgerTime.parse(s);
        } catch (IllegalArgumentException e) {
            throw new FieldException(f, e.getMessage());
        }
    }

    Validity validity() {
        Instant from = time("valid_from");
        Instant until = optTime("valid_until");
        if (until != null && !until.isAfter(from)) {
            throw new FieldException("valid_until", until + " is not after valid_from " + from);
        }
        return new Validity(from, until);
    }

    String hex64(String f) {
        String s = str(f).toLowerCase(Locale.ROOT);
        if (!HEX64.matcher(s).matches()) {
            throw new FieldException(f, "'" + s + "' is not a SHA-256 in hex (64 characters)");
        }
        return s;
    }

    List<String> strings(String f) {
        Object v = m.get(f);
        if (v == null) {
            throw new FieldException(f, "is required");
        }
        if (!(v instanceof List<?> l)) {
            throw new FieldException(f, "must be a list");
        }
        if (l.isEmpty()) {
            throw new FieldException(f, "must not be empty");
        }
        List<String> out = new ArrayList<>();
        for (Object o : l) {
            if (!(o instanceof String s) || s.isEmpty()) {
                throw new FieldException(f, "must hold non-empty strings, got " + o);
            }
            out.add(s);
        }
        return out;
    }

    List<String> optStrings(String f) {
        return has(f) ? strings(f) : List.of();
    }

    /** ISO 3166-1 alpha-2 codes or WORLD, upper-cased, sorted, unique. */
    List<String> territories(String f) {
        TreeSet<String> out = new TreeSet<>();
        for (String t : strings(f)) {
            String u = t.trim().toUpperCase(Locale.ROOT);
            if (!TERRITORY.matcher(u).matches()) {
                throw new FieldException(f, "'" + t + "' is not an ISO 3166 alpha-2 code or WORLD");
            }
            out.add(u);
        }
        if (out.contains("WORLD") && out.size() > 1) {
            throw new FieldException(f, "WORLD already covers " + out.headSet("WORLD"));
        }
        return List.copyOf(out);
    }

    /** An exact decimal given as a string (never a JSON number: floats would round). */
    BigDecimal decimal(String f) {
        Object v = m.get(f);
        if (v == null || (v instanceof String s && s.isEmpty())) {
            throw new FieldException(f, "is required");
        }
        if (v instanceof Long l) {
            return BigDecimal.valueOf(l);
        }
        if (!(v instanceof String s)) {
            throw new FieldException(f, "must be a decimal written as a string, e.g. \"0.25\" (got " + v + ")");
        }
        try {
            return new BigDecimal(s.trim());
        } catch (NumberFormatException e) {
            throw new FieldException(f, "'" + s + "' is not a decimal number");
        }
    }

    boolean bool(String f, boolean dflt) {
        Object v = m.get(f);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw new FieldException(f, "must be true or false, got " + v);
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> optObject(String f) {
        Object v = m.get(f);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Map)) {
            throw new FieldException(f, "must be an object");
        }
        return (Map<String, Object>) v;
    }

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> objects(String f) {
        Object v = m.get(f);
        if (!(v instanceof List<?> l) || l.isEmpty()) {
            throw new FieldException(f, "must be a non-empty list of objects");
        }
        for (Object o : l) {
            if (!(o instanceof Map)) {
                throw new FieldException(f, "must hold objects, got " + o);
            }
        }
        return (List<Map<String, Object>>) v;
    }
}
