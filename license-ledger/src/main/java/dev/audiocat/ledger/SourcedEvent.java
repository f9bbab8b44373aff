package dev.audiocat.ledger;

import java.util.Map;

/**
 * An event to append plus where it came from ("consents.csv line 12"), so that validation errors
 * point at the input line. Events are JSON objects with a {@code type}: party, asset, consent,
 * revocation, license, split, usage (fields in docs/ledger.md).
 */
public record SourcedEvent(Map<String, Object> event, String origin) {
    public static SourcedEvent of(Map<String, Object> event) {
        return new SourcedEvent(event, "event");
    }
}
