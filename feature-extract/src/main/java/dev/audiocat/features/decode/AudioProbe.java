package dev.audiocat.features.decode;

import java.util.Map;

/**
 * What the container says about a file, read before decoding.
 *
 * @param container     FFmpeg demuxer name, e.g. {@code mp3}, {@code flac}, {@code mov,mp4,m4a,3gp,3g2,mj2}
 * @param codec         decoder name, e.g. {@code mp3float}, {@code pcm_s24le}
 * @param sampleRate    native sample rate in Hz
 * @param bitDepth      bits per sample of the stored PCM, or {@code null} for lossy codecs
 * @param channels      native channel count
 * @param bitRate       container bit rate in bit/s, or {@code null} when unknown
 * @param declaredDurationSeconds duration the header states (the audio stream's, else the file's), or
 *                      {@code null} when it states none (FFmpeg's estimate from the bit rate is not
 *                      taken); the decoded duration in {@link dev.audiocat.features.AnalysisResult} is
 *                      authoritative, and QC flags {@code truncated} audio that ends well before this
 * @param endMissing    whether the container shows that its end is missing where it states no duration to
 *                      compare with: an Ogg file whose last page is cut off or lacks the end-of-stream flag
 * @param tags          embedded tags (ID3, Vorbis comments, MP4 atoms, RIFF INFO, BWF bext), keys lower-cased
 */
public record AudioProbe(
        String container,
        String codec,
        int sampleRate,
        Integer bitDepth,
        int channels,
        Long bitRate,
        Double declaredDurationSeconds,
        boolean endMissing,
        Map<String, String> tags) {

    public AudioProbe {
        tags = Map.copyOf(tags);
    }
}
