package dev.audiocat.ledger;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** The ledger's way of writing a time: {@code 2024-01-31} (midnight UTC) or {@code 2024-01-31T12:00:00Z}. */
public final class LedgerTime {
    private LedgerTime() {}

    /** @throws IllegalArgumentException naming the value and the two accepted shapes */
    public static Instant parse(String s) {
        try {
            if (s.length() == 10) {
                return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + s + "' is not a date (2024-01-31) or UTC time (2024-01-31T12:00:00Z)", e);
        }
    }
}
