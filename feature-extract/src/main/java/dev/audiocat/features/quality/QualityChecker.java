package dev.audiocat.features.quality;

import dev.audiocat.features.decode.PcmSink;
import dev.audiocat.features.decode.PcmTee;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * All QC checks of one file, fed by the single decode: {@link #nativeSink()} takes the native
 * channels (clipping, silence, dropouts, DC, channel relations, bandwidth), {@link #monoSink()} the
 * mono analysis stream (mains hum). Memory is O(1) in the file length; each flag type is capped at
 * {@value FlagList#CAP} entries.
 *
 * <pre>{@code
 * QualityChecker qc = new QualityChecker(false);
 * decoder.decode(qc.nativeSink(), 22050, qc.monoSink());
 * List<QcFlag> flags = qc.flags();
 * }</pre>
 */
public final class QualityChecker {

    private final ChannelChecks channels = new ChannelChecks();
    private final BandwidthMeter bandwidth;
    private final HumDetector hum = new HumDetector();
    private final PcmSink nativeSink;
    private final Double declaredSeconds;
    private final boolean endMissing;

    /**
     * Audio that ends this much (seconds) or more before the duration its header states is flagged
     * {@code truncated}. Headers that state a duration state it exactly (WAV, AIFF, W64 data sizes,
     * FLAC and WavPack sample counts) or within an encoder's delay and padding (MP3 Xing/LAME frame
     * counts, MP4 edit lists, Ogg granule positions: tens of milliseconds).
     */
    static final double TRUNCATION_SECONDS = 0.5;

    /** @param lossyCodec whether the file's own codec is lossy (a lowpass is then expected: info, not warning) */
    public QualityChecker(boolean lossyCodec) {
        this(lossyCodec, null, false);
    }

    /**
     * @param declaredSeconds the duration the file's header states ({@code AudioProbe.declaredDurationSeconds()}),
     *                        or null: decoded audio ending {@link #TRUNCATION_SECONDS} or more before it is
     *                        flagged {@code truncated}
     * @param endMissing      {@code AudioProbe.endMissing()}: the container shows that its end is missing (an Ogg
     *                        file without its end-of-stream page), so the audio is flagged {@code truncated} where
     *                        it ends, even though no stated duration says how much is missing
     */
    public QualityChecker(boolean lossyCodec, Double declaredSeconds, boolean endMissing) {
        this.bandwidth = new BandwidthMeter(lossyCodec);
        this.declaredSeconds = declaredSeconds;
        this.endMissing = endMissing;
        this.nativeSink = new PcmTee(List.of(channels, bandwidth));
    }

    /**
     * {@code truncated} (error) from where the decoded audio ends to where the header says it ends,
     * when they are {@link #TRUNCATION_SECONDS} or more apart: an incomplete copy, download or transfer,
     * or data damaged past decoding. Null otherwise.
     */
    static QcFlag truncation(Double declaredSeconds, double decodedSeconds) {
        if (declaredSeconds == null || !(declaredSeconds - decodedSeconds >= TRUNCATION_SECONDS)) {
            return null;
        }
        return new QcFlag(QcFlag.TRUNCATED, QcFlag.ERROR, decodedSeconds, declaredSeconds, String.format(java.util.Locale.ROOT,
                "the audio ends at %.2f s, its header states %.2f s: %.2f s missing (cut short or damaged; copy it again from the source)",
                decodedSeconds, declaredSeconds, declaredSeconds - decodedSeconds));
    }

    public PcmSink nativeSink() {
        return nativeSink;
    }

    public PcmSink monoSink() {
        return hum;
    }

    /** Every flag, ordered by start time then type; valid after both sinks finished. */
    public List<QcFlag> flags() {
        List<QcFlag> out = new ArrayList<>(channels.flags());
        out.addAll(hum.flags());
        if (bandwidth.flag() != null) {
            out.add(bandwidth.flag());
        }
        QcFlag cut = truncation(declaredSeconds, channels.seconds()); // NaN (nothing decoded): no flag
        if (cut == null && endMissing && channels.seconds() >= 0) {
            double end = channels.seconds();
            cut = new QcFlag(QcFlag.TRUNCATED, QcFlag.ERROR, end, end, String.format(java.util.Locale.ROOT,
                    "the audio ends at %.2f s, but the file does not end as Ogg streams end (its last page is cut off or lacks"
                            + " the end-of-stream flag): cut short, by an unknown length (an interrupted copy or download, or a"
                            + " stream recording stopped); copy it again from the source", end));
        }
        if (cut != null) {
            out.add(cut);
        }
        out.sort((a, b) -> a.startSeconds() != b.startSeconds()
                ? Double.compare(a.startSeconds(), b.startSeconds()) : a.type().compareTo(b.type()));
        return Collections.unmodifiableList(out);
    }

    /** Effective bandwidth of the native signal in Hz (Nyquist when full-band), NaN when too quiet to tell. */
    public double bandwidthHz() {
        return bandwidth.bandwidthHz();
    }

    /** Whether FFmpeg's decoder name denotes a lossy codec (MP3, AAC, Vorbis, Opus, AC-3, WMA...). */
    public static boolean isLossyCodec(String codec) {
        if (codec == null) {
            return false;
        }
        String c = codec.toLowerCase(java.util.Locale.ROOT);
        return c.startsWith("mp3") || c.startsWith("mp2") || c.startsWith("aac") || c.startsWith("vorbis")
                || c.startsWith("opus") || c.startsWith("libopus") || c.startsWith("ac3") || c.startsWith("eac3")
                || c.startsWith("wma") || c.startsWith("atrac") || c.startsWith("amr");
    }
}
