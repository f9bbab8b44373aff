package dev.audiocat.features.decode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The duration an Apple Core Audio Format (CAF) file's chunks declare. Like a WAV's, FFmpeg's CAF demuxer
 * derives the duration from the bytes present when the {@code data} chunk runs past the end of the file, so a
 * cut-short copy looks whole to it. The chunks still say how long the audio was: for packets of one size
 * (linear PCM, IMA4, µ-law, A-law) the {@code data} chunk's size over the {@code desc} chunk's bytes per
 * packet, times its frames per packet; for packets of varying size (AAC, ALAC: Apple Loops) the {@code pakt}
 * chunk's count of valid frames, when it comes before the audio (where Apple's tools write it). FFmpeg writes
 * the packet table after the audio, where a cut takes it away; FFmpeg then cannot open the file at all, and
 * {@link #dataCut} tells the decoder why. Big-endian, 64-bit chunk sizes.
 */
final class CafHeader {

    private CafHeader() {
    }

    /**
     * Whether the file ends inside its {@code data} chunk: the chunk declares a size (not -1, "still being
     * written") that runs past the end of the file. A file with packets of varying size whose packet table
     * followed the audio (as FFmpeg writes it) has lost that table to the cut, and FFmpeg cannot open it.
     */
    static boolean dataCut(Path file) throws IOException {
        return read(file).dataCut();
    }

    /** Seconds the chunks declare, or -1 when the file is not CAF or declares nothing usable (a data size of -1: still being written). */
    static double declaredSeconds(Path file) throws IOException {
        return read(file).declaredSeconds();
    }

    /** What the chunks up to the {@code data} chunk's header say. */
    private record Layout(double declaredSeconds, boolean dataCut) {
        static final Layout NONE = new Layout(-1, false);
    }

    private static Layout read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer head = ByteBuffer.allocate(8);
            if (RiffHeader.read(ch, head, 0) < 8 || !RiffHeader.ascii(head, 0).equals("caff")) {
                return Layout.NONE;
            }
            double rate = 0;
            long bytesPerPacket = 0;
            long framesPerPacket = 0;
            long validFrames = -1;
            long pos = 8;
            ByteBuffer chunk = ByteBuffer.allocate(12);
            for (int n = 0; n < 1000 && pos + 12 <= ch.size(); n++) {
                chunk.clear();
                if (RiffHeader.read(ch, chunk, pos) < 12) {
                    return Layout.NONE;
                }
                String id = RiffHeader.ascii(chunk, 0);
                long size = chunk.getLong(4);
                if (id.equals("desc")) {
                    ByteBuffer d = ByteBuffer.allocate(32);
                    if (RiffHeader.read(ch, d, pos + 12) < 32) {
                        return Layout.NONE;
                    }
                    rate = d.getDouble(0);
                    bytesPerPacket = Integer.toUnsignedLong(d.getInt(16));
                    framesPerPacket = Integer.toUnsignedLong(d.getInt(20));
                } else if (id.equals("pakt")) {
                    ByteBuffer p = ByteBuffer.allocate(16);
                    if (RiffHeader.read(ch, p, pos + 12) >= 16) {
                        validFrames = p.getLong(8); // after the packet count
                    }
                } else if (id.equals("data")) {
                    boolean cut = size >= 0 && pos + 12 + size > ch.size();
                    double seconds = -1;
                    if (rate > 0 && validFrames > 0) {
                        seconds = validFrames / rate;
                    } else if (rate > 0 && size > 4 && bytesPerPacket > 0 && framesPerPacket > 0) {
                        // packets of one size (linear PCM, IMA4, µ-law, A-law): the data size says the frames; the
                        // chunk opens with a 4-byte edit count
                        seconds = (double) ((size - 4) / bytesPerPacket) * framesPerPacket / rate;
                    }
                    return new Layout(seconds, cut);
                }
                if (size < 0) {
                    return Layout.NONE;
                }
                pos += 12 + size;
            }
            return Layout.NONE;
        }
    }
}
