package dev.audiocat.ledger;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** An export delivered {@code assetIds} to {@code licensee} under {@code licenseId}. */
public record Usage(String id, String licenseId, String licensee, List<String> assetIds,
        Instant deliveredAt, String exportId, BigDecimal revenue, String currency, Fact fact) {

    static Usage from(Map<String, Object> e, Fact fact) {
        Fields f = new Fields(e);
        BigDecimal revenue = null;
        String currency = null;
        Map<String, Object> r = f.optObject("revenue");
        if (r != null) {
            Fields rf = new Fields(r);
            try {
                revenue = rf.decimal("amount");
            } catch (FieldException ex) {
                throw new FieldException("revenue.amount", ex.getMessage());
            }
            if (revenue.signum() < 0) {
                throw new FieldException("revenue.amount", revenue.toPlainString() + " is negative");
            }
            currency = License.currency(rf, "revenue.currency");
        }
        return new Usage(f.id("usage_id"), f.id("license_id"), f.id("licensee"),
                List.copyOf(f.strings("asset_ids")), f.time("delivered_at"), f.optStr("export_id"),
                revenue, currency, fact);
    }
}
