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
 * also checks that both give identical hashes. Not a test. Arguments: {@code FILES REPS BATCH [fft]}; BATCH may be
 * {@code A,B} to set two batch sizes against each other (0: the decoder's blocks). With
 * {@code fft}, both variants are batched and the frame FFT differs instead: JTransforms
 * ({@code -Daudiocat.fft=java}) vs FFmpeg's av_tx (the shipped one); hashes are then counted, not required equal.
 */
public final class BatchAB {
    static LandmarkHashes run(Path p, int batch, String fft) throws Exception {
        System.setProperty("audiocat.fft", fft);
        LandmarkExtractor x = new LandmarkExtractor();
        PcmSink fd = new FrameDispatcher(LandmarkExtractor.FRAME_SIZE, LandmarkExtractor.HOP, List.of(x));
        LandmarkExtractor.decodeLandmarkStream(p, 0, batch == 0 ? fd : new BatchingSink(fd, batch));
        return x.result();
    }

    public static void main(String[] args) throws Exception {
        List<Path> music = FingerprintBench.listAudio(Path.of("/usr/share/games/warzone2100/music"), ".opus");
        int nFiles = Integer.parseInt(args[0]);
        int reps = Integer.parseInt(args[1]);
        // BATCH, or A,B: two batch sizes against each other (0 = the decoder's packet-sized blocks)
        String[] sizes = args[2].split(",");
        int batch = Integer.parseInt(sizes[sizes.length - 1]);
        int batchA = sizes.length > 1 ? Integer.parseInt(sizes[0]) : 0;
        boolean fftMode = args.length > 3 && args[3].equals("fft");
        String[] names = fftMode ? new String[] {"JTransforms", "av_tx"} : new String[] {"batch " + batchA, "batch " + batch};
        long same = 0;
        long all = 0;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        double sec = 0;
        for (Path p : music.subList(0, nFiles)) {
            sec += run(p, batch, "native").seconds();
        }
        double[][] cpu = new double[2][reps];
        for (int r = 0; r < reps; r++) {
            for (int f = 0; f < nFiles; f++) {
                Path p = music.get(f);
                LandmarkHashes[] h = new LandmarkHashes[2];
                for (int k = 0; k < 2; k++) {
                    int v = (k + f + r) % 2;
                    long c0 = mx.getCurrentThreadCpuTime();
                    h[v] = fftMode ? run(p, batch, v == 0 ? "java" : "native") : run(p, v == 0 ? batchA : batch, "native");
                    cpu[v][r] += (mx.getCurrentThreadCpuTime() - c0) / 1e9;
                }
                if (fftMode) {
                    long[] a = pairs(h[0]);
                    long[] b = pairs(h[1]);
                    same += common(a, b);
                    all += Math.max(a.length, b.length);
                } else if (!Arrays.equals(h[0].hashes(), h[1].hashes()) || !Arrays.equals(h[0].payloads(), h[1].payloads())) {
                    System.out.println("DIFFERENT " + p);
                }
            }
            System.out.printf(Locale.ROOT, "rep %d: %s %.2f s (%.3f ms/s)  %s %.2f s (%.3f ms/s)%s%n", r, names[0], cpu[0][r], 1000 * cpu[0][r] / sec,
                    names[1], cpu[1][r], 1000 * cpu[1][r] / sec, fftMode ? String.format(Locale.ROOT, "  same (hash, payload): %d of %d", same, all) : "");
        }
    }

    /** (hash, payload) entries of {@code h} mixed into one long each (a 64-bit collision is negligible for a count), sorted. */
    private static long[] pairs(LandmarkHashes h) {
        long[] out = new long[h.hashes().length];
        for (int i = 0; i < out.length; i++) {
            out[i] = h.payloads()[i] * 0x9E3779B97F4A7C15L + h.hashes()[i];
        }
        Arrays.sort(out);
        return out;
    }

    /** Size of the multiset intersection of two sorted arrays. */
    private static long common(long[] a, long[] b) {
        long n = 0;
        for (int i = 0, j = 0; i < a.length && j < b.length;) {
            if (a[i] == b[j]) {
                n++;
                i++;
                j++;
            } else if (a[i] < b[j]) {
                i++;
            } else {
                j++;
            }
        }
        return n;
    }
}
