package dev.audiocat.features.decode;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Not a test: what the 22050 Hz mono stream costs by swresample and by {@link Fma3Mono}, on top of
 * decoding the native stream alone (thread CPU, the three variants alternated per file and repetition):
 *
 * <pre>{@code java -cp <test classpath> dev.audiocat.features.decode.Fma3MonoBench REPS FILE...}</pre>
 *
 * Files should be 44.1 or 48 kHz mono or stereo (others only go through swresample). Prints per repetition the
 * milliseconds and milliseconds per second of audio of: native only, native + swresample mono, native +
 * Fma3Mono mono.
 */
public final class Fma3MonoBench {

    private Fma3MonoBench() {
    }

    public static void main(String[] args) throws Exception {
        int reps = Integer.parseInt(args[0]);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (int rep = 0; rep < reps; rep++) {
            long[] t = new long[3];
            double seconds = 0;
            for (int i = 1; i < args.length; i++) {
                Path f = Path.of(args[i]);
                long c0 = mx.getCurrentThreadCpuTime();
                long frames;
                int[] rate = new int[1];
                PcmSink nativeOnly = new PcmSink() {
                    @Override
                    public void start(int sampleRate, int channelCount) {
                        rate[0] = sampleRate;
                    }

                    @Override
                    public void accept(float[][] channels, int n) {
                    }

                    @Override
                    public void finish() {
                    }
                };
                try (AudioDecoder d = AudioDecoder.open(f)) {
                    frames = d.decode(nativeOnly, Fma3Mono.OUT_RATE, null);
                }
                long c1 = mx.getCurrentThreadCpuTime();
                try (AudioDecoder d = AudioDecoder.open(f)) {
                    // resampler options given: swresample even where Fma3Mono would be chosen
                    d.decode(PcmSink.DISCARD, Fma3Mono.OUT_RATE, PcmSink.DISCARD, "filter_size=32");
                }
                long c2 = mx.getCurrentThreadCpuTime();
                PcmSink feed = new Fma3Mono.Feed(PcmSink.DISCARD);
                try (AudioDecoder d = AudioDecoder.open(f)) {
                    d.decode(feed, Fma3Mono.OUT_RATE, null);
                }
                long c3 = mx.getCurrentThreadCpuTime();
                t[0] += c1 - c0;
                t[1] += c2 - c1;
                t[2] += c3 - c2;
                seconds += frames / (double) rate[0];
            }
            System.out.printf(Locale.ROOT, "rep %d, %.1f s of audio: native only %.1f ms; + swresample mono %.1f ms (%.3f ms/s more); "
                    + "+ Fma3Mono %.1f ms (%.3f ms/s more)%n", rep, seconds, t[0] / 1e6, t[1] / 1e6, (t[1] - t[0]) / 1e6 / seconds,
                    t[2] / 1e6, (t[2] - t[0]) / 1e6 / seconds);
        }
    }
}
