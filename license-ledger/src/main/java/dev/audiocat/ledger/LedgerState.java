package dev.audiocat.ledger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Everything the log says, derived by replaying it in order. Each fact remembers the entry that
 * recorded it ({@link Fact}), so one replayed state answers questions at any {@link Horizon}
 * (an earlier tree size, or what was known at an earlier time) without replaying again.
 *
 * <p>Not thread-safe for writing; readers may share it once replay is done.
 */
public final class LedgerState {
    final Map<String, Party> parties = new HashMap<>();
    final Map<String, Asset> assets = new HashMap<>();
    final Map<String, Asset> assetsByAudioId = new HashMap<>();
    final Map<String, Consent> consents = new HashMap<>();
    final Map<String, List<Consent>> consentsByAsset = new HashMap<>();
    final Map<String, List<Consent>> consentsByParty = new HashMap<>();
    final Map<String, Revocation> revocations = new HashMap<>();
    final Map<String, License> licenses = new HashMap<>();
    final Map<String, List<License>> licensesByAsset = new HashMap<>();
    final Map<String, RoyaltySplit> splits = new HashMap<>();
    final Map<String, List<RoyaltySplit>> splitsByAsset = new HashMap<>();
    final Map<String, RoyaltySplit> replacedBy = new HashMap<>();
    final Map<String, Usage> usages = new HashMap<>();
    final List<Usage> usageLog = new ArrayList<>();
    final List<String> replayProblems = new ArrayList<>();
    private long events;

    // ---------------------------------------------------------------- reads

    public Party party(String id) {
        return parties.get(id);
    }

    public Asset asset(String id) {
        return assets.get(id);
    }

    public Asset assetByAudioId(String audioId) {
        return assetsByAudioId.get(audioId);
    }

    public Collection<Asset> assets() {
        return assets.values();
    }

    public Collection<Party> parties() {
        return parties.values();
    }

    public Consent consent(String id) {
        return consents.get(id);
    }

    public License license(String id) {
        return licenses.get(id);
    }

    public List<Usage> usages() {
        return usageLog;
    }

    public long eventCount() {
        return events;
    }

    /** Events in the log that did not replay (written by another tool or an older version). */
    public List<String> replayProblems() {
        return replayProblems;
    }

    public List<Consent> consentsForAsset(String assetId) {
        return consentsByAsset.getOrDefault(assetId, List.of());
    }

    public List<Consent> consentsForParty(String partyId) {
        return consentsByParty.getOrDefault(partyId, List.of());
    }

    public List<License> licensesForAsset(String assetId) {
        return licensesByAsset.getOrDefault(assetId, List.of());
    }

    public List<RoyaltySplit> splitsForAsset(String assetId) {
        return splitsByAsset.getOrDefault(assetId, List.of());
    }

    /** The consent's validity as seen at the horizon: cut at a visible revocation, or null if never in force. */
    public Validity effectiveValidity(Consent c, Horizon h) {
        Revocation r = revocations.get(c.id());
        if (r != null && r.fact().visible(h)) {
            return c.validity().endingAt(r.effective());
        }
        return c.validity();
    }

    public Revocation revocation(String consentId) {
        return revocations.get(consentId);
    }

    /** The split's validity as seen at the horizon: cut where a visible replacement starts. */
    public Validity effectiveValidity(RoyaltySplit s, Horizon h) {
        RoyaltySplit r = replacedBy.get(s.id());
        if (r != null && r.fact().visible(h)) {
            return s.validity().endingAt(r.validity().from());
        }
        return s.validity();
    }

    // ---------------------------------------------------------------- replay

    /** Applies one log entry's events (already validated when written). */
    void apply(List<Map<String, Object>> batch, long seq, Instant recorded) {
        Fact fact = new Fact(seq, recorded);
        for (Map<String, Object> e : batch) {
            events++;
            try {
                applyOne(e, fact);
            } catch (RuntimeException ex) {
                replayProblems.add("entry " + seq + ": " + ex.getMessage());
            }
        }
    }

    private void applyOne(Map<String, Object> e, Fact fact) {
        String type = String.valueOf(e.get("type"));
        switch (type) {
            case "party" -> {
                Party p = Party.from(e, fact);
                parties.put(p.id(), p);
            }
            case "asset" -> {
                Asset a = Asset.from(e, fact);
                assets.put(a.id(), a);
                if (a.audioId() != null) {
                    assetsByAudioId.putIfAbsent(a.audioId(), a);
                }
            }
            case "consent" -> {
                Consent c = Consent.from(e, fact);
                consents.put(c.id(), c);
                if (c.assetId() != null) {
                    consentsByAsset.computeIfAbsent(c.assetId(), k -> new ArrayList<>(2)).add(c);
                } else {
                    consentsByParty.computeIfAbsent(c.partyId(), k -> new ArrayList<>(2)).add(c);
                }
            }
            case "revocation" -> {
                Revocation r = Revocation.from(e, fact);
                revocations.put(r.consentId(), r);
            }
            case "license" -> {
                License l = License.from(e, fact);
                licenses.put(l.id(), l);
                for (String a : l.assetIds()) {
                    licensesByAsset.computeIfAbsent(a, k -> new ArrayList<>(2)).add(l);
                }
            }
            case "split" -> {
                RoyaltySplit s = RoyaltySplit.from(e, fact);
                splits.put(s.id(), s);
                splitsByAsset.computeIfAbsent(s.assetId(), k -> new ArrayList<>(2)).add(s);
                if (s.replaces() != null) {
                    replacedBy.put(s.replaces(), s);
                }
            }
            case "usage" -> {
                Usage u = Usage.from(e, fact);
                usages.put(u.id(), u);
                usageLog.add(u);
            }
            default -> throw new IllegalArgumentException("unknown event type '" + type + "'");
        }
    }

    // ---------------------------------------------------------------- validation

    /**
     * Checks a batch against this state and against its own earlier events. Returns every error
     * found (empty = the batch may be written as one entry).
     */
    public List<ValidationError> validate(List<SourcedEvent> batch) {
        Pending p = new Pending();
        List<ValidationError> errors = new ArrayList<>();
        Fact provisional = new Fact(Long.MAX_VALUE, Instant.MAX);
        for (SourcedEvent se : batch) {
            try {
                validateOne(se.event(), provisional, p);
            } catch (FieldException ex) {
                errors.add(new ValidationError(se.origin(), ex.field(), ex.getMessage()));
            }
        }
        return errors;
    }

    /** Facts of the batch under validation, layered over the state. */
    private static final class Pending {
        final Map<String, Party> parties = new HashMap<>();
        final Map<String, Asset> assets = new HashMap<>();
        final Map<String, Consent> consents = new HashMap<>();
        final Set<String> revoked = new HashSet<>();
        final Map<String, License> licenses = new HashMap<>();
        final Map<String, RoyaltySplit> splits = new HashMap<>();
        final Set<String> replaced = new HashSet<>();
        final Set<String> usages = new HashSet<>();
    }

    private static <T> T lookup(String id, Map<String, T> pending, Map<String, T> state) {
        T t = pending.get(id);
        return t != null ? t : state.get(id);
    }

    private void validateOne(Map<String, Object> e, Fact fact, Pending p) {
        Object typeObj = e.get("type");
        if (!(typeObj instanceof String type)) {
            throw new FieldException("type", "is required (party, asset, consent, revocation, license, split or usage)");
        }
        switch (type) {
            case "party" -> {
                Party x = Party.from(e, fact);
                requireNew("party_id", x.id(), "party", p.parties, parties, q -> q.fact());
                p.parties.put(x.id(), x);
            }
            case "asset" -> {
                Asset x = Asset.from(e, fact);
                requireNew("asset_id", x.id(), "asset", p.assets, assets, q -> q.fact());
                if (x.owner() != null) {
                    requireParty("owner", x.owner(), p);
                }
                p.assets.put(x.id(), x);
            }
            case "consent" -> {
                Consent x = Consent.from(e, fact);
                requireNew("consent_id", x.id(), "consent", p.consents, consents, q -> q.fact());
                if (x.assetId() != null) {
                    requireAsset("asset_id", x.assetId(), p);
                } else {
                    requireParty("party_id", x.partyId(), p);
                }
                if (x.licensees() != null) {
                    for (String l : x.licensees()) {
                        requireParty("constraints.licensees", l, p);
                    }
                }
                List<Consent> same = new ArrayList<>(x.assetId() != null
                        ? consentsForAsset(x.assetId()) : consentsForParty(x.partyId()));
                for (Consent c : p.consents.values()) {
                    if (java.util.Objects.equals(c.assetId(), x.assetId())
                            && java.util.Objects.equals(c.partyId(), x.partyId())) {
                        same.add(c);
                    }
                }
                for (Consent c : same) {
                    if (c.purpose() != x.purpose() || !c.territoriesOverlap(x.territories())) {
                        continue;
                    }
                    Validity v = p.revoked.contains(c.id()) ? null : effectiveValidity(c, Horizon.all());
                    if (v != null && v.overlaps(x.validity())) {
                        throw new FieldException("valid_from", "overlaps consent " + c.id() + " ("
                                + c.purpose().wire() + " " + c.territories() + " " + v + where(c.fact())
                                + "): revoke it first, or start this one when it ends");
                    }
                }
                p.consents.put(x.id(), x);
            }
            case "revocation" -> {
                Revocation x = Revocation.from(e, fact);
                Consent c = lookup(x.consentId(), p.consents, consents);
                if (c == null) {
                    throw new FieldException("consent_id", "unknown consent " + x.consentId());
                }
                if (revocations.containsKey(x.consentId()) || p.revoked.contains(x.consentId())) {
                    throw new FieldException("consent_id", "consent " + x.consentId() + " is already revoked");
                }
                p.revoked.add(x.consentId());
            }
            case "license" -> {
                License x = License.from(e, fact);
                requireNew("license_id", x.id(), "license", p.licenses, licenses, q -> q.fact());
                requireParty("licensee", x.licensee(), p);
                for (String a : x.assetIds()) {
                    requireAsset("asset_ids", a, p);
                }
                p.licenses.put(x.id(), x);
            }
            case "split" -> {
                RoyaltySplit x = RoyaltySplit.from(e, fact);
                requireNew("split_id", x.id(), "split", p.splits, splits, q -> q.fact());
                requireAsset("asset_id", x.assetId(), p);
                for (int i = 0; i < x.shares().size(); i++) {
                    requireParty("shares[" + i + "].party_id", x.shares().get(i).partyId(), p);
                }
                if (x.replaces() != null) {
                    RoyaltySplit old = lookup(x.replaces(), p.splits, splits);
                    if (old == null) {
                        throw new FieldException("replaces", "unknown split " + x.replaces());
                    }
                    if (!old.assetId().equals(x.assetId()) || !old.rightType().equals(x.rightType())) {
                        throw new FieldException("replaces", "split " + old.id() + " is for " + old.assetId()
                                + " " + old.rightType() + ", not " + x.assetId() + " " + x.rightType());
                    }
                    if (replacedBy.containsKey(old.id()) || p.replaced.contains(old.id())) {
                        throw new FieldException("replaces", "split " + old.id() + " was already replaced");
                    }
                    if (!x.validity().from().isAfter(old.validity().from())) {
                        throw new FieldException("valid_from", "a replacement must start after the split it replaces ("
                                + old.validity().from() + ")");
                    }
                }
                List<RoyaltySplit> same = new ArrayList<>(splitsForAsset(x.assetId()));
                for (RoyaltySplit s : p.splits.values()) {
                    if (s.assetId().equals(x.assetId())) {
                        same.add(s);
                    }
                }
                for (RoyaltySplit s : same) {
                    if (!s.rightType().equals(x.rightType())) {
                        continue;
                    }
                    Validity v;
                    if (s.id().equals(x.replaces())) {
                        v = s.validity().endingAt(x.validity().from());
                    } else if (p.replaced.contains(s.id())) {
                        RoyaltySplit by = null;
                        for (RoyaltySplit q : p.splits.values()) {
                            if (s.id().equals(q.replaces())) {
                                by = q;
                            }
                        }
                        v = s.validity().endingAt(by.validity().from());
                    } else {
                        v = effectiveValidity(s, Horizon.all());
                    }
                    if (v != null && v.overlaps(x.validity())) {
                        throw new FieldException("valid_from", "overlaps split " + s.id() + " of "
                                + s.assetId() + " " + s.rightType() + " " + v + where(s.fact())
                                + ": end it with a split that 'replaces' it");
                    }
                }
                if (x.replaces() != null) {
                    p.replaced.add(x.replaces());
                }
                p.splits.put(x.id(), x);
            }
            case "usage" -> {
                Usage x = Usage.from(e, fact);
                if (usages.containsKey(x.id()) || !p.usages.add(x.id())) {
                    throw new FieldException("usage_id", "usage " + x.id() + " is already recorded");
                }
                License l = lookup(x.licenseId(), p.licenses, licenses);
                if (l == null) {
                    throw new FieldException("license_id", "unknown license " + x.licenseId());
                }
                if (!l.licensee().equals(x.licensee())) {
                    throw new FieldException("licensee", "license " + l.id() + " was issued to "
                            + l.licensee() + ", not " + x.licensee());
                }
                for (String a : x.assetIds()) {
                    if (!l.assetIds().contains(a)) {
                        throw new FieldException("asset_ids", "asset " + a + " is not covered by license " + l.id());
                    }
                }
            }
            default -> throw new FieldException("type", "unknown event type '" + type
                    + "' (party, asset, consent, revocation, license, split or usage)");
        }
    }

    private static String where(Fact f) {
        return f.seq() == Long.MAX_VALUE ? ", earlier in this input" : ", entry " + f.seq();
    }

    private static <T> void requireNew(String field, String id, String what, Map<String, T> pending,
            Map<String, T> state, Function<T, Fact> fact) {
        if (pending.containsKey(id)) {
            throw new FieldException(field, what + " " + id + " appears twice in this input");
        }
        T old = state.get(id);
        if (old != null) {
            throw new FieldException(field, what + " " + id + " already exists (entry "
                    + fact.apply(old).seq() + "); the ledger is append-only, use a new id");
        }
    }

    private void requireParty(String field, String id, Pending p) {
        if (lookup(id, p.parties, parties) == null) {
            throw new FieldException(field, "unknown party " + id + ": import the party first");
        }
    }

    private void requireAsset(String field, String id, Pending p) {
        if (lookup(id, p.assets, assets) == null) {
            throw new FieldException(field, "unknown asset " + id + ": register the asset first");
        }
    }
}
