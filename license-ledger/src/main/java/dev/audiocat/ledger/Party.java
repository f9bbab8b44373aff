package dev.audiocat.ledger;

import java.util.Map;
import java.util.Set;

/** An artist, label, publisher, sample creator or licensee. */
public record Party(String id, String name, String kind, String ipi, String isni, Fact fact) {
    static final Set<String> KINDS =
            Set.of("artist", "label", "publisher", "sample_creator", "licensee", "other");

    static Party from(Map<String, Object> e, Fact fact) {
        Fields f = new Fields(e);
        String kind = f.str("kind");
        if (!KINDS.contains(kind)) {
            throw new FieldException("kind", "'" + kind + "' is not one of " + new java.util.TreeSet<>(KINDS));
        }
        String ipi = f.optStr("ipi");
        if (ipi != null && !ipi.matches("\\d{9,11}")) {
            throw new FieldException("ipi", "'" + ipi + "' is not an IPI name number (9-11 digits)");
        }
        String isni = f.optStr("isni");
        if (isni != null && !isni.replace(" ", "").matches("\\d{15}[\\dX]")) {
            throw new FieldException("isni", "'" + isni + "' is not an ISNI (16 characters)");
        }
        return new Party(f.id("party_id"), f.str("name"), kind, ipi, isni, fact);
    }
}
