package dev.audiocat.features.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link CafHeader} on hand-built chunk layouts (the end-to-end cases, cut PCM and ALAC CAF files, are in QualityCheckerTest). */
class CafHeaderTest {

    @TempDir
    Path dir;

    private static byte[] chunk(String id, byte[] body) {
        return ByteBuffer.allocate(12 + body.length).put(id.getBytes()).putLong(body.length).put(body).array();
    }

    private static byte[] desc(double rate, String format, int bytesPerPacket, int framesPerPacket) {
        return chunk("desc", ByteBuffer.allocate(32).putDouble(rate).put(format.getBytes()).putInt(0).putInt(bytesPerPacket)
                .putInt(framesPerPacket).putInt(2).putInt(16).array());
    }

    private Path file(byte[]... chunks) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {'c', 'a', 'f', 'f', 0, 1, 0, 0});
        for (byte[] c : chunks) {
            out.writeBytes(c);
        }
        Path f = dir.resolve("t.caf");
        Files.write(f, out.toByteArray());
        return f;
    }

    /** The data chunk's header only (its declared size), as in a copy cut right after it. */
    private static byte[] dataHeader(long size) {
        return ByteBuffer.allocate(16).put("data".getBytes()).putLong(size).putInt(0).array();
    }

    @Test
    void packetsOfOneSizeDeclareTheirFramesByTheDataSize() throws Exception {
        // 10 s of 16-bit stereo at 48 kHz: 1,920,000 bytes plus the 4-byte edit count
        assertEquals(10.0, CafHeader.declaredSeconds(file(desc(48000, "lpcm", 4, 1), dataHeader(1_920_004))), 1e-9);
        assertEquals(-1, CafHeader.declaredSeconds(file(desc(48000, "lpcm", 4, 1), dataHeader(-1))), "size -1: still being written");
        // IMA4, stereo: 68-byte packets of 64 frames; 13,782 packets at 44.1 kHz
        assertEquals(13_782 * 64 / 44100.0, CafHeader.declaredSeconds(file(desc(44100, "ima4", 68, 64), dataHeader(4 + 13_782L * 68))), 1e-9);
    }

    @Test
    void packetisedCodecsDeclareThePacketTablesValidFramesWhenItComesFirst() throws Exception {
        byte[] pakt = chunk("pakt", ByteBuffer.allocate(24).putLong(431).putLong(441_000).putInt(2112).putInt(0).array());
        assertEquals(10.0, CafHeader.declaredSeconds(file(desc(44100, "aac ", 0, 1024), pakt, dataHeader(160_004))), 1e-9);
        // the packet table after the audio (where FFmpeg writes it) is not read: a packetised file without it states nothing
        assertEquals(-1, CafHeader.declaredSeconds(file(desc(44100, "aac ", 0, 1024), dataHeader(160_004))));
        Path wav = dir.resolve("t.wav");
        Files.write(wav, new byte[] {'R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'A', 'V', 'E'});
        assertEquals(-1, CafHeader.declaredSeconds(wav), "not CAF");
    }

    @Test
    void aDataChunkThatRunsPastTheEndOfTheFileShowsACut() throws Exception {
        byte[] desc = desc(44100, "aac ", 0, 1024);
        assertEquals(true, CafHeader.dataCut(file(desc, dataHeader(160_004))), "160,004 bytes declared, 4 present");
        assertEquals(false, CafHeader.dataCut(file(desc, dataHeader(-1))), "size -1: still being written");
        byte[] whole = chunk("data", new byte[4 + 400]);
        byte[] pakt = chunk("pakt", ByteBuffer.allocate(24).putLong(1).putLong(1024).putInt(0).putInt(0).array());
        assertEquals(false, CafHeader.dataCut(file(desc, whole, pakt)), "the whole file, packet table after the audio");
        assertEquals(-1, CafHeader.declaredSeconds(file(desc, whole, pakt)), "which states no duration before the audio");
    }
}
