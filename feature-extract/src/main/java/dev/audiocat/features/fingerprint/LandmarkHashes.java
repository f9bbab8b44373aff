package dev.audiocat.features.fingerprint;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * The landmark hashes of one stream: parallel arrays of 21-bit triplet hashes and payloads
 * (anchor frame t1, anchor band f1, span t3 - t1), in the order they were found.
 *
 * @param hashes        triplet hashes
 * @param payloads      packed (t1, f1, span), see {@link #payload(int, int, int)}
 * @param frameSeconds  seconds per frame (512 / 22050)
 * @param frames        frames analysed (the stream's length in frames)
 */
public record LandmarkHashes(int[] hashes, long[] payloads, double frameSeconds, long frames) {

    static final int SPAN_BITS = 7;
    static final int BAND_BITS = 7;
    static final int TIME_BITS = 24;
    /** Bits of a payload; the reference index puts the reference number above them. */
    static final int PAYLOAD_BITS = TIME_BITS + BAND_BITS + SPAN_BITS;

    public LandmarkHashes {
        if (hashes.length != payloads.length) {
            throw new IllegalArgumentException("hashes and payloads differ in length: " + hashes.length + " vs " + payloads.length);
        }
    }

    public int size() {
        return hashes.length;
    }

    static long payload(int t1, int f1, int span) {
        return ((long) t1 << (BAND_BITS + SPAN_BITS)) | ((long) f1 << SPAN_BITS) | span;
    }

    static int time(long payload) {
        return (int) ((payload >>> (BAND_BITS + SPAN_BITS)) & ((1L << TIME_BITS) - 1));
    }

    static int band(long payload) {
        return (int) ((payload >>> SPAN_BITS) & ((1 << BAND_BITS) - 1));
    }

    static int span(long payload) {
        return (int) (payload & ((1 << SPAN_BITS) - 1));
    }

    /** Duration of the analysed stream in seconds. */
    public double seconds() {
        return frames * frameSeconds;
    }

    /** Compact binary form (for Beam and for caching). */
    public byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + hashes.length * 12);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeDouble(frameSeconds);
            out.writeLong(frames);
            out.writeInt(hashes.length);
            for (int i = 0; i < hashes.length; i++) {
                out.writeInt(hashes[i]);
                out.writeLong(payloads[i]);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static LandmarkHashes fromBytes(byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            double frameSeconds = in.readDouble();
            long frames = in.readLong();
            int n = in.readInt();
            int[] h = new int[n];
            long[] p = new long[n];
            for (int i = 0; i < n; i++) {
                h[i] = in.readInt();
                p[i] = in.readLong();
            }
            return new LandmarkHashes(h, p, frameSeconds, frames);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a landmark hash block (" + data.length + " bytes): " + e.getMessage(), e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LandmarkHashes l && Arrays.equals(hashes, l.hashes) && Arrays.equals(payloads, l.payloads)
                && frameSeconds == l.frameSeconds && frames == l.frames;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(hashes) * 31 + Arrays.hashCode(payloads);
    }

    @Override
    public String toString() {
        return "LandmarkHashes[" + hashes.length + " hashes, " + frames + " frames]";
    }

    /** Growable arrays, for the extractor. */
    static final class Builder {
        private int[] h = new int[4096];
        private long[] p = new long[4096];
        private int n;

        void add(int hash, long payload) {
            if (n == h.length) {
                h = Arrays.copyOf(h, n * 2);
                p = Arrays.copyOf(p, n * 2);
            }
            h[n] = hash;
            p[n] = payload;
            n++;
        }

        LandmarkHashes build(double frameSeconds, long frames) {
            return new LandmarkHashes(Arrays.copyOf(h, n), Arrays.copyOf(p, n), frameSeconds, frames);
        }
    }
}
