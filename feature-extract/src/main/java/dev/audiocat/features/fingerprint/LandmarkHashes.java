package dev.audiocat.features.fingerprint;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * The landmark hashes of one stream: parallel arrays of triplet hashes
 * ({@value LandmarkExtractor#HASH_BITS} bits), their neighbour hints and payloads (anchor frame t1,
 * anchor log-frequency f1 in 1/8 band, span t3 - t1), in the order they were found.
 *
 * @param hashes        triplet hashes (the index key)
 * @param hints         per hash, which neighbouring quantisation levels a query also looks up
 *                      ({@link LandmarkExtractor#queryVariants}); not stored in the reference index
 * @param payloads      packed (t1, f1, span), see {@link #payload(int, int, int)}
 * @param frameSeconds  seconds per frame (512 / 22050)
 * @param frames        frames analysed (the stream's length in frames)
 */
public record LandmarkHashes(int[] hashes, short[] hints, long[] payloads, double frameSeconds, long frames) {

    /** Version of {@link #toBytes()}: 2 = hashes with neighbour hints and fine anchor frequencies. */
    static final int FORMAT = 2;
    static final int SPAN_BITS = 7;
    static final int BAND_BITS = 11;
    static final int TIME_BITS = 23;
    /** Bits of a payload; the reference index puts the reference number above them. */
    static final int PAYLOAD_BITS = TIME_BITS + BAND_BITS + SPAN_BITS;

    public LandmarkHashes {
        if (hashes.length != payloads.length || hints.length != hashes.length) {
            throw new IllegalArgumentException("hashes, hints and payloads differ in length: " + hashes.length + ", "
                    + hints.length + ", " + payloads.length);
        }
    }

    public int size() {
        return hashes.length;
    }

    /** The hashes the query triplet {@code i} is looked up under, see {@link LandmarkExtractor#queryVariants}. */
    public int queryVariants(int i, int[] out) {
        return LandmarkExtractor.queryVariants(hashes[i], hints[i], out);
    }

    static long payload(int t1, int f1, int span) {
        return ((long) (t1 & ((1 << TIME_BITS) - 1)) << (BAND_BITS + SPAN_BITS)) | ((long) f1 << SPAN_BITS) | span;
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

    /** The anchor peak of a payload: {@code time << BAND_BITS | band} (the payload without its span). */
    static long anchorOf(long payload) {
        return payload >>> SPAN_BITS;
    }

    static int anchorTime(long anchor) {
        return (int) (anchor >>> BAND_BITS);
    }

    static int anchorBand(long anchor) {
        return (int) (anchor & ((1 << BAND_BITS) - 1));
    }

    /**
     * The distinct anchor peaks (t1, fine f1) of these hashes, sorted by time then frequency, packed
     * as {@code t1 << 11 | f1}: nearly every peak of the stream (all but those without a later
     * partner within the triplet window).
     */
    public long[] anchors() {
        long[] a = new long[payloads.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = anchorOf(payloads[i]);
        }
        return sortedDistinct(a, a.length);
    }

    /** The anchor frame (t1) of hash {@code i}. */
    public int anchorFrame(int i) {
        return time(payloads[i]);
    }

    /** {@link #anchors()} of the hashes whose anchor frame lies in [{@code fromFrame}, {@code toFrame}). */
    public long[] anchors(long fromFrame, long toFrame) {
        long[] a = new long[payloads.length];
        int n = 0;
        for (long p : payloads) {
            int t = time(p);
            if (t >= fromFrame && t < toFrame) {
                a[n++] = anchorOf(p);
            }
        }
        return sortedDistinct(a, n);
    }

    /**
     * The hashes whose anchor frame lies in [{@code fromFrame}, {@code toFrame}), as a query of that
     * length (payload times stay those of the whole stream, so offsets stay positions in it).
     */
    public LandmarkHashes window(long fromFrame, long toFrame) {
        int n = 0;
        for (long p : payloads) {
            int t = time(p);
            if (t >= fromFrame && t < toFrame) {
                n++;
            }
        }
        int[] h = new int[n];
        short[] k = new short[n];
        long[] p = new long[n];
        int j = 0;
        for (int i = 0; i < payloads.length; i++) {
            int t = time(payloads[i]);
            if (t >= fromFrame && t < toFrame) {
                h[j] = hashes[i];
                k[j] = hints[i];
                p[j] = payloads[i];
                j++;
            }
        }
        return new LandmarkHashes(h, k, p, frameSeconds, toFrame - fromFrame);
    }

    /** The first {@code n} values of {@code a}, sorted, each once (sorts {@code a} in place). */
    static long[] sortedDistinct(long[] a, int n) {
        Arrays.sort(a, 0, n);
        int u = 0;
        for (int i = 0; i < n; i++) {
            if (u == 0 || a[i] != a[u - 1]) {
                a[u++] = a[i];
            }
        }
        return u == a.length ? a : Arrays.copyOf(a, u);
    }

    /** Duration of the analysed stream in seconds. */
    public double seconds() {
        return frames * frameSeconds;
    }

    /** Compact binary form (for Beam and for caching). */
    public byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(20 + hashes.length * 14);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeDouble(frameSeconds);
            out.writeLong(frames);
            out.writeInt(FORMAT);
            out.writeInt(hashes.length);
            for (int i = 0; i < hashes.length; i++) {
                out.writeInt(hashes[i]);
                out.writeShort(hints[i]);
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
            int format = in.readInt();
            if (format != FORMAT) {
                throw new IllegalArgumentException("landmark hash block of format " + format + ", this version reads format " + FORMAT
                        + ": extract the landmarks again");
            }
            int n = in.readInt();
            int[] h = new int[n];
            short[] k = new short[n];
            long[] p = new long[n];
            for (int i = 0; i < n; i++) {
                h[i] = in.readInt();
                k[i] = in.readShort();
                p[i] = in.readLong();
            }
            return new LandmarkHashes(h, k, p, frameSeconds, frames);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a landmark hash block (" + data.length + " bytes): " + e.getMessage(), e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LandmarkHashes l && Arrays.equals(hashes, l.hashes) && Arrays.equals(hints, l.hints)
                && Arrays.equals(payloads, l.payloads)
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
        private short[] k = new short[4096];
        private long[] p = new long[4096];
        private int n;

        void add(int hash, short hints, long payload) {
            if (n == h.length) {
                h = Arrays.copyOf(h, n * 2);
                k = Arrays.copyOf(k, n * 2);
                p = Arrays.copyOf(p, n * 2);
            }
            h[n] = hash;
            k[n] = hints;
            p[n] = payload;
            n++;
        }

        LandmarkHashes build(double frameSeconds, long frames) {
            return new LandmarkHashes(Arrays.copyOf(h, n), Arrays.copyOf(k, n), Arrays.copyOf(p, n), frameSeconds, frames);
        }
    }
}
