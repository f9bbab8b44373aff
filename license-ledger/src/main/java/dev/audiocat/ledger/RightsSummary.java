package dev.audiocat.ledger;

import java.io.Serializable;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The rights columns of one catalog row. {@code consent} maps each purpose's wire name to
 * {@code allowed}, {@code notAllowed}, {@code constrained} or {@code unknown} (no statement in
 * force; unknown is not consent). When consents for one purpose differ by territory the value is
 * {@code constrained}: the export must ask {@link ConsentGate} per territory.
 */
public record RightsSummary(String rightsStatus, Map<String, String> consent,
        List<String> territories, Instant validFrom, Instant validUntil, List<String> licenseIds,
        List<Share> royaltySplit, long treeSize, String rootHash) implements Serializable {

    public static final String KNOWN = "known";
    public static final String UNKNOWN = "unknown";

    /** One royalty share; {@code share} is the exact decimal as text, e.g. "0.25". */
    public record Share(String partyId, String partyName, String role, String rightType,
            String share) implements Serializable {}

    public boolean known() {
        return KNOWN.equals(rightsStatus);
    }
}
