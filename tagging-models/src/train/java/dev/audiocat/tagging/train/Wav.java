package dev.audiocat.tagging.train;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Minimal RIFF/WAVE 16-bit PCM reader for the renders of fluidsynth and espeak-ng (channels averaged). */
final class Wav {

    private Wav() {
    }

    static float[] readMono(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        if (b.remaining() < 12 || b.getInt(0) != 0x46464952 || b.getInt(8) != 0x45564157) {
            throw new IOException(file + " is not a RIFF/WAVE file");
        }
        int pos = 12;
        int channels = 0;
        int bits = 0;
        while (pos + 8 <= b.limit()) {
            int id = b.getInt(pos);
            int size = b.getInt(pos + 4);
            if (id == 0x20746d66) { // "fmt "
                channels = b.getShort(pos + 10);
                bits = b.getShort(pos + 22);
            } else if (id == 0x61746164) { // "data"
                if (bits != 16 || channels < 1) {
                    throw new IOException(file + ": expected 16-bit PCM, got " + bits + " bits, " + channels + " channels");
                }
                // espeak-ng streams to a file with a placeholder size; trust the file length then
                int len = size <= 0 || pos + 8L + size > b.limit() ? b.limit() - pos - 8 : size;
                int frames = len / (2 * channels);
                float[] out = new float[frames];
                int p = pos + 8;
                for (int i = 0; i < frames; i++) {
                    float s = 0;
                    for (int c = 0; c < channels; c++) {
                        s += b.getShort(p) / 32768f;
                        p += 2;
                    }
                    out[i] = s / channels;
                }
                return out;
            }
            pos += 8 + size + (size & 1);
        }
        throw new IOException(file + " has no data chunk");
    }
}
