package dev.audiocat.ledger;

import java.util.Map;

/**
 * A recording known to the ledger, linked to the catalog by {@code asset_id} (SHA-256 of the file)
 * and/or {@code audio_id} (hash of the decoded audio); {@code owner} is the party whose
 * catalogue-wide consents apply to it.
 */
public record Asset(String id, String audioId, String isrc, String iswc, String title,
        String owner, Fact fact) {

    static Asset from(Map<String, Object> e, Fact fact) {
        Fields f = new Fields(e);
        String isrc = f.optStr("isrc");
        if (isrc != null && !isrc.replace("-", "").matches("[A-Z]{2}[A-Z0-9]{3}\\d{7}")) {
            throw new FieldException("isrc", "'" + isrc + "' is not an ISRC (CC-XXX-YY-NNNNN)");
        }
        String iswc = f.optStr("iswc");
        if (iswc != null && !iswc.replaceAll("[-.]", "").matches("T\\d{10}")) {
            throw new FieldException("iswc", "'" + iswc + "' is not an ISWC (T-123.456.789-0)");
        }
        return new Asset(f.id("asset_id"), f.optId("audio_id"), isrc, iswc, f.optStr("title"),
                f.optId("owner"), fact);
    }
}
