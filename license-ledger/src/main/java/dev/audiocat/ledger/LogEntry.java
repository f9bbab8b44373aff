package dev.audiocat.ledger;

import dev.audiocat.ledger.json.Json;
import dev.audiocat.ledger.merkle.MerkleTree;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One log entry. Its canonical JSON is
 * {@code {"events":[...],"prev":"<hex>","seq":n,"time":"<UTC instant>"}} (keys sorted, see
 * {@link Json}); {@code prev} is the leaf hash of entry n-1 (64 zeros for entry 0) and the entry's
 * own leaf hash is SHA-256(0x00 ‖ json), so the hash chain and the Merkle tree share one hash per
 * entry. {@code time} is when the ledger recorded the entry and never decreases along the log.
 *
 * <p>Stored record = {@code <leaf hash hex> SP <json>}: the leading hash lets a verifier name the
 * exact entry whose bytes changed, instead of only noticing that its successor no longer chains.
 */
public record LogEntry(long seq, byte[] prev, Instant time, List<Map<String, Object>> events,
        byte[] json, byte[] leafHash) {

    public static final byte[] GENESIS_PREV = new byte[MerkleTree.HASH_BYTES];

    /** An entry, its content invalid or mis-chained; {@code seq} is where the problem is. */
    public static final class BadEntryException extends Exception {
        private static final long serialVersionUID = 1L;
        private final long seq;

        public BadEntryException(long seq, String message) {
            super("entry " + seq + ": " + message);
            this.seq = seq;
        }

        public long seq() {
            return seq;
        }
    }

    public static LogEntry create(long seq, byte[] prev, Instant time,
            List<Map<String, Object>> events, MessageDigest md) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("events", events);
        m.put("prev", Hex.encode(prev));
        m.put("seq", seq);
        m.put("time", time.toString());
        byte[] json = Json.canonicalBytes(m);
        return new LogEntry(seq, prev, time, events, json, MerkleTree.leafHash(md, json));
    }

    public byte[] record() {
        byte[] hex = Hex.encode(leafHash).getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[hex.length + 1 + json.length];
        System.arraycopy(hex, 0, out, 0, hex.length);
        out[hex.length] = ' ';
        System.arraycopy(json, 0, out, hex.length + 1, json.length);
        return out;
    }

    public String jsonText() {
        return new String(json, StandardCharsets.UTF_8);
    }

    /** What verification needs from an entry: its leaf hash and recording time. */
    public record Envelope(byte[] leafHash, Instant time) {}

    private static final byte[] HEAD = "{\"events\":[".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PREV = "],\"prev\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SEQ = "\",\"seq\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TIME = ",\"time\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEX_DIGITS = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    /**
     * The fast check used by {@link Verifier}: the record's hash, and its envelope (sequence
     * number, chain to {@code expectedPrev}, time order) read from the fixed tail of the canonical
     * form {@code ...],"prev":"<hex>","seq":n,"time":"<t>"}} without parsing the events. Whether
     * the events themselves are valid is what replay ({@link #parse}) checks.
     */
    public static Envelope parseEnvelope(long expectedSeq, byte[] record, byte[] expectedPrev, Instant notBefore,
            MessageDigest md) throws BadEntryException {
        int sp = 2 * MerkleTree.HASH_BYTES;
        int off = sp + 1;
        int len = record.length - off;
        if (len < HEAD.length + 100 || record[sp] != ' ') {
            throw new BadEntryException(expectedSeq, "malformed record (expected '<hash> <json>')");
        }
        byte[] leaf = MerkleTree.leafHash(md, record, off, len);
        if (!hexEquals(record, 0, leaf)) {
            throw new BadEntryException(expectedSeq, "content does not match its hash (bytes changed)");
        }
        int end = record.length;
        if (!startsWith(record, off, HEAD) || record[end - 1] != '}' || record[end - 2] != '"') {
            throw new BadEntryException(expectedSeq, "is not an entry in canonical form");
        }
        int timeKey = lastIndexOf(record, TIME, off, end - 2);
        if (timeKey < 0) {
            throw new BadEntryException(expectedSeq, "has no time");
        }
        int seqKey = timeKey;
        while (seqKey > off && record[seqKey - 1] >= '0' && record[seqKey - 1] <= '9') {
            seqKey--;
        }
        int digits = seqKey;
        seqKey -= SEQ.length;
        int prevKey = seqKey - sp - PREV.length;
        if (prevKey < off || !startsWith(record, seqKey, SEQ) || !startsWith(record, prevKey, PREV)) {
            throw new BadEntryException(expectedSeq, "is not an entry in canonical form");
        }
        long seq = parseDigits(record, digits, timeKey);
        if (seq != expectedSeq) {
            throw new BadEntryException(expectedSeq, "holds sequence number " + seq + " where " + expectedSeq
                    + " belongs (entry dropped, reordered or inserted)");
        }
        if (!hexEquals(record, prevKey + PREV.length, expectedPrev)) {
            throw new BadEntryException(expectedSeq,
                    "does not chain to entry " + (expectedSeq - 1) + " (prev hash differs)");
        }
        Instant time = fastInstant(record, timeKey + TIME.length, end - 2);
        if (time == null) {
            try {
                time = Instant.parse(new String(record, timeKey + TIME.length, end - 2 - timeKey - TIME.length,
                        StandardCharsets.US_ASCII));
            } catch (DateTimeParseException e) {
                throw new BadEntryException(expectedSeq, "bad time");
            }
        }
        if (notBefore != null && time.isBefore(notBefore)) {
            throw new BadEntryException(expectedSeq, "time " + time + " is before its predecessor's " + notBefore);
        }
        return new Envelope(leaf, time);
    }

    /**
     * Parses {@code yyyy-MM-ddTHH:mm:ss[.fraction]Z} (what {@link Instant#toString} writes for
     * years 0-9999) without a formatter: verification parses a million of them. Null if the text has
     * another shape; the caller then falls back to {@link Instant#parse}.
     */
    static Instant fastInstant(byte[] a, int from, int to) {
        int n = to - from;
        if (n < 20 || a[to - 1] != 'Z' || a[from + 4] != '-' || a[from + 7] != '-' || a[from + 10] != 'T'
                || a[from + 13] != ':' || a[from + 16] != ':') {
            return null;
        }
        int year = digits(a, from, 4);
        int month = digits(a, from + 5, 2);
        int day = digits(a, from + 8, 2);
        int hour = digits(a, from + 11, 2);
        int minute = digits(a, from + 14, 2);
        int second = digits(a, from + 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0
                || minute > 59 || second < 0 || second > 59) {
            return null;
        }
        int nanos = 0;
        if (n > 20) {
            int fracLen = n - 21;
            if (a[from + 19] != '.' || fracLen < 1 || fracLen > 9) {
                return null;
            }
            int f = digits(a, from + 20, fracLen);
            if (f < 0) {
                return null;
            }
            for (int i = fracLen; i < 9; i++) {
                f *= 10;
            }
            nanos = f;
        }
        try {
            long epochDay = java.time.LocalDate.of(year, month, day).toEpochDay();
            return Instant.ofEpochSecond(epochDay * 86_400L + hour * 3_600L + minute * 60L + second, nanos);
        } catch (java.time.DateTimeException e) {
            return null;
        }
    }

    private static int digits(byte[] a, int from, int len) {
        int v = 0;
        for (int i = from; i < from + len; i++) {
            int d = a[i] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            v = v * 10 + d;
        }
        return v;
    }

    private static boolean hexEquals(byte[] text, int at, byte[] hash) {
        for (int i = 0; i < hash.length; i++) {
            if (text[at + 2 * i] != HEX_DIGITS[(hash[i] >> 4) & 0xf]
                    || text[at + 2 * i + 1] != HEX_DIGITS[hash[i] & 0xf]) {
                return false;
            }
        }
        return true;
    }

    private static boolean startsWith(byte[] a, int at, byte[] prefix) {
        if (at < 0 || at + prefix.length > a.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (a[at + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static int lastIndexOf(byte[] a, byte[] needle, int from, int to) {
        for (int i = to - needle.length; i >= from; i--) {
            if (startsWith(a, i, needle)) {
                return i;
            }
        }
        return -1;
    }

    private static long parseDigits(byte[] a, int from, int to) {
        if (to <= from || to - from > 18 || (a[from] == '0' && to - from > 1)) {
            return -1;
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            v = v * 10 + (a[i] - '0');
        }
        return v;
    }

    /**
     * Parses and checks one stored record: framing hash, canonical form, sequence number, chain to
     * {@code expectedPrev} and time order. With {@code parseEvents=false} the events are left
     * unparsed (fast path for verification of a prefix already covered by a checkpoint).
     */
    @SuppressWarnings("unchecked")
    public static LogEntry parse(long expectedSeq, byte[] record, byte[] expectedPrev,
            Instant notBefore, MessageDigest md) throws BadEntryException {
        int sp = 2 * MerkleTree.HASH_BYTES;
        if (record.length < sp + 2 || record[sp] != ' ') {
            throw new BadEntryException(expectedSeq, "malformed record (expected '<hash> <json>')");
        }
        String stated = new String(record, 0, sp, StandardCharsets.ISO_8859_1);
        byte[] json = java.util.Arrays.copyOfRange(record, sp + 1, record.length);
        byte[] leaf = MerkleTree.leafHash(md, json);
        // compared as text: the stored hash must be exactly the lower-case hex, not merely decode to it
        if (!stated.equals(Hex.encode(leaf))) {
            throw new BadEntryException(expectedSeq, "content does not match its hash (bytes changed)");
        }
        Map<String, Object> m;
        String text = new String(json, StandardCharsets.UTF_8);
        try {
            m = Json.parseObject(text);
        } catch (Json.ParseException e) {
            throw new BadEntryException(expectedSeq, "not JSON: " + e.getMessage());
        }
        if (!(m.get("seq") instanceof Long seq) || seq != expectedSeq) {
            throw new BadEntryException(expectedSeq, "holds sequence number " + m.get("seq")
                    + " where " + expectedSeq + " belongs (entry dropped, reordered or inserted)");
        }
        if (!(m.get("prev") instanceof String prevHex) || !prevHex.equals(Hex.encode(expectedPrev))) {
            throw new BadEntryException(expectedSeq,
                    "does not chain to entry " + (expectedSeq - 1) + " (prev hash differs)");
        }
        Instant time;
        try {
            time = Instant.parse(String.valueOf(m.get("time")));
        } catch (DateTimeParseException e) {
            throw new BadEntryException(expectedSeq, "bad time " + m.get("time"));
        }
        if (notBefore != null && time.isBefore(notBefore)) {
            throw new BadEntryException(expectedSeq, "time " + time + " is before its predecessor's " + notBefore);
        }
        if (!(m.get("events") instanceof List<?> events) || m.size() != 4) {
            throw new BadEntryException(expectedSeq, "must hold exactly events, prev, seq and time");
        }
        List<Map<String, Object>> evs = new ArrayList<>(events.size());
        for (Object o : events) {
            if (!(o instanceof Map)) {
                throw new BadEntryException(expectedSeq, "an event is not a JSON object");
            }
            evs.add((Map<String, Object>) o);
        }
        if (!text.equals(Json.canonical(m))) {
            throw new BadEntryException(expectedSeq, "is not in canonical form");
        }
        return new LogEntry(expectedSeq, expectedPrev, time, evs, json, leaf);
    }
}
