package dev.audiocat.ledger;

import java.time.Instant;
import java.util.Map;

/** Withdraws a consent from {@code effective} on; what was exported before stays provable. */
public record Revocation(String consentId, Instant effective, String reason, Fact fact) {
    static Revocation from(Map<String, Object> e, Fact fact) {
        Fields f = new Fields(e);
        return new Revocation(f.id("consent_id"), f.time("effective"), f.optStr("reason"), fact);
    }
}
