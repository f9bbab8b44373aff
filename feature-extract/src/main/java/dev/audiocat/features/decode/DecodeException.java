package dev.audiocat.features.decode;

/** A file that FFmpeg cannot open or decode; the message names the file and the cause. */
public class DecodeException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String reason;

    public DecodeException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public DecodeException(String reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** A short machine-readable reason such as {@code empty_file}, {@code unrecognised_format}, {@code decode_error}. */
    public String reason() {
        return reason;
    }
}
