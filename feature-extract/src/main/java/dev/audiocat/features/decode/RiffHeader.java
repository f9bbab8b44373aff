package dev.audiocat.features.decode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The size a WAV (RIFF, RF64, BW64 or Sony Wave64) file's {@code data} chunk declares. FFmpeg's WAV demuxer
 * derives a PCM file's duration from the bytes present when the chunk runs past the end of the file,
 * so a cut-short copy looks whole to it; the chunk header still says how long the audio was. Only the
 * chunk headers are read (seeking over the chunks before {@code data}: fmt, bext, LIST, iXML, JUNK).
 */
final class RiffHeader {

    private RiffHeader() {
    }

    /**
     * Bytes of audio the {@code data} chunk declares, or -1 when the file is not RIFF/RF64/BW64/Wave64, has no
     * data chunk header, or declares an unknown size (0 or 0xFFFFFFFF: written by a recorder that never
     * went back to fill it in, and no ds64 chunk).
     */
    static long declaredDataBytes(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer head = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
            if (read(ch, head, 0) < 12) {
                return -1;
            }
            String riff = ascii(head, 0);
            if (riff.equals("riff")) {
                return wave64DataBytes(ch);
            }
            if (!ascii(head, 8).equals("WAVE") || !(riff.equals("RIFF") || riff.equals("RF64") || riff.equals("BW64"))) {
                return -1;
            }
            long ds64 = -1;
            long pos = 12;
            ByteBuffer chunk = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            for (int n = 0; n < 1000 && pos + 8 <= ch.size(); n++) {
                chunk.clear();
                if (read(ch, chunk, pos) < 8) {
                    return -1;
                }
                String id = ascii(chunk, 0);
                long size = Integer.toUnsignedLong(chunk.getInt(4));
                if (id.equals("ds64") && chunk.limit() >= 16) {
                    ByteBuffer d = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
                    if (read(ch, d, pos + 8) >= 16) {
                        ds64 = d.getLong(8); // RIFF size, then data size
                    }
                }
                if (id.equals("data")) {
                    if (size == 0xFFFFFFFFL) {
                        return ds64 > 0 ? ds64 : -1;
                    }
                    return size > 0 ? size : -1;
                }
                pos += 8 + size + (size & 1);
            }
            return -1;
        }
    }

    /**
     * Sony Wave64: 16-byte GUID chunk ids (the first four bytes spell the RIFF id, e.g. {@code data}),
     * 64-bit sizes that count the 24-byte chunk header, chunks aligned to 8 bytes; the file opens with the
     * {@code riff} chunk (40 bytes with its {@code wave} GUID).
     */
    private static long wave64DataBytes(FileChannel ch) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        long pos = 40;
        for (int n = 0; n < 1000 && pos + 24 <= ch.size(); n++) {
            chunk.clear();
            if (read(ch, chunk, pos) < 24) {
                return -1;
            }
            long size = chunk.getLong(16);
            if (size < 24) {
                return -1;
            }
            if (ascii(chunk, 0).equals("data")) {
                return size > 24 ? size - 24 : -1;
            }
            pos += (size + 7) & ~7L;
        }
        return -1;
    }

    static int read(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        int total = 0;
        while (b.hasRemaining()) {
            int n = ch.read(b, pos + total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        b.flip();
        return total;
    }

    static String ascii(ByteBuffer b, int at) {
        byte[] s = new byte[4];
        for (int i = 0; i < 4; i++) {
            s[i] = b.get(at + i);
        }
        return new String(s, java.nio.charset.StandardCharsets.US_ASCII);
    }
}
