package dev.audiocat.features.decode;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Streams PCM to a RIFF/WAVE file (16 or 24 bit, any rate and channel count) so tests can make
 * files of any length in bounded memory without an encoder. Samples are clipped to [-1, 1].
 */
public final class WavWriter implements AutoCloseable {

    private final Path file;
    private final int channels;
    private final int bits;
    private final OutputStream out;
    private final byte[] buf;
    private long dataBytes;

    public WavWriter(Path file, int sampleRate, int channels, int bits) throws IOException {
        if (bits != 16 && bits != 24) {
            throw new IllegalArgumentException("bits must be 16 or 24, got " + bits);
        }
        this.file = file;
        this.channels = channels;
        this.bits = bits;
        this.out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
        this.buf = new byte[channels * bits / 8];
        int blockAlign = channels * bits / 8;
        writeAscii("RIFF");
        writeLe(0, 4);
        writeAscii("WAVE");
        writeAscii("fmt ");
        writeLe(16, 4);
        writeLe(1, 2);
        writeLe(channels, 2);
        writeLe(sampleRate, 4);
        writeLe((long) sampleRate * blockAlign, 4);
        writeLe(blockAlign, 2);
        writeLe(bits, 2);
        writeAscii("data");
        writeLe(0, 4);
    }

    /** Writes {@code frames} samples of every channel. */
    public void write(float[][] planar, int frames) throws IOException {
        int bytes = bits / 8;
        double scale = bits == 16 ? 32767.0 : 8388607.0;
        for (int i = 0; i < frames; i++) {
            int j = 0;
            for (int c = 0; c < channels; c++) {
                double x = Math.max(-1.0, Math.min(1.0, planar[c][i]));
                long v = Math.round(x * scale);
                for (int b = 0; b < bytes; b++) {
                    buf[j++] = (byte) (v >> (8 * b));
                }
            }
            out.write(buf, 0, j);
        }
        dataBytes += (long) frames * channels * bytes;
    }

    /** Writes the same block {@code times} times, encoding it once: long files at disk speed. */
    public void writeRepeated(float[][] planar, int frames, long times) throws IOException {
        int bytes = bits / 8;
        double scale = bits == 16 ? 32767.0 : 8388607.0;
        byte[] block = new byte[frames * channels * bytes];
        int j = 0;
        for (int i = 0; i < frames; i++) {
            for (int c = 0; c < channels; c++) {
                long v = Math.round(Math.max(-1.0, Math.min(1.0, planar[c][i])) * scale);
                for (int b = 0; b < bytes; b++) {
                    block[j++] = (byte) (v >> (8 * b));
                }
            }
        }
        for (long t = 0; t < times; t++) {
            out.write(block);
        }
        dataBytes += (long) block.length * times;
    }

    private void writeAscii(String s) throws IOException {
        out.write(s.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    private void writeLe(long v, int n) throws IOException {
        for (int i = 0; i < n; i++) {
            out.write((int) (v >> (8 * i)) & 0xff);
        }
    }

    @Override
    public void close() throws IOException {
        out.close();
        if (dataBytes > 0xFFFFFFFFL - 36) {
            throw new IOException(file + ": " + dataBytes + " bytes of PCM exceed the 4 GiB RIFF limit");
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(4);
            raf.write(le32(36 + dataBytes));
            raf.seek(40);
            raf.write(le32(dataBytes));
        }
    }

    private static byte[] le32(long v) {
        return new byte[] {(byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)};
    }
}
