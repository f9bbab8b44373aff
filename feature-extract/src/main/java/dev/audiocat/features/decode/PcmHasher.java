package dev.audiocat.features.decode;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 of a PCM stream quantised to 16-bit little-endian, interleaved: the {@code audio_id}.
 *
 * <p>Fed the mono analysis stream, it identifies the same audio in another container or at another
 * bit depth, as long as the decoded samples round to the same 16-bit values.
 */
public final class PcmHasher implements PcmSink {

    private final MessageDigest digest;
    private byte[] buffer = new byte[0];
    private String hex;
    private int channels;

    public PcmHasher() {
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }

    @Override
    public void start(int sampleRate, int channelCount) {
        digest.reset();
        channels = channelCount;
        hex = null;
        // sample rate is part of the identity: the same samples at another rate are other audio
        digest.update(new byte[] {(byte) (sampleRate >>> 24), (byte) (sampleRate >>> 16), (byte) (sampleRate >>> 8), (byte) sampleRate});
    }

    @Override
    public void accept(float[][] data, int frames) {
        int need = frames * channels * 2;
        if (buffer.length < need) {
            buffer = new byte[need];
        }
        if (channels == 1) {
            float[] x = data[0];
            for (int i = 0, j = 0; i < frames; i++, j += 2) {
                int v = quantise(x[i]);
                buffer[j] = (byte) v;
                buffer[j + 1] = (byte) (v >> 8);
            }
        } else {
            int j = 0;
            for (int i = 0; i < frames; i++) {
                for (int c = 0; c < channels; c++) {
                    int v = quantise(data[c][i]);
                    buffer[j++] = (byte) v;
                    buffer[j++] = (byte) (v >> 8);
                }
            }
        }
        digest.update(buffer, 0, need);
    }

    /**
     * {@code Math.round(Math.max(-1f, Math.min(1f, x)) * 32767f)}, bit for bit (NaN gives 0), without
     * the NaN bookkeeping of float Math.max/min and Math.round: the sum in double is exact, so the
     * floor is Math.round's.
     */
    static int quantise(float x) {
        float c = x > 1f ? 1f : x < -1f ? -1f : x;
        return (int) Math.floor((double) (c * 32767f) + 0.5);
    }

    @Override
    public void finish() {
        hex = HexFormat.of().formatHex(digest.digest());
    }

    public String hex() {
        return hex;
    }
}
