package dev.audiocat.ledger.json;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A small JSON reader and a canonical writer.
 *
 * <p>Canonical form (what the ledger hashes): UTF-8, no insignificant whitespace, object keys
 * sorted by their UTF-16 code units (as RFC 8785), strings escaped minimally (only {@code "},
 * {@code \}, and control characters as {@code \n \r \t \b \f} or {@code \}{@code u00XX}),
 * numbers are integers only. Fractions (royalty shares, fees) are carried as decimal strings so
 * that no floating point ever enters the log. The ledger writes its own JSON instead of using a
 * general library so that the bytes it hashes are fully specified here.
 *
 * <p>Values: {@code Map<String,Object>} (objects), {@code List<Object>}, {@code String},
 * {@code Long} / {@code BigInteger} (integers), {@code BigDecimal} (only when reading input with a
 * fraction or exponent), {@code Boolean}, and {@code null}.
 */
public final class Json {
    private Json() {}

    /** Thrown for malformed JSON; {@link #offset()} is the character offset of the problem. */
    public static final class ParseException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int offset;

        ParseException(String message, int offset) {
            super(message + " at character " + offset);
            this.offset = offset;
        }

        public int offset() {
            return offset;
        }
    }

    // ---------------------------------------------------------------- writing

    public static String canonical(Object value) {
        StringBuilder sb = new StringBuilder(256);
        write(sb, value);
        return sb.toString();
    }

    public static byte[] canonicalBytes(Object value) {
        return canonical(value).getBytes(StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    private static void write(StringBuilder sb, Object v) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof String s) {
            writeString(sb, s);
        } else if (v instanceof Boolean b) {
            sb.append(b ? "true" : "false");
        } else if (v instanceof Long || v instanceof Integer || v instanceof Short
                || v instanceof BigInteger) {
            sb.append(v.toString());
        } else if (v instanceof BigDecimal d) {
            BigDecimal s = d.stripTrailingZeros();
            if (s.scale() > 0) {
                throw new IllegalArgumentException(
                        "canonical JSON carries integers only; write the fraction " + d.toPlainString()
                                + " as a decimal string");
            }
            sb.append(s.toBigIntegerExact());
        } else if (v instanceof Map<?, ?> m) {
            TreeMap<String, Object> sorted = new TreeMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                sorted.put((String) e.getKey(), e.getValue());
            }
            sb.append('{');
            boolean first = true;
            for (Map.Entry<String, Object> e : sorted.entrySet()) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                writeString(sb, e.getKey());
                sb.append(':');
                write(sb, e.getValue());
            }
            sb.append('}');
        } else if (v instanceof List<?> l) {
            sb.append('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                write(sb, ((List<Object>) l).get(i));
            }
            sb.append(']');
        } else {
            throw new IllegalArgumentException("not a JSON value: " + v.getClass().getName());
        }
    }

    private static void writeString(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    // ---------------------------------------------------------------- reading

    public static Object parse(String text) {
        Reader r = new Reader(text);
        r.skipWs();
        Object v = r.value();
        r.skipWs();
        if (r.pos != text.length()) {
            throw new ParseException("unexpected text after the JSON value", r.pos);
        }
        return v;
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(String text) {
        Object v = parse(text);
        if (!(v instanceof Map)) {
            throw new ParseException("expected a JSON object", 0);
        }
        return (Map<String, Object>) v;
    }

    private static final class Reader {
        final String s;
        int pos;

        Reader(String s) {
            this.s = s;
        }

        void skipWs() {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
                    pos++;
                } else {
                    break;
                }
            }
        }

        Object value() {
            if (pos >= s.length()) {
                throw new ParseException("unexpected end of JSON", pos);
            }
            char c = s.charAt(pos);
            switch (c) {
                case '{':
                    return object();
                case '[':
                    return array();
                case '"':
                    return string();
                case 't':
                    return literal("true", Boolean.TRUE);
                case 'f':
                    return literal("false", Boolean.FALSE);
                case 'n':
                    return literal("null", null);
                default:
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        return number();
                    }
                    throw new ParseException("unexpected character '" + c + "'", pos);
            }
        }

        Object literal(String word, Object v) {
            if (!s.startsWith(word, pos)) {
                throw new ParseException("expected " + word, pos);
            }
            pos += word.length();
            return v;
        }

        Map<String, Object> object() {
            pos++;
            Map<String, Object> m = new LinkedHashMap<>();
            skipWs();
            if (pos < s.length() && s.charAt(pos) == '}') {
                pos++;
                return m;
            }
            while (true) {
                skipWs();
                if (pos >= s.length() || s.charAt(pos) != '"') {
                    throw new ParseException("expected a quoted key", pos);
                }
                int keyAt = pos;
                String k = string();
                skipWs();
                expect(':');
                skipWs();
                Object v = value();
                if (m.containsKey(k)) {
                    throw new ParseException("duplicate key \"" + k + "\"", keyAt);
                }
                m.put(k, v);
                skipWs();
                if (pos >= s.length()) {
                    throw new ParseException("unterminated object", pos);
                }
                char c = s.charAt(pos++);
                if (c == '}') {
                    return m;
                }
                if (c != ',') {
                    throw new ParseException("expected ',' or '}'", pos - 1);
                }
            }
        }

        List<Object> array() {
            pos++;
            List<Object> l = new ArrayList<>();
            skipWs();
            if (pos < s.length() && s.charAt(pos) == ']') {
                pos++;
                return l;
            }
            while (true) {
                skipWs();
                l.add(value());
                skipWs();
                if (pos >= s.length()) {
                    throw new ParseException("unterminated array", pos);
                }
                char c = s.charAt(pos++);
                if (c == ']') {
                    return l;
                }
                if (c != ',') {
                    throw new ParseException("expected ',' or ']'", pos - 1);
                }
            }
        }

        void expect(char c) {
            if (pos >= s.length() || s.charAt(pos) != c) {
                throw new ParseException("expected '" + c + "'", pos);
            }
            pos++;
        }

        String string() {
            pos++; // opening quote
            int start = pos;
            // fast path: no escapes
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c == '"') {
                    String out = s.substring(start, pos);
                    pos++;
                    return out;
                }
                if (c == '\\') {
                    break;
                }
                if (c < 0x20) {
                    throw new ParseException("control character in string", pos);
                }
                pos++;
            }
            StringBuilder sb = new StringBuilder(s.substring(start, pos));
            while (pos < s.length()) {
                char c = s.charAt(pos++);
                if (c == '"') {
                    return sb.toString();
                }
                if (c < 0x20) {
                    throw new ParseException("control character in string", pos - 1);
                }
                if (c != '\\') {
                    sb.append(c);
                    continue;
                }
                if (pos >= s.length()) {
                    break;
                }
                char e = s.charAt(pos++);
                switch (e) {
                    case '"' -> sb.append('"');
                    case '\\' -> sb.append('\\');
                    case '/' -> sb.append('/');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'u' -> {
                        if (pos + 4 > s.length()) {
                            throw new ParseException("truncated \\u escape", pos);
                        }
                        try {
                            sb.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                        } catch (NumberFormatException ex) {
                            throw new ParseException("bad \\u escape", pos);
                        }
                        pos += 4;
                    }
                    default -> throw new ParseException("bad escape \\" + e, pos - 1);
                }
            }
            throw new ParseException("unterminated string", start - 1);
        }

        Object number() {
            int start = pos;
            if (s.charAt(pos) == '-') {
                pos++;
            }
            boolean fraction = false;
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c >= '0' && c <= '9') {
                    pos++;
                } else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
                    fraction = true;
                    pos++;
                } else {
                    break;
                }
            }
            String t = s.substring(start, pos);
            try {
                if (fraction) {
                    return new BigDecimal(t);
                }
                if (t.length() < 18) {
                    return Long.parseLong(t);
                }
                BigInteger b = new BigInteger(t);
                return b.bitLength() < 64 ? (Object) b.longValue() : b;
            } catch (NumberFormatException ex) {
                throw new ParseException("bad number " + t, start);
            }
        }
    }
}
