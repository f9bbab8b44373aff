package dev.audiocat.ledger;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one party earned in a period, following from the usage events delivered in it.
 *
 * <p>Allocation: a usage's revenue is divided equally over its assets, and each asset's part
 * equally over the right types (master, publishing) that have a split in force at delivery; each
 * party then receives its exact share of that part. The only rounding is that equal division,
 * carried to {@value #SCALE} decimal places (half-even); shares multiply exactly. Usages without
 * revenue appear with amount 0 so that every delivery is accounted for.
 */
public record RoyaltyStatement(String partyId, Instant from, Instant until, List<Line> lines,
        Map<String, BigDecimal> totals) {

    public static final int SCALE = 10;

    public record Line(String usageId, Instant deliveredAt, String licenseId, String licensee,
            String assetId, String rightType, String role, BigDecimal share, BigDecimal amount,
            String currency) {}

    /** Usages delivered in [from, until), with the splits the ledger knew at {@code horizon}. */
    public static RoyaltyStatement compute(LedgerState s, String partyId, Instant from, Instant until,
            Horizon horizon) {
        List<Line> lines = new ArrayList<>();
        TreeMap<String, BigDecimal> totals = new TreeMap<>();
        for (Usage u : s.usages()) {
            if (!u.fact().visible(horizon) || u.deliveredAt().isBefore(from)
                    || !u.deliveredAt().isBefore(until)) {
                continue;
            }
            BigDecimal revenue = u.revenue() == null ? BigDecimal.ZERO : u.revenue();
            BigDecimal perAsset = revenue.divide(BigDecimal.valueOf(u.assetIds().size()), SCALE,
                    RoundingMode.HALF_EVEN);
            for (String assetId : u.assetIds()) {
                List<RoyaltySplit> inForce = new ArrayList<>();
                for (RoyaltySplit sp : s.splitsForAsset(assetId)) {
                    Validity v = sp.fact().visible(horizon) ? s.effectiveValidity(sp, horizon) : null;
                    if (v != null && v.contains(u.deliveredAt())) {
                        inForce.add(sp);
                    }
                }
                if (inForce.isEmpty()) {
                    continue;
                }
                BigDecimal perRight = perAsset.divide(BigDecimal.valueOf(inForce.size()), SCALE,
                        RoundingMode.HALF_EVEN);
                for (RoyaltySplit sp : inForce) {
                    for (RoyaltySplit.Share sh : sp.shares()) {
                        if (!sh.partyId().equals(partyId)) {
                            continue;
                        }
                        BigDecimal amount = perRight.multiply(sh.share()).stripTrailingZeros();
                        String currency = u.currency() == null ? "" : u.currency();
                        lines.add(new Line(u.id(), u.deliveredAt(), u.licenseId(), u.licensee(), assetId,
                                sp.rightType(), sh.role(), sh.share(), amount, currency));
                        totals.merge(currency, amount, BigDecimal::add);
                    }
                }
            }
        }
        return new RoyaltyStatement(partyId, from, until, List.copyOf(lines), totals);
    }

    /** CSV with a header; amounts as plain decimals. */
    public String toCsv() {
        StringBuilder sb = new StringBuilder(
                "party_id,usage_id,delivered_at,license_id,licensee,asset_id,right_type,role,share,amount,currency\n");
        for (Line l : lines) {
            sb.append(Csv.row(partyId, l.usageId(), l.deliveredAt().toString(), l.licenseId(),
                    l.licensee(), l.assetId(), l.rightType(), l.role(), l.share().toPlainString(),
                    l.amount().toPlainString(), l.currency()));
        }
        for (Map.Entry<String, BigDecimal> t : totals.entrySet()) {
            sb.append(Csv.row(partyId, "TOTAL", "", "", "", "", "", "", "",
                    t.getValue().stripTrailingZeros().toPlainString(), t.getKey()));
        }
        return sb.toString();
    }
}
