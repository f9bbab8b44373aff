package dev.audiocat.ledger;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A rights holder's statement for one purpose, either for one asset ({@code assetId}) or for a
 * party's whole catalogue ({@code partyId}). {@code constraints} are the machine-checkable terms
 * of a {@code constrained} consent; the only keys understood are {@code licensees} (list of party
 * ids) and {@code requires_license} (boolean). Anything else is not machine-checkable, and such a
 * consent never allows anything.
 */
public record Consent(String id, String assetId, String partyId, Purpose purpose,
        ConsentValue value, List<String> territories, Validity validity, String evidenceSha256,
        Map<String, Object> constraints, Fact fact) {

    static final Set<String> CHECKABLE = Set.of("licensees", "requires_license");

    static Consent from(Map<String, Object> e, Fact fact) {
        Fields f = new Fields(e);
        String asset = f.optId("asset_id");
        String party = f.optId("party_id");
        if ((asset == null) == (party == null)) {
            throw new FieldException(asset == null ? "asset_id" : "party_id",
                    "give exactly one of asset_id (one recording) or party_id (a whole catalogue)");
        }
        Purpose purpose;
        try {
            purpose = Purpose.parse(f.str("purpose"));
        } catch (IllegalArgumentException ex) {
            throw new FieldException("purpose", ex.getMessage());
        }
        ConsentValue value;
        try {
            value = ConsentValue.parse(f.str("value"));
        } catch (IllegalArgumentException ex) {
            throw new FieldException("value", ex.getMessage());
        }
        Map<String, Object> constraints = f.optObject("constraints");
        if (constraints != null) {
            Fields c = new Fields(constraints);
            if (constraints.containsKey("licensees")) {
                try {
                    c.strings("licensees");
                } catch (FieldException ex) {
                    throw new FieldException("constraints.licensees", ex.getMessage());
                }
            }
            if (constraints.containsKey("requires_license")) {
                try {
                    c.bool("requires_license", false);
                } catch (FieldException ex) {
                    throw new FieldException("constraints.requires_license", ex.getMessage());
                }
            }
        }
        return new Consent(f.id("consent_id"), asset, party, purpose, value,
                f.territories("territories"), f.validity(), f.hex64("evidence_sha256"),
                constraints == null ? Map.of() : constraints, fact);
    }

    /** True when every constraint is one the gate can check. */
    public boolean machineCheckable() {
        return !constraints.isEmpty() && CHECKABLE.containsAll(constraints.keySet());
    }

    @SuppressWarnings("unchecked")
    public List<String> licensees() {
        Object v = constraints.get("licensees");
        return v == null ? null : (List<String>) v;
    }

    public boolean requiresLicense() {
        return Boolean.TRUE.equals(constraints.get("requires_license"));
    }

    public boolean covers(String territory) {
        return territories.contains("WORLD") || territories.contains(territory);
    }

    public boolean territoriesOverlap(List<String> other) {
        if (territories.contains("WORLD") || other.contains("WORLD")) {
            return true;
        }
        for (String t : other) {
            if (territories.contains(t)) {
                return true;
            }
        }
        return false;
    }
}
