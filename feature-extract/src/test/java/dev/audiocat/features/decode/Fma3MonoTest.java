package dev.audiocat.features.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.bytedeco.ffmpeg.global.avutil;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Fma3Mono} against the linked swresample on this machine (x86-64 with FMA3, where swresample's
 * FMA3 kernel is the arithmetic the class copies), at 44.1 and 48 kHz, and the audio_id it buys on other CPUs.
 */
class Fma3MonoTest {

    /** swresample forced (resampler options given), the stream the catalogs' audio_ids were made from. */
    private static final String SWR_DEFAULTS = "filter_size=32";

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(ints = {44100, 48000})
    void filterBankIsSwresamplesImpulseResponse(int rate) throws Exception {
        Fma3Mono.Kernel k = Fma3Mono.kernel(rate);
        // impulses of 0.5 (16384 in 16 bit: exact, and 0.5 * h is exact) 321 samples apart, so that every window
        // holds at most one and their positions modulo 320 (the 48 kHz kernel's period: 147 outputs) take every
        // value; output o sees the impulse at p through tap p - start(o) of phase p(o)
        int n = rate * 4;
        float[][] x = new float[1][n];
        for (int p = 500; p < n - 500; p += 321) {
            x[0][p] = 0.5f;
        }
        float[] y = swr(write("impulses-" + rate, x, n, rate));
        float[][] bank = new float[k.phases()][k.alloc()];
        boolean[][] seen = new boolean[k.phases()][k.alloc()];
        for (int o = 0; o < y.length; o++) {
            long s = k.start(o);
            for (int i = 0; i < k.taps() && s >= 0 && s + i < n; i++) {
                if (x[0][(int) (s + i)] != 0) {
                    bank[k.phase(o)][i] = y[o] * 2;
                    seen[k.phase(o)][i] = true;
                }
            }
        }
        for (int p = 0; p < k.phases(); p++) {
            for (int i = 0; i < k.alloc(); i++) {
                assertTrue(seen[p][i] || i >= k.taps(), rate + " Hz: phase " + p + " tap " + i + " not reached by an impulse");
                assertEquals(Float.floatToIntBits(k.bank()[p][i]), Float.floatToIntBits(bank[p][i]),
                        rate + " Hz, phase " + p + ", tap " + i + ": table " + k.bank()[p][i] + ", swresample " + bank[p][i]);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {44100, 48000})
    void equalsSwresampleBitForBit(int rate) throws Exception {
        assertTrue(AudioDecoder.swresampleIsReference(), "this check needs swresample's FMA3 kernel (x86-64 with FMA3, no FMA4)");
        Random r = new Random(20261123);
        // shorter than the window (swresample's own start-up), around the window, block edges, seconds
        int[] lengths = {40, 66, 67, 68, 72, 73, 74, 133, 4095, 4097, 3 * rate + 1};
        for (int channels = 1; channels <= 2; channels++) {
            for (int n : lengths) {
                float[][] x = new float[channels][n];
                for (float[] ch : x) {
                    for (int i = 0; i < n; i++) {
                        ch[i] = (float) (r.nextGaussian() * 0.2);
                    }
                }
                Path f = write("noise-" + rate + "-" + channels + "-" + n, x, n, rate);
                float[] reference = swr(f);
                float[] ours = java(f);
                assertEquals(reference.length, ours.length, rate + " Hz, " + channels + " ch, " + n + " samples: output length");
                int[] a = bits(reference);
                int[] b = bits(ours);
                assertArrayEquals(a, b, rate + " Hz, " + channels + " ch, " + n + " samples: first difference at "
                        + firstDifference(a, b));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {44100, 48000})
    void audioIdIsTheSameWhereSwresampleWouldRoundDifferently(int rate) throws Exception {
        Random r = new Random(7);
        int n = 2 * rate + 17;
        float[][] x = new float[2][n];
        for (int i = 0; i < n; i++) {
            double t = i / (double) rate;
            x[0][i] = (float) (0.3 * Math.sin(2 * Math.PI * 440 * t) + 0.05 * r.nextGaussian());
            x[1][i] = (float) (0.3 * Math.sin(2 * Math.PI * 660 * t) + 0.05 * r.nextGaussian());
        }
        Path f = write("tones-" + rate, x, n, rate);
        float[][] shortStub = {Arrays.copyOf(x[0], 40), Arrays.copyOf(x[1], 40)};
        Path stub = write("stub-" + rate, shortStub, 40, rate); // shorter than the window: the decoder hands it to swresample
        String here = audioId(f);
        String reference = swrId(f);
        assertEquals(reference, here, "on this CPU the decoder's stream is swresample's");
        int flags = avutil.av_get_cpu_flags();
        try {
            // a CPU without FMA3/AVX2/AVX-512 (older x86): swresample's SSE/AVX kernels round differently
            avutil.av_force_cpu_flags(flags & ~(avutil.AV_CPU_FLAG_FMA3 | avutil.AV_CPU_FLAG_FMA4
                    | avutil.AV_CPU_FLAG_AVX2 | avutil.AV_CPU_FLAG_AVX512));
            String swrThere = swrId(f);
            String there = audioId(f);
            // the stub takes Fma3Mono's hand-over to swresample here (on an FMA3 machine it never reaches it)
            assertEquals(swrId(stub), audioId(stub), "a 40-sample stub without FMA3: swresample on the held-back samples");
            avutil.av_force_cpu_flags(0); // no SIMD at all
            String plainC = audioId(f);
            assertTrue(!swrThere.equals(reference), "swresample without FMA3 should round differently (else this check proves nothing)");
            assertEquals(reference, there, "audio_id without FMA3");
            assertEquals(reference, plainC, "audio_id without SIMD");
        } finally {
            avutil.av_force_cpu_flags(-1);
        }
    }

    private Path write(String name, float[][] planar, int frames, int rate) throws Exception {
        Path f = dir.resolve(name + ".wav");
        try (WavWriter w = new WavWriter(f, rate, planar.length, 16)) {
            w.write(planar, frames);
        }
        return f;
    }

    private static float[] swr(Path f) throws Exception {
        Collect mono = new Collect();
        try (AudioDecoder d = AudioDecoder.open(f)) {
            d.decode(PcmSink.DISCARD, Fma3Mono.OUT_RATE, mono, SWR_DEFAULTS);
        }
        return mono.samples();
    }

    /** The native stream through Fma3Mono, whatever the decoder would pick. */
    private static float[] java(Path f) throws Exception {
        Collect mono = new Collect();
        Fma3Mono.Feed feed = new Fma3Mono.Feed(mono);
        try (AudioDecoder d = AudioDecoder.open(f)) {
            d.decode(feed, Fma3Mono.OUT_RATE, null);
        }
        // a stub shorter than the window: the decoder hands these to swresample
        return feed.handled() ? mono.samples() : swr(f);
    }

    private static String audioId(Path f) throws Exception {
        PcmHasher h = new PcmHasher();
        try (AudioDecoder d = AudioDecoder.open(f)) {
            d.decode(PcmSink.DISCARD, Fma3Mono.OUT_RATE, h);
        }
        return h.hex();
    }

    private static String swrId(Path f) throws Exception {
        PcmHasher h = new PcmHasher();
        try (AudioDecoder d = AudioDecoder.open(f)) {
            d.decode(PcmSink.DISCARD, Fma3Mono.OUT_RATE, h, SWR_DEFAULTS);
        }
        return h.hex();
    }

    private static int[] bits(float[] x) {
        int[] b = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            b[i] = Float.floatToRawIntBits(x[i]);
        }
        return b;
    }

    private static int firstDifference(int[] a, int[] b) {
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            if (a[i] != b[i]) {
                return i;
            }
        }
        return -1;
    }

    private static final class Collect implements PcmSink {
        float[] buf = new float[1 << 12];
        int n;

        @Override
        public void start(int sampleRate, int channelCount) {
        }

        @Override
        public void accept(float[][] channels, int frames) {
            if (n + frames > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(2 * buf.length, n + frames));
            }
            System.arraycopy(channels[0], 0, buf, n, frames);
            n += frames;
        }

        @Override
        public void finish() {
        }

        float[] samples() {
            return Arrays.copyOf(buf, n);
        }
    }
}
