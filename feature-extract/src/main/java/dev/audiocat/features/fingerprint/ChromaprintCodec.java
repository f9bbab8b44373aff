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
        long totalBits = (data.length - 4) * 8L;
        // First pass: the 3-bit stream, until `size` items are closed.
        int[] normal = new int[Math.max(16, size * 4)];
        int normalCount = 0;
        int closed = 0;
        long pos = 32;
        while (closed < size) {
            if (pos + 3 > data.length * 8L) {
                throw new IllegalArgumentException("truncated Chromaprint fingerprint: " + abbreviate(compressed));
            }
            int v = readBits(data, pos, 3);
            pos += 3;
            if (normalCount == normal.length) {
                normal = java.util.Arrays.copyOf(normal, normal.length * 2);
            }
            normal[normalCount++] = v;
            if (v == 0) {
                closed++;
            }
        }
        // The exception stream starts at the next byte boundary.
        long exPos = 32 + ((normalCount * 3L + 7) / 8) * 8;
        int[] raw = new int[size];
        int item = 0;
        int bit = 0;
        int value = 0;
        for (int i = 0; i < normalCount; i++) {
            int v = normal[i];
            if (v == 0) {
                raw[item] = item == 0 ? value : raw[item - 1] ^ value;
                item++;
                bit = 0;
                value = 0;
                continue;
            }
            if (v == 7) {
                if (exPos + 5 > totalBits + 32) {
                    throw new IllegalArgumentException("truncated Chromaprint fingerprint exceptions: " + abbreviate(compressed));
                }
                v += readBits(data, exPos, 5);
                exPos += 5;
            }
            bit += v;
            if (bit > 32) {
                throw new IllegalArgumentException("corrupt Chromaprint fingerprint (bit index " + bit + "): " + abbreviate(compressed));
            }
            value |= 1 << (bit - 1);
        }
        return raw;
    }

    private static int readBits(byte[] data, long pos, int n) {
        int v = 0;
        for (int i = 0; i < n; i++) {
            long p = pos + i;
            int b = (data[(int) (p >>> 3)] >>> (p & 7)) & 1;
            v |= b << i;
        }
        return v;
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
