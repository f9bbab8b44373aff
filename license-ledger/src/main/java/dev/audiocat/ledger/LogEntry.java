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
