package dev.audiocat.features.decode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The duration an Apple Core Audio Format (CAF) file's chunks declare. Like a WAV's, FFmpeg's CAF demuxer
 * derives the duration from the bytes present when the {@code data} chunk runs past the end of the file, so a
 * cut-short copy looks whole to it. The chunks still say how long the audio was: for linear PCM the
 * {@code data} chunk's size over the bytes per frame of the {@code desc} chunk; for packetised codecs (AAC,
 * ALAC: Apple Loops) the {@code pakt} chunk's count of valid frames, when it comes before the audio (where
 * Apple's tools write it; FFmpeg writes it after, where a cut takes it away). Big-endian, 64-bit chunk sizes.
 */
final class CafHeader {

    private static final int LPCM = 0x6C70636D; // 'lpcm'

    private CafHeader() {
    }

    /** Seconds the chunks declare, or -1 when the file is not CAF or declares nothing usable (a data size of -1: still being written). */
    static double declaredSeconds(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer head = ByteBuffer.allocate(8);
            if (RiffHeader.read(ch, head, 0) < 8 || !RiffHeader.ascii(head, 0).equals("caff")) {
                return -1;
            }
            double rate = 0;
            int format = 0;
            long bytesPerPacket = 0;
            long framesPerPacket = 0;
            long validFrames = -1;
            long pos = 8;
            ByteBuffer chunk = ByteBuffer.allocate(12);
            for (int n = 0; n < 1000 && pos + 12 <= ch.size(); n++) {
                chunk.clear();
                if (RiffHeader.read(ch, chunk, pos) < 12) {
                    return -1;
                }
                String id = RiffHeader.ascii(chunk, 0);
                long size = chunk.getLong(4);
                if (id.equals("desc")) {
                    ByteBuffer d = ByteBuffer.allocate(32);
                    if (RiffHeader.read(ch, d, pos + 12) < 32) {
                        return -1;
                    }
                    rate = d.getDouble(0);
                    format = d.getInt(8);
                    bytesPerPacket = Integer.toUnsignedLong(d.getInt(16));
                    framesPerPacket = Integer.toUnsignedLong(d.getInt(20));
                } else if (id.equals("pakt")) {
                    ByteBuffer p = ByteBuffer.allocate(16);
                    if (RiffHeader.read(ch, p, pos + 12) >= 16) {
                        validFrames = p.getLong(8); // after the packet count
                    }
                } else if (id.equals("data")) {
                    if (!(rate > 0)) {
                        return -1;
                    }
                    if (validFrames > 0) {
                        return validFrames / rate;
                    }
                    if (format == LPCM && size > 4 && bytesPerPacket > 0 && framesPerPacket == 1) {
                        return (size - 4) / bytesPerPacket / rate; // the data chunk opens with a 4-byte edit count
                    }
                    return -1;
                }
                if (size < 0) {
                    return -1;
                }
                pos += 12 + size;
            }
            return -1;
        }
    }
}
