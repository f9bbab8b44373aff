package dev.audiocat.ledger;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds events for tests. */
final class Ev {
    static final String EVIDENCE = "ab".repeat(32);

    private Ev() {}

    static Map<String, Object> of(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    static Map<String, Object> party(String id, String kind) {
        return of("type", "party", "party_id", id, "name", "Name of " + id, "kind", kind);
    }

    static Map<String, Object> asset(String id, String owner) {
        Map<String, Object> m = of("type", "asset", "asset_id", id, "audio_id", "audio-" + id);
        if (owner != null) {
            m.put("owner", owner);
        }
        return m;
    }

    static Map<String, Object> consent(String id, String asset, String purpose, String value,
            List<String> territories, String from, String until) {
        Map<String, Object> m = of("type", "consent", "consent_id", id, "asset_id", asset,
                "purpose", purpose, "value", value, "territories", territories, "valid_from", from,
                "evidence_sha256", EVIDENCE);
        if (until != null) {
            m.put("valid_until", until);
        }
        return m;
    }

    static Map<String, Object> split(String id, String asset, String rightType, String from,
            Object... partyShare) {
        List<Map<String, Object>> shares = new java.util.ArrayList<>();
        for (int i = 0; i < partyShare.length; i += 2) {
            shares.add(of("party_id", partyShare[i], "role", "artist", "share", partyShare[i + 1]));
        }
        return of("type", "split", "split_id", id, "asset_id", asset, "right_type", rightType,
                "valid_from", from, "shares", shares);
    }

    /** A clock the test moves by hand. */
    static final class TestClock extends Clock {
        Instant now;

        TestClock(String start) {
            now = Instant.parse(start);
        }

        void set(String t) {
            now = Instant.parse(t);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
