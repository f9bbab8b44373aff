package dev.audiocat.features.fingerprint;

import java.io.ByteArrayOutputStream;
import java.util.Base64;

/**
 * Chromaprint's compressed fingerprint format (the string {@code fpcalc} prints and AcoustID stores).
 *
 * <p>Layout: one byte algorithm id, three bytes item count (big-endian), then the XOR-delta of
 * consecutive sub-fingerprints written as the gaps between set bits: each gap as a 3-bit value (7
 * means "7 or more, see the exception stream"), a 0 closes each item; then the exceptions (gap - 7)
 * as 5-bit values. Both bit streams are packed least-significant bit first. The whole is base64 with
 * the URL-safe alphabet and no padding.
 */
public final class ChromaprintCodec {

    private ChromaprintCodec() {
    }

    /** Compresses raw sub-fingerprints. */
    public static String encode(int[] raw, int algorithm) {
        BitWriter normal = new BitWriter();
        BitWriter exceptional = new BitWriter();
        int prev = 0;
        for (int i = 0; i < raw.length; i++) {
            int x = i == 0 ? raw[0] : raw[i] ^ prev;
            prev = raw[i];
            int bit = 1;
            int lastBit = 0;
            while (x != 0) {
                if ((x & 1) != 0) {
                    int value = bit - lastBit;
                    if (value >= 7) {
                        normal.write(7, 3);
                        exceptional.write(value - 7, 5);
                    } else {
                        normal.write(value, 3);
                    }
                    lastBit = bit;
                }
                x >>>= 1;
                bit++;
            }
            normal.write(0, 3);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(algorithm & 255);
        out.write((raw.length >> 16) & 255);
        out.write((raw.length >> 8) & 255);
        out.write(raw.length & 255);
        normal.writeTo(out);
        exceptional.writeTo(out);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(out.toByteArray());
    }

    /** The algorithm id of a compressed fingerprint. */
    public static int algorithm(String compressed) {
        return Base64.getUrlDecoder().decode(stripPadding(compressed))[0] & 255;
    }

    /**
     * Decompresses a fingerprint string back to raw sub-fingerprints.
     *
     * @throws IllegalArgumentException when the string is not a valid compressed fingerprint
     */
    public static int[] decode(String compressed) {
        byte[] data;
        try {
            data = Base64.getUrlDecoder().decode(stripPadding(compressed));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a Chromaprint fingerprint (bad base64): " + abbreviate(compressed), e);
        }
        if (data.length < 4) {
            throw new IllegalArgumentException("not a Chromaprint fingerprint (shorter than its header): " + abbreviate(compressed));
        }
        int size = ((data[1] & 255) << 16) | ((data[2] & 255) << 8) | (data[3] & 255);
        long end = data.length * 8L;
        byte[] buf = java.util.Arrays.copyOf(data, data.length + 8); // every 8-byte load below stays inside
        // First pass: where the 3-bit stream ends, after `size` items are closed. 19 codes (57 bits: what one
        // 8-byte load holds from any bit offset) at a time while their zeros cannot close the last item, then
        // code by code.
        long pos = 32;
        int closed = 0;
        while (closed < size) {
            if (pos + 57 <= end) {
                long w = (long) LE_LONG.get(buf, (int) (pos >>> 3)) >>> (pos & 7);
                long nonZero = (w | (w >>> 1) | (w >>> 2)) & LOWEST_BITS_OF_19_CODES;
                int zeros = 19 - Long.bitCount(nonZero);
                if (closed + zeros < size) {
                    closed += zeros;
                    pos += 57;
                    continue;
                }
            }
            if (pos + 3 > end) {
                throw new IllegalArgumentException("truncated Chromaprint fingerprint: " + abbreviate(compressed));
            }
            if (bits(buf, pos, 3) == 0) {
                closed++;
            }
            pos += 3;
        }
        // The exception stream starts at the next byte boundary.
        long exPos = 32 + ((pos - 32 + 7) / 8) * 8;
        int[] raw = new int[size];
        long p = 32;
        int prev = 0;
        for (int item = 0; item < size; item++) {
            int value = 0;
            int bit = 0;
            for (int v = bits(buf, p, 3); v != 0; v = bits(buf, p, 3)) {
                p += 3;
                if (v == 7) {
                    if (exPos + 5 > end) {
                        throw new IllegalArgumentException("truncated Chromaprint fingerprint exceptions: " + abbreviate(compressed));
                    }
                    v += bits(buf, exPos, 5);
                    exPos += 5;
                }
                bit += v;
                if (bit > 32) {
                    throw new IllegalArgumentException("corrupt Chromaprint fingerprint (bit index " + bit + "): " + abbreviate(compressed));
                }
                value |= 1 << (bit - 1);
            }
            p += 3; // the 0 that closes the item
            prev = item == 0 ? value : prev ^ value;
            raw[item] = prev;
        }
        return raw;
    }

    /** Bits 0, 3, 6, ... 54: where each of 19 consecutive 3-bit codes starts. */
    private static final long LOWEST_BITS_OF_19_CODES = 0x0049249249249249L;

    private static final java.lang.invoke.VarHandle LE_LONG =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    /**
     * {@code n} (≤ 32) bits from bit {@code pos} on, least-significant first, as the streams are packed: one
     * 8-byte load instead of a loop over the bits (decoding every earlier fingerprint is most of what
     * duplicate grouping costs an ingest into a large catalog). {@code buf} has 8 bytes beyond the data.
     */
    private static int bits(byte[] buf, long pos, int n) {
        long w = (long) LE_LONG.get(buf, (int) (pos >>> 3));
        return (int) (w >>> (pos & 7)) & ((1 << n) - 1);
    }

    private static String stripPadding(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '=') {
            end--;
        }
        return s.substring(0, end).trim();
    }

    private static String abbreviate(String s) {
        return s.length() <= 24 ? "'" + s + "'" : "'" + s.substring(0, 24) + "...'";
    }

    /** Packs values least-significant bit first. */
    private static final class BitWriter {
        private byte[] buf = new byte[64];
        private long bits;

        void write(int value, int n) {
            for (int i = 0; i < n; i++) {
                long p = bits++;
                int idx = (int) (p >>> 3);
                if (idx == buf.length) {
                    buf = java.util.Arrays.copyOf(buf, buf.length * 2);
                }
                if (((value >>> i) & 1) != 0) {
                    buf[idx] |= (byte) (1 << (p & 7));
                }
            }
        }

        void writeTo(ByteArrayOutputStream out) {
            out.write(buf, 0, (int) ((bits + 7) / 8));
        }
    }
}
