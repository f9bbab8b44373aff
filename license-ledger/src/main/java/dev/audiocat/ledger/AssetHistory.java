package dev.audiocat.ledger;

import dev.audiocat.ledger.merkle.MerkleTree;
import dev.audiocat.ledger.store.LogStore;
import java.io.IOException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything the log says about one asset, oldest first: its registration, its own consents and
 * its owner's catalogue-wide ones, revocations of those, licenses, splits and usage. Each item is
 * the event plus {@code seq} and {@code recorded} (when the ledger learned it). Reads the log
 * (it does not keep events in memory), so it costs one pass over the log.
 */
public final class AssetHistory {
    private AssetHistory() {}

    public static List<Map<String, Object>> read(LogStore store, String assetId) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        Set<String> owners = new HashSet<>();
        Set<String> consents = new HashSet<>();
        MessageDigest md = MerkleTree.sha256();
        byte[][] prev = {LogEntry.GENESIS_PREV};
        Instant[] last = {Instant.EPOCH};
        IOException[] bad = {null};
        store.read(0, (seq, record) -> {
            if (bad[0] != null) {
                return;
            }
            LogEntry e;
            try {
                e = LogEntry.parse(seq, record, prev[0], last[0], md);
            } catch (LogEntry.BadEntryException ex) {
                bad[0] = new LedgerCorruptException(store.location(), ex.seq(), ex.getMessage());
                return;
            }
            prev[0] = e.leafHash();
            last[0] = e.time();
            for (Map<String, Object> ev : e.events()) {
                if (mentions(ev, assetId, owners, consents)) {
                    Map<String, Object> item = new LinkedHashMap<>();
                    item.put("seq", seq);
                    item.put("recorded", e.time().toString());
                    item.putAll(ev);
                    out.add(item);
                }
            }
        });
        if (bad[0] != null) {
            throw bad[0];
        }
        return out;
    }

    private static boolean mentions(Map<String, Object> ev, String assetId, Set<String> owners, Set<String> consents) {
        String type = String.valueOf(ev.get("type"));
        boolean own = assetId.equals(ev.get("asset_id"))
                || (ev.get("asset_ids") instanceof List<?> l && l.contains(assetId));
        switch (type) {
            case "asset" -> {
                if (own && ev.get("owner") instanceof String o) {
                    owners.add(o);
                }
                return own;
            }
            case "consent" -> {
                boolean catalogue = ev.get("party_id") instanceof String p && owners.contains(p);
                if (own || catalogue) {
                    consents.add(String.valueOf(ev.get("consent_id")));
                    return true;
                }
                return false;
            }
            case "revocation" -> {
                return consents.contains(String.valueOf(ev.get("consent_id")));
            }
            default -> {
                return own;
            }
        }
    }
}
