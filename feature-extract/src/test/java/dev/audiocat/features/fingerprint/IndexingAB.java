package dev.audiocat.features.fingerprint;

import dev.audiocat.features.decode.AudioDecoder;
import dev.audiocat.features.decode.PcmSink;
import dev.audiocat.features.dsp.FrameDispatcher;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Interleaved A/B of the index build's decoder settings in one JVM, CPU time of this thread, on the
 * first FILES Opus soundtrack tracks. Not a test. Arguments: {@code MODE FILES REPS VARIANTS...}.
 * MODE {@code swr}: decode + resample to the landmark rate only; {@code build}: decode + FFT +
 * landmarks; {@code compare} (two variants): per file, the two mono streams' levels and difference
 * and the share of identical (hash, payload) entries. A variant is {@code default} (swresample's
 * defaults), swresample options ({@code filter_size=8:cutoff=0.9}) or {@code @48000} (no
 * resampling at all: the decode's floor), each optionally prefixed with {@code dm:} for
 * {@link AudioDecoder#openDownmixed} (the landmark path's decoder). The variants alternate file by file, their order rotated.
 */
public final class IndexingAB {

    /** Per file: the two decodes' level ratio and difference, and the share of identical (hash, payload) entries. */
    static void compare(List<Path> files, String[] variants) throws Exception {
        for (Path p : files) {
            float[] a = decode(p, variants[0]);
            float[] b = decode(p, variants[1]);
            int n = Math.min(a.length, b.length);
            double ea = 0;
            double eb = 0;
            double ab = 0;
            for (int i = 0; i < n; i++) {
                ea += a[i] * (double) a[i];
                eb += b[i] * (double) b[i];
                ab += a[i] * (double) b[i];
            }
            double gain = ab / eb;
            double err = 0;
            for (int i = 0; i < n; i++) {
                double d = a[i] - gain * b[i];
                err += d * d;
            }
            LandmarkHashes ha = hashes(p, variants[0]);
            LandmarkHashes hb = hashes(p, variants[1]);
            java.util.Map<Long, Integer> count = new java.util.HashMap<>();
            for (int i = 0; i < ha.size(); i++) {
                count.merge(((long) ha.hashes()[i] << 32) ^ ha.payloads()[i], 1, Integer::sum);
            }
            int common = 0;
            for (int i = 0; i < hb.size(); i++) {
                long k = ((long) hb.hashes()[i] << 32) ^ hb.payloads()[i];
                Integer c = count.get(k);
                if (c != null && c > 0) {
                    common++;
                    count.put(k, c - 1);
                }
            }
            System.out.printf(Locale.ROOT, "%s: %d / %d samples; rms %s %.5f, %s %.5f; best gain %.5f, residual %.1f dB below; hashes %d / %d, identical %d (%.4f)%n",
                    p.getFileName(), a.length, b.length, variants[0], Math.sqrt(ea / n), variants[1], Math.sqrt(eb / n), gain,
                    10 * Math.log10(ea / Math.max(err, 1e-30)), ha.size(), hb.size(), common, common / (double) Math.max(ha.size(), hb.size()));
        }
    }

    private static AudioDecoder open(Path p, String variant) throws Exception {
        return variant.startsWith("dm:") ? AudioDecoder.openDownmixed(p, 0) : AudioDecoder.open(p);
    }

    /** The variant's swresample options: null for {@code default}, {@code dm:default} and {@code @RATE}. */
    private static String options(String variant) {
        String o = variant.startsWith("dm:") ? variant.substring(3) : variant;
        return o.equals("default") || o.startsWith("@") ? null : o;
    }

    /** The variant's output rate: {@code @48000} decodes at that rate (no resampling: the decode's floor). */
    private static int rate(String variant) {
        String o = variant.startsWith("dm:") ? variant.substring(3) : variant;
        return o.startsWith("@") ? Integer.parseInt(o.substring(1)) : LandmarkExtractor.RATE;
    }

    private static float[] decode(Path p, String variant) throws Exception {
        float[][] out = {new float[1 << 20]};
        int[] len = {0};
        try (AudioDecoder d = open(p, variant)) {
            d.decode(null, LandmarkExtractor.RATE, new PcmSink() {
                @Override
                public void start(int sampleRate, int channelCount) {
                }

                @Override
                public void accept(float[][] channels, int n) {
                    if (len[0] + n > out[0].length) {
                        out[0] = Arrays.copyOf(out[0], 2 * (len[0] + n));
                    }
                    System.arraycopy(channels[0], 0, out[0], len[0], n);
                    len[0] += n;
                }

                @Override
                public void finish() {
                }
            }, options(variant));
        }
        return Arrays.copyOf(out[0], len[0]);
    }

    private static LandmarkHashes hashes(Path p, String variant) throws Exception {
        LandmarkExtractor x = new LandmarkExtractor();
        try (AudioDecoder d = open(p, variant)) {
            d.decode(null, LandmarkExtractor.RATE, new FrameDispatcher(LandmarkExtractor.FRAME_SIZE, LandmarkExtractor.HOP, List.of(x)), options(variant));
        }
        return x.result();
    }

    public static void main(String[] args) throws Exception {
        List<Path> music = FingerprintBench.listAudio(Path.of("/usr/share/games/warzone2100/music"), ".opus");
        int nFiles = Integer.parseInt(args[1]);
        int reps = Integer.parseInt(args[2]);
        List<Path> files = music.subList(0, Math.min(nFiles, music.size()));
        String[] variants = Arrays.copyOfRange(args, 3, args.length);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        if (args[0].equals("compare")) {
            compare(files, variants);
            return;
        }
        double seconds = 0;
        for (Path p : files) {
            try (AudioDecoder d = AudioDecoder.open(p)) {
                seconds += d.decode(null, LandmarkExtractor.RATE, PcmSink.DISCARD) / (double) d.probe().sampleRate();
            }
        }
        System.out.printf(Locale.ROOT, "%d files, %.0f s of audio; mode %s%n", files.size(), seconds, args[0]);
        double[][] cpu = new double[variants.length][reps];
        for (int r = 0; r < reps; r++) {
            // variants alternate file by file (order rotated per file), so that all see the same load
            for (int f = 0; f < files.size(); f++) {
                Path p = files.get(f);
                for (int v = 0; v < variants.length; v++) {
                    int vv = (v + f + r) % variants.length;
                    String variant = variants[vv];
                    long c0 = mx.getCurrentThreadCpuTime();
                    try (AudioDecoder d = open(p, variant)) {
                        PcmSink sink = args[0].equals("swr") ? PcmSink.DISCARD
                                : new dev.audiocat.features.decode.BatchingSink(new FrameDispatcher(LandmarkExtractor.FRAME_SIZE, LandmarkExtractor.HOP,
                                        List.of(new LandmarkExtractor())), LandmarkExtractor.BATCH);
                        d.decode(null, rate(variant), sink, options(variant));
                    }
                    cpu[vv][r] += (mx.getCurrentThreadCpuTime() - c0) / 1e9;
                }
            }
            StringBuilder sb = new StringBuilder("rep " + r + ":");
            for (int v = 0; v < variants.length; v++) {
                sb.append(String.format(Locale.ROOT, "  %s %.2f s", variants[v], cpu[v][r]));
            }
            System.out.println(sb);
        }
        for (int v = 0; v < variants.length; v++) {
            double[] c = cpu[v].clone();
            Arrays.sort(c);
            double med = c[reps / 2];
            System.out.printf(Locale.ROOT, "%-40s min %.2f median %.2f max %.2f s CPU = %.3f ms per s of audio, %.0fx (median)%n",
                    variants[v], c[0], med, c[reps - 1], 1000 * med / seconds, seconds / med);
        }
    }
}
