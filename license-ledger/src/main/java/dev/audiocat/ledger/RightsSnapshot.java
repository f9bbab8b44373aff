package dev.audiocat.ledger;

import java.io.IOException;
import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The rights summary of every asset the ledger knows, computed once at one tree head and one
 * instant, so that every worker of a pipeline answers from the same checkpoint. It is a plain
 * serializable map (a few hundred bytes per asset), shipped with the transform that uses it.
 */
public final class RightsSnapshot implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long treeSize;
    private final String rootHash;
    private final Instant at;
    private final HashMap<String, RightsSummary> byAssetId;
    private final HashMap<String, String> assetIdByAudioId;
    /** Owner party of each known asset, and the assets licensed to each party (in force at {@code at}). */
    private final HashMap<String, String> ownerByAssetId;
    private final HashMap<String, java.util.HashSet<String>> licensedAssetsByParty;
    /** Where it was loaded from, when that is reachable from workers (s3://); else null. */
    private String location;

    private RightsSnapshot(long treeSize, String rootHash, Instant at,
            HashMap<String, RightsSummary> byAssetId, HashMap<String, String> assetIdByAudioId,
            HashMap<String, String> ownerByAssetId, HashMap<String, java.util.HashSet<String>> licensedAssetsByParty) {
        this.treeSize = treeSize;
        this.rootHash = rootHash;
        this.at = at;
        this.byAssetId = byAssetId;
        this.assetIdByAudioId = assetIdByAudioId;
        this.ownerByAssetId = ownerByAssetId;
        this.licensedAssetsByParty = licensedAssetsByParty;
    }

    /** Opens the ledger at {@code location} (folder or s3://), and summarises it at its head, now. */
    public static RightsSnapshot load(String location) throws IOException {
        try (Ledger l = Ledger.open(location)) {
            RightsSnapshot s = of(l, l.size(), Instant.now());
            if (location != null && location.startsWith("s3://")) {
                s.location = location;
            }
            return s;
        }
    }

    /**
     * Snapshots of S3 ledgers with more assets than this (system property
     * {@code audiocat.rights.ship-limit}, default 50,000) serialize as a pin — location, tree size,
     * root hash and instant, a few hundred bytes — and each worker JVM rebuilds the snapshot once
     * from the ledger, after checking that the ledger still has exactly that tree head. Smaller
     * snapshots, and those of local folders (which workers elsewhere cannot read), travel whole.
     */
    static int shipLimit() {
        return Integer.getInteger("audiocat.rights.ship-limit", 50_000);
    }

    private Object writeReplace() {
        if (location != null && byAssetId.size() > shipLimit()) {
            return new Pinned(location, treeSize, rootHash, at);
        }
        return this;
    }

    /** The serialized form of a large S3 snapshot; rebuilt (once per JVM) when deserialized. */
    record Pinned(String location, long treeSize, String rootHash, Instant at) implements Serializable {
        static final java.util.concurrent.ConcurrentHashMap<Pinned, RightsSnapshot> CACHE =
                new java.util.concurrent.ConcurrentHashMap<>();

        private Object readResolve() throws java.io.ObjectStreamException {
            try {
                return CACHE.computeIfAbsent(this, p -> {
                    try (Ledger l = Ledger.open(p.location)) {
                        if (l.size() < p.treeSize || !l.head(p.treeSize).rootHash().equals(p.rootHash)) {
                            throw new IllegalStateException("the ledger at " + p.location + " no longer has tree head "
                                    + p.treeSize + "/" + p.rootHash + " (it has " + l.size()
                                    + " entries): it was rewritten since the pipeline started");
                        }
                        RightsSnapshot s = of(l, p.treeSize, p.at);
                        s.location = p.location;
                        return s;
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
            } catch (RuntimeException e) {
                java.io.InvalidObjectException x = new java.io.InvalidObjectException(
                        "cannot rebuild the rights snapshot from " + location + ": " + e.getMessage());
                x.initCause(e);
                throw x;
            }
        }
    }

    /**
     * Summaries as of the first {@code treeSize} entries, evaluated at {@code at} (validity and
     * revocations in force then, and only what was recorded by then).
     */
    public static RightsSnapshot of(Ledger ledger, long treeSize, Instant at) {
        Ledger.TreeHead head = ledger.head(treeSize);
        LedgerState s = ledger.state();
        Horizon h = new Horizon(treeSize, at);
        ConsentGate gate = ledger.gate();
        HashMap<String, RightsSummary> map = new HashMap<>();
        HashMap<String, String> byAudio = new HashMap<>();
        HashMap<String, String> owners = new HashMap<>();
        HashMap<String, java.util.HashSet<String>> licensed = new HashMap<>();
        for (Asset a : s.assets()) {
            if (!a.fact().visible(h)) {
                continue;
            }
            List<License> inForce = new ArrayList<>();
            for (License l : s.licensesForAsset(a.id())) {
                if (l.fact().visible(h) && l.validity().contains(at)) {
                    inForce.add(l);
                }
            }
            map.put(a.id(), summarize(s, gate, a, inForce, at, h, head));
            if (a.audioId() != null) {
                byAudio.merge(a.audioId(), a.id(), (x, y) -> x.compareTo(y) <= 0 ? x : y);
            }
            if (a.owner() != null) {
                owners.put(a.id(), a.owner());
            }
            for (License l : inForce) {
                licensed.computeIfAbsent(l.licensee(), k -> new java.util.HashSet<>()).add(a.id());
            }
        }
        return new RightsSnapshot(head.treeSize(), head.rootHash(), at, map, byAudio, owners, licensed);
    }

    public long treeSize() {
        return treeSize;
    }

    public String rootHash() {
        return rootHash;
    }

    public Instant at() {
        return at;
    }

    public int assetCount() {
        return byAssetId.size();
    }

    /**
     * Whether the owner of catalog asset {@code assetId} holds a licence, in force at this
     * snapshot's instant, for {@code licensedAssetId} (for example a reference recording the asset
     * was found to contain): TRUE or FALSE when the ledger knows the asset and its owner, null when
     * it does not (unknown, which is not a licence).
     */
    public Boolean ownerHoldsLicenceFor(String assetId, String licensedAssetId) {
        String owner = assetId == null ? null : ownerByAssetId.get(assetId);
        if (owner == null) {
            return null;
        }
        java.util.Set<String> held = licensedAssetsByParty.get(owner);
        return held != null && held.contains(licensedAssetId);
    }

    /** Looks the asset up by {@code assetId}, then by {@code audioId}; unknown if neither is known. */
    public RightsSummary summarize(String assetId, String audioId) {
        RightsSummary r = assetId == null ? null : byAssetId.get(assetId);
        if (r == null && audioId != null) {
            String id = assetIdByAudioId.get(audioId);
            r = id == null ? null : byAssetId.get(id);
        }
        if (r != null) {
            return r;
        }
        Map<String, String> consent = new LinkedHashMap<>();
        for (Purpose p : Purpose.values()) {
            consent.put(p.wire(), "unknown");
        }
        return new RightsSummary(RightsSummary.UNKNOWN, consent, List.of(), null, null, List.of(),
                List.of(), treeSize, rootHash);
    }

    /** {@code inForce}: the asset's licences visible at the horizon and valid at {@code at}. */
    static RightsSummary summarize(LedgerState s, ConsentGate gate, Asset a, List<License> inForce, Instant at,
            Horizon h, Ledger.TreeHead head) {
        Map<String, String> consent = new LinkedHashMap<>();
        TreeSet<String> territories = new TreeSet<>();
        Instant from = null;
        Instant until = null;
        for (Purpose p : Purpose.values()) {
            List<Consent> cs = gate.applicable(a, p, null, at, h);
            String value = "unknown";
            for (Consent c : cs) {
                String v = c.value() == ConsentValue.CONSTRAINED && !c.machineCheckable()
                        ? ConsentValue.NOT_ALLOWED.wire() : c.value().wire();
                value = value.equals("unknown") || value.equals(v) ? v : ConsentValue.CONSTRAINED.wire();
                if (c.value() != ConsentValue.NOT_ALLOWED) {
                    territories.addAll(c.territories());
                }
                Validity v2 = s.effectiveValidity(c, h);
                from = from == null || v2.from().isAfter(from) ? v2.from() : from;
                if (v2.until() != null) {
                    until = until == null || v2.until().isBefore(until) ? v2.until() : until;
                }
            }
            consent.put(p.wire(), value);
        }
        if (territories.contains("WORLD")) {
            territories.retainAll(List.of("WORLD"));
        }
        List<String> licenses = new ArrayList<>();
        for (License l : inForce) {
            licenses.add(l.id());
        }
        licenses.sort(null);
        List<RightsSummary.Share> shares = new ArrayList<>();
        List<RoyaltySplit> splits = new ArrayList<>(s.splitsForAsset(a.id()));
        splits.sort(Comparator.comparing(RoyaltySplit::rightType));
        for (RoyaltySplit sp : splits) {
            Validity v = sp.fact().visible(h) ? s.effectiveValidity(sp, h) : null;
            if (v == null || !v.contains(at)) {
                continue;
            }
            for (RoyaltySplit.Share sh : sp.shares()) {
                Party party = s.party(sh.partyId());
                shares.add(new RightsSummary.Share(sh.partyId(), party == null ? null : party.name(),
                        sh.role(), sp.rightType(), plain(sh.share())));
            }
        }
        return new RightsSummary(RightsSummary.KNOWN, consent, List.copyOf(territories), from, until,
                List.copyOf(licenses), List.copyOf(shares), head.treeSize(), head.rootHash());
    }

    static String plain(BigDecimal d) {
        return d.stripTrailingZeros().toPlainString();
    }
}
