package dev.audiocat.ledger;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who is paid what share of one right type ({@code master} or {@code publishing}) of an asset.
 * Shares are exact decimals that must sum to exactly 1 (compared with {@link BigDecimal#compareTo},
 * so 0.5 + 0.50 = 1.0 holds; 1/3 + 1/3 + 1/3 cannot be written and is rejected, as it should be).
 * {@code replaces} ends an earlier split of the same asset and right type where this one starts.
 */
public record RoyaltySplit(String id, String assetId, String rightType, List<Share> shares,
        Validity validity, String replaces, Fact fact) {

    static final Set<String> RIGHT_TYPES = Set.of("master", "publishing");

    public record Share(String partyId, String role, BigDecimal share) implements Serializable {}

    static RoyaltySplit from(Map<String, Object> e, Fact fact) {
        Fields f = new Fields(e);
        String rightType = f.str("right_type");
        if (!RIGHT_TYPES.contains(rightType)) {
            throw new FieldException("right_type", "'" + rightType + "' is not master or publishing");
        }
        List<Share> shares = new ArrayList<>();
        BigDecimal sum = BigDecimal.ZERO;
        Set<String> seen = new HashSet<>();
        List<Map<String, Object>> rows = f.objects("shares");
        for (int i = 0; i < rows.size(); i++) {
            Fields s = new Fields(rows.get(i));
            String at = "shares[" + i + "].";
            String party;
            BigDecimal share;
            try {
                party = s.id("party_id");
            } catch (FieldException ex) {
                throw new FieldException(at + "party_id", ex.getMessage());
            }
            try {
                share = s.decimal("share");
            } catch (FieldException ex) {
                throw new FieldException(at + "share", ex.getMessage());
            }
            if (share.signum() <= 0 || share.compareTo(BigDecimal.ONE) > 0) {
                throw new FieldException(at + "share", share.toPlainString() + " is not in (0, 1]");
            }
            String role = s.optStr("role");
            if (!seen.add(party + "/" + role)) {
                throw new FieldException(at + "party_id", party + " appears twice with role " + role);
            }
            shares.add(new Share(party, role, share.stripTrailingZeros()));
            sum = sum.add(share);
        }
        if (sum.compareTo(BigDecimal.ONE) != 0) {
            throw new FieldException("shares", "shares sum to " + sum.toPlainString()
                    + ", not exactly 1 (100%); nothing was written");
        }
        return new RoyaltySplit(f.id("split_id"), f.id("asset_id"), rightType, List.copyOf(shares),
                f.validity(), f.optId("replaces"), fact);
    }
}
