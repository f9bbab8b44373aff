package dev.audiocat.ledger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * "May asset A be used for purpose P by licensee L in territory T at time t, and why (not)?"
 *
 * <p>Deny by default. Allowed only if, among what the ledger knew at t (see {@link Horizon}),
 * there is a consent for P covering T and valid at t — the asset's own consents take precedence
 * over its owner's catalogue-wide ones — that is not revoked by t, whose value is
 * {@code allowed}, or {@code constrained} with machine-checkable constraints that L satisfies;
 * and, where the consent requires it, a license to L covering A, P, T and t. Unknown assets,
 * missing consents and constraints the gate cannot check are all "no".
 *
 * <p>Answers come from in-memory indexes (per-asset lists), so a warm query costs microseconds.
 */
public final class ConsentGate {
    private final LedgerState state;

    public ConsentGate(LedgerState state) {
        this.state = state;
    }

    /** The answer and its reasons; {@code consentId}/{@code licenseId} name what decided it. */
    public record Decision(boolean allowed, String reason, String consentId, String licenseId) {}

    public Decision decide(String assetId, Purpose purpose, String licensee, String territory,
            Instant at) {
        return decide(assetId, purpose, licensee, territory, at, Horizon.knownAt(at));
    }

    /** As {@link #decide(String, Purpose, String, String, Instant)}, seeing only {@code horizon}. */
    public Decision decide(String assetId, Purpose purpose, String licensee, String territory,
            Instant at, Horizon horizon) {
        Asset asset = state.asset(assetId);
        if (asset == null || !asset.fact().visible(horizon)) {
            return new Decision(false, "unknown asset " + assetId
                    + ": the ledger " + (asset == null ? "has no record of it" : "did not know it yet at " + at)
                    + " (unknown is not consent)", null, null);
        }
        List<Consent> applicable = applicable(asset, purpose, territory, at, horizon);
        if (applicable.isEmpty()) {
            return new Decision(false, "no consent for " + purpose.wire() + " covering "
                    + (territory == null ? "every territory" : territory) + " at " + at + " for asset "
                    + assetId, null, null);
        }
        for (Consent c : applicable) {
            if (c.value() == ConsentValue.NOT_ALLOWED) {
                return new Decision(false, "consent " + c.id() + " (entry " + c.fact().seq() + ") says notAllowed for "
                        + purpose.wire(), c.id(), null);
            }
        }
        Consent c = applicable.get(0);
        if (c.value() == ConsentValue.CONSTRAINED && !c.machineCheckable()) {
            return new Decision(false, "consent " + c.id() + " is constrained without machine-checkable terms "
                    + (c.constraints().isEmpty() ? "(none given)" : c.constraints().keySet().toString())
                    + ", which counts as not allowed", c.id(), null);
        }
        if (c.licensees() != null && (licensee == null || !c.licensees().contains(licensee))) {
            return new Decision(false, "consent " + c.id() + " is limited to licensees " + c.licensees()
                    + (licensee == null ? "; no licensee given" : ", not " + licensee), c.id(), null);
        }
        String why = "consent " + c.id() + " (entry " + c.fact().seq() + ", " + c.value().wire()
                + ") covers " + purpose.wire() + " in " + c.territories() + " during "
                + state.effectiveValidity(c, horizon);
        if (c.requiresLicense()) {
            if (licensee == null) {
                return new Decision(false, why + ", but requires a license and no licensee was given",
                        c.id(), null);
            }
            for (License l : state.licensesForAsset(assetId)) {
                if (l.fact().visible(horizon) && l.licensee().equals(licensee)
                        && l.covers(assetId, purpose, territory, at)) {
                    return new Decision(true, why + "; license " + l.id() + " to " + licensee, c.id(), l.id());
                }
            }
            return new Decision(false, why + ", but requires a license and " + licensee
                    + " holds none covering it at " + at, c.id(), null);
        }
        return new Decision(true, why, c.id(), null);
    }

    /**
     * Consents in force for the asset and purpose at t, covering the territory (null: any). The
     * asset's own consents win; the owner's catalogue-wide ones apply only when it has none.
     */
    List<Consent> applicable(Asset asset, Purpose purpose, String territory, Instant at,
            Horizon horizon) {
        List<Consent> own = select(state.consentsForAsset(asset.id()), purpose, territory, at, horizon);
        if (!own.isEmpty() || asset.owner() == null) {
            return own;
        }
        return select(state.consentsForParty(asset.owner()), purpose, territory, at, horizon);
    }

    private List<Consent> select(List<Consent> all, Purpose purpose, String territory, Instant at,
            Horizon horizon) {
        List<Consent> out = new ArrayList<>(2);
        for (Consent c : all) {
            if (c.purpose() != purpose || !c.fact().visible(horizon)) {
                continue;
            }
            if (territory != null && !c.covers(territory)) {
                continue;
            }
            Validity v = state.effectiveValidity(c, horizon);
            if (v != null && v.contains(at)) {
                out.add(c);
            }
        }
        return out;
    }
}
