package dev.audiocat.features.fingerprint;

import dev.audiocat.features.decode.AudioDecoder;
import dev.audiocat.features.decode.PcmSink;
import dev.audiocat.features.dsp.FrameDispatcher;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where the index build's time goes, per kind of file (the bench's corpus): CPU of opening a file
 * (container probe, decoder open), of decoding + resampling to the landmark rate, and of the FFT +
 * landmark stage, for the Opus soundtrack tracks and for the short sample files separately. Each
 * file is processed twice (decode only, then decode + landmarks) after a warm-up pass. Not a test.
 * Run with the bench's classpath: {@code java -cp ... dev.audiocat.features.fingerprint.DecodeOverhead}.
 */
public final class DecodeOverhead {

    public static void main(String[] args) throws Exception {
        List<Path> music = FingerprintBench.listAudio(Path.of("/usr/share/games/warzone2100/music"), ".opus");
        List<Path> samples = new ArrayList<>(FingerprintBench.listAudio(Path.of("/usr/share/sonic-pi/samples"), ".flac"));
        samples.addAll(FingerprintBench.listAudio(Path.of("/usr/share/hydrogen/data/drumkits"), ".wav"));
        samples.addAll(FingerprintBench.listAudio(Path.of("/usr/share/hydrogen/data/drumkits"), ".flac"));
        // warm-up (JIT, native libraries)
        for (Path p : samples.subList(0, Math.min(40, samples.size()))) {
            measure(p);
        }
        measure(music.get(0));
        List<List<Object>> groups = new ArrayList<>();
        groups.add(List.of("Opus tracks", music));
        if (Boolean.parseBoolean(System.getProperty("overhead.samples", "true"))) {
            groups.add(List.of("short samples (FLAC/WAV)", samples));
        }
        System.out.printf(Locale.ROOT, "landmark stream: %d Hz, frames of %d every %d samples; decoder: %s%n", RATE, SIZE, HOP,
                LEGACY ? "stereo Opus decode, swresample defaults" : "LandmarkExtractor.extract's (Opus downmixed by the decoder, resampler "
                        + (RESAMPLER == null ? "swresample defaults" : RESAMPLER) + ")");
        for (var group : groups) {
            @SuppressWarnings("unchecked")
            List<Path> files = (List<Path>) group.get(1);
            double[] sum = new double[4];
            for (Path p : files) {
                double[] m = measure(p);
                for (int i = 0; i < 4; i++) {
                    sum[i] += m[i];
                }
            }
            System.out.printf(Locale.ROOT, "%s: %d files, %.0f s of audio; CPU open %.1f s (%.1f ms per file), decode + resample %.1f s,"
                            + " decode + resample + FFT + landmarks %.1f s; decode alone %.0fx, build %.0fx realtime per core%n",
                    group.get(0), files.size(), sum[0], sum[1], 1000 * sum[1] / files.size(), sum[2], sum[3],
                    sum[0] / (sum[1] + sum[2]), sum[0] / (sum[1] + sum[3]));
        }
    }

    // -Doverhead.rate=11025: the landmark stream at another rate (frame and hop scaled to keep their duration)
    static final int RATE = Integer.getInteger("overhead.rate", LandmarkExtractor.RATE);
    static final int SIZE = LandmarkExtractor.FRAME_SIZE * RATE / LandmarkExtractor.RATE;
    static final int HOP = LandmarkExtractor.HOP * RATE / LandmarkExtractor.RATE;

    // -Doverhead.legacyDecode=true: the decoder settings before round s5i (stereo Opus decode, swresample's default filter)
    static final boolean LEGACY = Boolean.getBoolean("overhead.legacyDecode");
    static final String RESAMPLER = LEGACY ? null : LandmarkExtractor.RESAMPLER_OPTIONS;

    static AudioDecoder open(Path p) throws Exception {
        return LEGACY ? AudioDecoder.open(p) : AudioDecoder.openDownmixed(p, 0);
    }

    /** {seconds of audio, open CPU s, decode-only CPU s, decode + landmarks CPU s}. */
    static double[] measure(Path p) throws Exception {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long c0 = mx.getCurrentThreadCpuTime();
        double seconds;
        long c1;
        long c2;
        try (AudioDecoder d = open(p)) {
            c1 = mx.getCurrentThreadCpuTime();
            seconds = d.decode(null, RATE, PcmSink.DISCARD, RESAMPLER) / (double) d.probe().sampleRate();
            c2 = mx.getCurrentThreadCpuTime();
        }
        try (AudioDecoder d = open(p)) {
            long c4 = mx.getCurrentThreadCpuTime();
            LandmarkExtractor x = new LandmarkExtractor();
            d.decode(null, RATE, new FrameDispatcher(SIZE, HOP, List.of(x)), RESAMPLER);
            long c5 = mx.getCurrentThreadCpuTime();
            return new double[] {seconds, (c1 - c0) / 1e9, (c2 - c1) / 1e9, (c5 - c4) / 1e9};
        }
    }
}
