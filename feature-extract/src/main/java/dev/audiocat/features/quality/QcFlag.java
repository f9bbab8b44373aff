package dev.audiocat.features.quality;

/**
 * One quality problem found in a file, with where it is.
 *
 * @param type          what is wrong, one of the constants documented in docs/catalog-schema.md
 *                      ({@code clipping}, {@code digital_silence}, {@code near_silence}, {@code dc_offset},
 *                      {@code mains_hum}, {@code limited_bandwidth}, {@code dropout}, {@code mono_as_stereo},
 *                      {@code phase_inverted}, {@code truncated})
 * @param severity      {@code info}, {@code warning} or {@code error}
 * @param startSeconds  where the problem starts (0 for whole-file properties)
 * @param endSeconds    where it ends
 * @param detail        a short human-readable measurement, e.g. {@code "412 samples at 0 dBFS"}
 */
public record QcFlag(String type, String severity, double startSeconds, double endSeconds, String detail) {

    public static final String CLIPPING = "clipping";
    public static final String DIGITAL_SILENCE = "digital_silence";
    public static final String NEAR_SILENCE = "near_silence";
    public static final String DC_OFFSET = "dc_offset";
    public static final String MAINS_HUM = "mains_hum";
    public static final String LIMITED_BANDWIDTH = "limited_bandwidth";
    public static final String DROPOUT = "dropout";
    public static final String MONO_AS_STEREO = "mono_as_stereo";
    public static final String PHASE_INVERTED = "phase_inverted";
    public static final String TRUNCATED = "truncated";

    public static final String INFO = "info";
    public static final String WARNING = "warning";
    public static final String ERROR = "error";
}
