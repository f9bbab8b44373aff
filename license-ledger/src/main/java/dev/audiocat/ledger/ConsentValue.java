package dev.audiocat.ledger;

/**
 * CAWG training-and-data-mining vocabulary. {@code constrained} counts as allowed only when its
 * constraints are machine-checkable (see {@link Consent#constraints()}) and satisfied.
 */
public enum ConsentValue {
    ALLOWED("allowed"),
    NOT_ALLOWED("notAllowed"),
    CONSTRAINED("constrained");

    private final String wire;

    ConsentValue(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static ConsentValue parse(String s) {
        for (ConsentValue v : values()) {
            if (v.wire.equals(s)) {
                return v;
            }
        }
        throw new IllegalArgumentException(
                "unknown consent value '" + s + "' (use allowed, notAllowed or constrained)");
    }
}
