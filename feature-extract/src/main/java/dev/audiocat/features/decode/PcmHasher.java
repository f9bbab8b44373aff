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
        int j = 0;
        for (int i = 0; i < frames; i++) {
            for (int c = 0; c < channels; c++) {
                float x = data[c][i];
                int v = Math.round(Math.max(-1f, Math.min(1f, x)) * 32767f);
                buffer[j++] = (byte) v;
                buffer[j++] = (byte) (v >> 8);
            }
        }
        digest.update(buffer, 0, need);
    }

    @Override
    public void finish() {
        hex = HexFormat.of().formatHex(digest.digest());
    }

    public String hex() {
        return hex;
    }
}
