package dev.audiocat.features.fingerprint;

import dev.audiocat.features.decode.BatchingSink;
import dev.audiocat.features.decode.PcmSink;
import dev.audiocat.features.dsp.FrameDispatcher;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Interleaved A/B in one JVM (CPU time of this thread): the landmark path fed the decoder's packet-sized
 * blocks vs blocks batched by {@link BatchingSink} (the shipped path), on the first N Opus soundtrack tracks;
 * also checks that both give identical hashes. Not a test. Arguments: {@code FILES REPS BATCH}.
 */
public final class BatchAB {
    static LandmarkHashes run(Path p, int batch) throws Exception {
        LandmarkExtractor x = new LandmarkExtractor();
        PcmSink fd = new FrameDispatcher(LandmarkExtractor.FRAME_SIZE, LandmarkExtractor.HOP, List.of(x));
        LandmarkExtractor.decodeLandmarkStream(p, 0, batch == 0 ? fd : new BatchingSink(fd, batch));
        return x.result();
    }

    public static void main(String[] args) throws Exception {
        List<Path> music = FingerprintBench.listAudio(Path.of("/usr/share/games/warzone2100/music"), ".opus");
        int nFiles = Integer.parseInt(args[0]);
        int reps = Integer.parseInt(args[1]);
        int batch = Integer.parseInt(args[2]);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        double sec = 0;
        for (Path p : music.subList(0, nFiles)) {
            sec += run(p, 0).seconds();
        }
        double[][] cpu = new double[2][reps];
        for (int r = 0; r < reps; r++) {
            for (int f = 0; f < nFiles; f++) {
                Path p = music.get(f);
                LandmarkHashes[] h = new LandmarkHashes[2];
                for (int k = 0; k < 2; k++) {
                    int v = (k + f + r) % 2;
                    long c0 = mx.getCurrentThreadCpuTime();
                    h[v] = run(p, v == 0 ? 0 : batch);
                    cpu[v][r] += (mx.getCurrentThreadCpuTime() - c0) / 1e9;
                }
                if (!Arrays.equals(h[0].hashes(), h[1].hashes()) || !Arrays.equals(h[0].payloads(), h[1].payloads())) {
                    System.out.println("DIFFERENT " + p);
                }
            }
            System.out.printf(Locale.ROOT, "rep %d: chunks %.2f s (%.3f ms/s)  batched %.2f s (%.3f ms/s)%n", r, cpu[0][r], 1000 * cpu[0][r] / sec, cpu[1][r], 1000 * cpu[1][r] / sec);
        }
    }
}
