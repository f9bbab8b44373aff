package dev.audiocat.features.decode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * 44.1 or 48 kHz mono or stereo to the 22.05 kHz mono analysis stream, with the arithmetic of swresample's
 * default resampler as FFmpeg runs it on x86-64 with FMA3 (the machines whose {@code audio_id}s the
 * catalogs hold): the same output, bit for bit, on every CPU.
 *
 * <p>Why: swresample picks its inner loop by CPU (C, SSE, AVX, FMA3, NEON), and each rounds differently, so
 * the same file got a different {@code audio_id} on another CPU (docs/benchmarks.md, "Identity").
 *
 * <p>What swresample does for these rates with its defaults (filter_size 32, cutoff 0.97, exact_rational):
 * a bank of {@code phases} filters of {@code taps} taps (stored padded with zeros to a multiple of 8), and
 * output o reads the window x[start(o) .. start(o) + taps) through phase p(o), where, in units of
 * 1 / phases of an input sample, o sits at step * o: start(o) = floor(step * o / phases) - centre and
 * p(o) = step * o mod phases (44.1 kHz: one phase of 66 taps, step 2, centre 32; 48 kHz: 147 phases of 72
 * taps, step 320, centre 35). Each output is eight lanes, lane l summing taps l, l + 8, ... by FMA in tap
 * order from +0, then ((a0 + a4) + (a2 + a6)) + ((a1 + a5) + (a3 + a7)). Before the first sample the input
 * is mirrored (x[-k] = x[k]); after the last, (min(rest, taps) + 1) / 2 samples are mirrored back
 * (x[N + j] = x[N - 1 - j]), rest being the samples from the next window's start. Stereo is resampled per
 * channel first, then mixed as L * c + R * c with c = (float) sqrt(1/2). The filters are read from
 * swresample itself (impulse responses), not recomputed, so they are its own float values; Fma3MonoTest
 * checks them against the linked swresample.
 */
final class Fma3Mono {

    static final int OUT_RATE = 22050;
    private static final float MIX = (float) Math.sqrt(0.5);
    private static final int CHUNK = 4096; // outputs per pass: the lane arrays stay in L1/L2

    /** swresample's filter bank for one input rate to 22050 Hz. */
    record Kernel(int inRate, int taps, int alloc, int phases, int step, int centre, float[][] bank) {
        /** First input of output o's window. */
        long start(long o) {
            return Math.floorDiv(step * o, phases) - centre;
        }

        int phase(long o) {
            return (int) ((step * o) % phases);
        }

        /** Outputs whose window ends at or before input n (start(o) + taps <= n). */
        long count(long n) {
            long k = n - taps + centre; // floor(step * o / phases) <= k
            return Math.max(0, Math.floorDiv((k + 1) * phases - 1, step) + 1);
        }
    }

    private static final float[] TAPS_44100 = {
        -0x1.901404p-16f, -0x1.69cb42p-18f, 0x1.6e547p-14f, 0x1.f2a7cep-16f, -0x1.d1bd4cp-13f, -0x1.a7762p-14f,
        0x1.ea04bp-12f, 0x1.183968p-12f, -0x1.c6c8ep-11f, -0x1.3c519p-11f, 0x1.806008p-10f, 0x1.3ee548p-10f,
        -0x1.2d687ep-9f, -0x1.272d02p-9f, 0x1.bbdd06p-9f, 0x1.ff2a72p-9f, -0x1.356c8ep-8f, -0x1.a3e542p-8f,
        0x1.9ada82p-8f, 0x1.4b29c2p-7f, -0x1.04e5a6p-7f, -0x1.fb78d4p-7f, 0x1.3df47ep-7f, 0x1.7f078p-6f,
        -0x1.74bc56p-7f, -0x1.2297e8p-5f, 0x1.a51322p-7f, 0x1.cbcfd8p-5f, -0x1.cafe7p-7f, -0x1.9f6a12p-4f,
        0x1.e3336ap-7f, 0x1.4452cp-2f, 0x1.f0a492p-2f, 0x1.4452cp-2f, 0x1.e3336ap-7f, -0x1.9f6a12p-4f,
        -0x1.cafe7p-7f, 0x1.cbcfd8p-5f, 0x1.a51322p-7f, -0x1.2297e8p-5f, -0x1.74bc56p-7f, 0x1.7f078p-6f,
        0x1.3df47ep-7f, -0x1.fb78d4p-7f, -0x1.04e5a6p-7f, 0x1.4b29c2p-7f, 0x1.9ada82p-8f, -0x1.a3e542p-8f,
        -0x1.356c8ep-8f, 0x1.ff2a72p-9f, 0x1.bbdd06p-9f, -0x1.272d02p-9f, -0x1.2d687ep-9f, 0x1.3ee548p-10f,
        0x1.806008p-10f, -0x1.3c519p-11f, -0x1.c6c8ep-11f, 0x1.183968p-12f, 0x1.ea04bp-12f, -0x1.a7762p-14f,
        -0x1.d1bd4cp-13f, 0x1.f2a7cep-16f, 0x1.6e547p-14f, -0x1.69cb42p-18f, -0x1.901404p-16f, 0x1.298536p-23f,
        0f, 0f, 0f, 0f, 0f, 0f,
    };

    static final Kernel K44100 = new Kernel(44100, 66, 72, 1, 2, 32, new float[][] {TAPS_44100});

    /** The 48 kHz bank, read from the jar when first needed. */
    private static final class K48000 {
        static final Kernel KERNEL = new Kernel(48000, 72, 72, 147, 320, 35, bank("swr-48000-22050.f32", 147, 72));
    }

    /** The kernel for an input rate, or null where swresample's own path is kept. */
    static Kernel kernel(int inRate) {
        return inRate == 44100 ? K44100 : inRate == 48000 ? K48000.KERNEL : null;
    }

    private static float[][] bank(String resource, int phases, int alloc) {
        try (InputStream in = Fma3Mono.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("resource " + resource + " missing from the feature-extract jar");
            }
            ByteBuffer b = ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
            if (b.remaining() != phases * alloc * 4) {
                throw new IllegalStateException(resource + ": " + b.remaining() + " bytes, expected " + phases * alloc * 4);
            }
            float[][] bank = new float[phases][alloc];
            for (float[] row : bank) {
                for (int i = 0; i < alloc; i++) {
                    row[i] = b.getFloat();
                }
            }
            return bank;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private final Kernel k;
    private final int channels;
    // Per channel: the input from x_ext[base] on (x_ext[-taps..-1] is the start mirror).
    private float[][] buf;
    private int len;          // valid samples in buf
    private long base;        // x_ext index of buf[0]
    private long outputs;     // outputs emitted
    private long seen;        // input samples seen
    private boolean started;  // the start mirror is in place
    private final float[][] lane = new float[8][CHUNK];
    private final float[] even = new float[CHUNK + 64];
    private final float[] odd = new float[CHUNK + 64];
    private final float[] shifted = new float[CHUNK];
    private final float[][] mono = new float[2][CHUNK];
    private final float[][] block = new float[1][];

    Fma3Mono(Kernel kernel, int channels) {
        if (channels != 1 && channels != 2) {
            throw new IllegalArgumentException("mono or stereo input only, got " + channels + " channels");
        }
        this.k = kernel;
        this.channels = channels;
        this.buf = new float[channels][1 << 15];
    }

    /** Appends a block of native samples; full windows are resampled and passed to the sink. */
    void accept(float[][] data, int frames, PcmSink sink) {
        int taps = k.taps();
        ensureCapacity(len + frames + taps + k.alloc());
        for (int c = 0; c < channels; c++) {
            System.arraycopy(data[c], 0, buf[c], (started ? 0 : taps) + len, frames);
        }
        len += frames;
        seen += frames;
        for (int c = 0; c < channels; c++) { // the zero taps past a window read here: keep them finite
            int from = (started ? 0 : taps) + len;
            Arrays.fill(buf[c], from, Math.min(buf[c].length, from + k.alloc()), 0f);
        }
        if (!started) {
            // swresample waits for taps + 1 samples, then mirrors x[1..taps] before x[0]
            if (len < taps + 1) {
                return;
            }
            for (int c = 0; c < channels; c++) {
                for (int j = 1; j <= taps; j++) {
                    buf[c][taps - j] = buf[c][taps + j];
                }
            }
            len += taps;
            base = -taps;
            started = true;
        }
        emit(k.count(seen), sink);
    }

    /**
     * Mirrors the end and emits the last outputs. Returns false, emitting nothing, when the input had
     * no more than {@code taps} samples: swresample's start-up on such a stub is not copied here, so the
     * caller runs swresample itself on {@link #pending()}.
     */
    boolean finish(PcmSink sink) {
        if (!started) {
            return len == 0;
        }
        int rest = (int) (seen - k.start(outputs));
        int reflection = (Math.min(rest, k.taps()) + 1) / 2;
        int end = (int) (seen - base);              // buf index of x[N]
        ensureCapacity(end + reflection + k.alloc());
        for (int c = 0; c < channels; c++) {
            for (int j = 0; j < reflection; j++) {
                buf[c][end + j] = buf[c][end - 1 - j];
            }
            Arrays.fill(buf[c], end + reflection, Math.min(buf[c].length, end + reflection + k.alloc()), 0f);
        }
        len += reflection;
        emit(k.count(seen + reflection), sink);
        return true;
    }

    /** Grows every channel's buffer to hold at least {@code size} samples (doubling, so appends stay amortised O(1)). */
    private void ensureCapacity(int size) {
        if (size > buf[0].length) {
            for (int c = 0; c < channels; c++) {
                buf[c] = Arrays.copyOf(buf[c], Math.max(2 * buf[c].length, size));
            }
        }
    }

    /** The samples held back before the start (no more than taps), one array per channel. */
    float[][] pending() {
        float[][] out = new float[channels][];
        for (int c = 0; c < channels; c++) {
            out[c] = Arrays.copyOfRange(buf[c], k.taps(), k.taps() + (started ? 0 : len));
        }
        return out;
    }

    /**
     * A native-stream sink that runs the whole stream through an Fma3Mono into {@code mono} (for checks
     * and benches: the decoder tees the native stream instead). {@link #handled()} is false after a stub
     * that {@link #finish(PcmSink)} left to swresample.
     */
    static final class Feed implements PcmSink {
        private final PcmSink mono;
        private Fma3Mono resampler;
        private boolean handled;

        Feed(PcmSink mono) {
            this.mono = mono;
        }

        @Override
        public void start(int sampleRate, int channelCount) {
            Kernel kernel = kernel(sampleRate);
            if (kernel == null) {
                throw new IllegalArgumentException("no FMA3 kernel for " + sampleRate + " Hz");
            }
            resampler = new Fma3Mono(kernel, channelCount);
        }

        @Override
        public void accept(float[][] channels, int frames) {
            resampler.accept(channels, frames, mono);
        }

        @Override
        public void finish() {
            handled = resampler.finish(mono);
        }

        boolean handled() {
            return handled;
        }
    }

    /** Emits outputs up to (not including) {@code upTo}; nothing when that many are out already. */
    private void emit(long upTo, PcmSink sink) {
        while (outputs < upTo) {
            int n = (int) Math.min(CHUNK, upTo - outputs);
            ensureCapacity((int) (k.start(outputs + n - 1) - base + k.alloc())); // the chunk's reads end here
            for (int c = 0; c < channels; c++) {
                float[] x = buf[c];
                if (k.phases() == 1 && k.step() == 2) {
                    halfRate(x, (int) (k.start(outputs) - base), n, mono[c]);
                } else {
                    polyphase(x, outputs, n, mono[c]);
                }
            }
            float[] out = mono[0];
            if (channels == 2) {
                float[] r = mono[1];
                for (int i = 0; i < n; i++) {
                    out[i] = out[i] * MIX + r[i] * MIX;
                }
            }
            block[0] = out;
            sink.accept(block, n);
            outputs += n;
        }
        // drop the consumed input: keep from the next window's first sample on
        int keep = (int) (k.start(outputs) - base);
        if (keep > 0 && keep <= len) {
            for (int c = 0; c < channels; c++) {
                System.arraycopy(buf[c], keep, buf[c], 0, len - keep);
            }
            len -= keep;
            base += keep;
        }
    }

    /** One phase, two inputs per output (44.1 kHz): n outputs from x[first + 2o ...], vectorised lane by lane. */
    private void halfRate(float[] x, int first, int n, float[] out) {
        float[] h = k.bank()[0];
        int alloc = k.alloc();
        int span = n + alloc / 2;
        for (int j = 0; j < span; j++) {
            int i = first + 2 * j;
            even[j] = i < x.length ? x[i] : 0f;
            odd[j] = i + 1 < x.length ? x[i + 1] : 0f;
        }
        // Lane by lane and tap by tap over all n outputs: each pass is one FMA per output on two
        // contiguous arrays, which C2 vectorises (a chain of nine FMAs per output in one loop it does not).
        for (int l = 0; l < 8; l++) {
            float[] s = (l & 1) == 0 ? even : odd;
            int b = l >> 1;
            float[] a = lane[l];
            float[] t = shifted;
            System.arraycopy(s, b, t, 0, n);
            float h0 = h[l];
            for (int o = 0; o < n; o++) {
                a[o] = Math.fma(t[o], h0, 0f);
            }
            for (int m = 1; m < alloc / 8; m++) {
                float hm = h[l + 8 * m];
                System.arraycopy(s, b + 4 * m, t, 0, n); // unshifted indices: C2 vectorises only those here
                for (int o = 0; o < n; o++) {
                    a[o] = Math.fma(t[o], hm, a[o]);
                }
            }
        }
        float[] a0 = lane[0], a1 = lane[1], a2 = lane[2], a3 = lane[3], a4 = lane[4], a5 = lane[5], a6 = lane[6], a7 = lane[7];
        for (int o = 0; o < n; o++) {
            out[o] = ((a0[o] + a4[o]) + (a2[o] + a6[o])) + ((a1[o] + a5[o]) + (a3[o] + a7[o]));
        }
    }

    /** Several phases (48 kHz): output by output, the eight lanes in registers. */
    private void polyphase(float[] x, long from, int n, float[] out) {
        float[][] bank = k.bank();
        int alloc = k.alloc();
        int phases = k.phases();
        int stepSamples = k.step() / phases;
        int stepPhases = k.step() % phases;
        int s = (int) (k.start(from) - base);
        int phase = k.phase(from);
        for (int j = 0; j < n; j++) {
            float[] h = bank[phase];
            float a0 = 0f, a1 = 0f, a2 = 0f, a3 = 0f, a4 = 0f, a5 = 0f, a6 = 0f, a7 = 0f;
            for (int m = 0; m < alloc; m += 8) {
                int i = s + m;
                a0 = Math.fma(x[i], h[m], a0);
                a1 = Math.fma(x[i + 1], h[m + 1], a1);
                a2 = Math.fma(x[i + 2], h[m + 2], a2);
                a3 = Math.fma(x[i + 3], h[m + 3], a3);
                a4 = Math.fma(x[i + 4], h[m + 4], a4);
                a5 = Math.fma(x[i + 5], h[m + 5], a5);
                a6 = Math.fma(x[i + 6], h[m + 6], a6);
                a7 = Math.fma(x[i + 7], h[m + 7], a7);
            }
            out[j] = ((a0 + a4) + (a2 + a6)) + ((a1 + a5) + (a3 + a7));
            // the next output, as swresample steps: whole samples, then the phase and its carry
            s += stepSamples;
            phase += stepPhases;
            if (phase >= phases) {
                phase -= phases;
                s++;
            }
        }
    }
}
