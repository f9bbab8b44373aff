package dev.audiocat.ledger;

/** One rejected value: where (input line), which field, and why. */
public record ValidationError(String origin, String field, String message) {
    @Override
    public String toString() {
        return origin + (field == null ? "" : ", field " + field) + ": " + message;
    }
}
