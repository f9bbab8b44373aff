package dev.audiocat.ledger;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Issued to a licensee for a set of assets and purposes, with terms and a fee. */
public record License(String id, String licensee, List<String> assetIds, List<Purpose> purposes,
        List<String> territories, Validity validity, String terms, BigDecimal feeAmount,
        String feeCurrency, Fact fact) {

    static License from(Map<String, Object> e, Fact fact) {
        Fields f = new Fields(e);
        List<Purpose> purposes = new ArrayList<>();
        for (String p : f.strings("purposes")) {
            try {
                purposes.add(Purpose.parse(p));
            } catch (IllegalArgumentException ex) {
                throw new FieldException("purposes", ex.getMessage());
            }
        }
        BigDecimal fee = null;
        String currency = null;
        Map<String, Object> feeObj = f.optObject("fee");
        if (feeObj != null) {
            Fields ff = new Fields(feeObj);
            try {
                fee = ff.decimal("amount");
            } catch (FieldException ex) {
                throw new FieldException("fee.amount", ex.getMessage());
            }
            if (fee.signum() < 0) {
                throw new FieldException("fee.amount", fee.toPlainString() + " is negative");
            }
            currency = currency(ff, "fee.currency");
        }
        return new License(f.id("license_id"), f.id("licensee"), List.copyOf(f.strings("asset_ids")),
                List.copyOf(purposes), f.territories("territories"), f.validity(), f.optStr("terms"), fee,
                currency, fact);
    }

    static String currency(Fields ff, String name) {
        String c;
        try {
            c = ff.str("currency");
        } catch (FieldException ex) {
            throw new FieldException(name, ex.getMessage());
        }
        if (!c.matches("[A-Z]{3}")) {
            throw new FieldException(name, "'" + c + "' is not an ISO 4217 code such as EUR");
        }
        return c;
    }

    public boolean covers(String assetId, Purpose p, String territory, java.time.Instant t) {
        return assetIds.contains(assetId) && purposes.contains(p) && validity.contains(t)
                && (territory == null || territories.contains("WORLD") || territories.contains(territory));
    }
}
