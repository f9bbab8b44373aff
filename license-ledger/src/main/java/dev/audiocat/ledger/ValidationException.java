package dev.audiocat.ledger;

import java.util.List;

/** A batch was rejected; nothing of it was written. */
public final class ValidationException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient List<ValidationError> errors;

    public ValidationException(List<ValidationError> errors) {
        super(errors.size() + " error(s), nothing written; first: " + errors.get(0));
        this.errors = List.copyOf(errors);
    }

    public List<ValidationError> errors() {
        return errors;
    }
}
