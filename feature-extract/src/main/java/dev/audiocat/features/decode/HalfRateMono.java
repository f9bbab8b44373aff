package dev.audiocat.features.decode;

import java.util.Arrays;

/**
 * 44.1 kHz mono or stereo to the 22.05 kHz mono analysis stream, with the arithmetic of swresample's
 * default resampler as FFmpeg runs it on x86-64 with FMA3 (the machines whose {@code audio_id}s the
 * catalogs hold): the same output, bit for bit, on every CPU.
 *
 * <p>Why: swresample picks its inner loop by CPU (C, SSE, AVX, FMA3), and each rounds differently, so
 * the same file got a different {@code audio_id} on another CPU (docs/benchmarks.md, "Identity"). Its
 * FMA3 loop is also latency-bound (one accumulator); this one runs the same sums for eight outputs at a
 * time and is several times cheaper.
 *
 * <p>What swresample does for 44100 to 22050 Hz with its defaults (filter_size 32, cutoff 0.97,
 * exact_rational): one filter phase of {@value #TAPS} taps (stored with zeros to {@value #ALLOC}),
 * output o centred on input 2o, i.e. sum over i of h[i] x[2o - {@value #CENTRE} + i]. Each output is eight
 * lanes, lane l summing taps l, l + 8, ... by FMA in tap order from +0, then (a0 + a4 + (a2 + a6)) +
 * (a1 + a5 + (a3 + a7)) in that bracketing. Before the first sample the input is mirrored (x[-k] = x[k]);
 * after the last, (min(rest, TAPS) + 1) / 2 samples are mirrored back (x[N + j] = x[N - 1 - j]), rest
 * being the samples not yet consumed. Stereo is resampled per channel first, then mixed as
 * L * c + R * c with c = (float) sqrt(1/2). The taps are read from swresample itself (an impulse
 * response), not recomputed, so they are its own float values.
 */
final class HalfRateMono {

    static final int IN_RATE = 44100;
    static final int OUT_RATE = 22050;
    static final int TAPS = 66;
    static final int ALLOC = 72;
    static final int CENTRE = 32;
    private static final float MIX = (float) Math.sqrt(0.5);
    private static final int CHUNK = 4096; // outputs per pass: the lane arrays stay in L1/L2

    /**
     * swresample's filter for 44100 to 22050 Hz with its defaults, as it stores it (float; the last six
     * are the zeros that pad it to {@value #ALLOC}). Read from its impulse response; HalfRateMonoTest checks
     * them against the linked swresample.
     */
    static final float[] SWR_TAPS = {
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

    private final float[] h;
    private final int channels;
    // Per channel: the input from x_ext[base] on (x_ext[-TAPS..-1] is the start mirror).
    private float[][] buf;
    private int len;          // valid samples in buf
    private long base;        // x_ext index of buf[0]
    private long outputs;     // outputs emitted
    private long seen;        // input samples seen
    private boolean started;  // the start mirror is in place
    private final float[][] lane = new float[8][CHUNK];
    private final float[] even = new float[CHUNK + ALLOC];
    private final float[] odd = new float[CHUNK + ALLOC];
    private final float[] shifted = new float[CHUNK];
    private final float[][] mono = new float[2][CHUNK];
    private final float[][] block = new float[1][];

    HalfRateMono(int channels) {
        this(SWR_TAPS, channels);
    }

    /** {@code taps}: swresample's filter, {@value #ALLOC} values (the last ones zero). */
    HalfRateMono(float[] taps, int channels) {
        if (taps.length != ALLOC) {
            throw new IllegalArgumentException("expected " + ALLOC + " taps, got " + taps.length);
        }
        if (channels != 1 && channels != 2) {
            throw new IllegalArgumentException("mono or stereo input only, got " + channels + " channels");
        }
        this.h = taps.clone();
        this.channels = channels;
        this.buf = new float[channels][1 << 15];
    }

    /** Appends a block of native samples; full windows are resampled and passed to the sink. */
    void accept(float[][] data, int frames, PcmSink sink) {
        if (len + frames + TAPS + ALLOC > buf[0].length) {
            for (int c = 0; c < channels; c++) {
                buf[c] = Arrays.copyOf(buf[c], Math.max(2 * buf[c].length, len + frames + TAPS + ALLOC));
            }
        }
        for (int c = 0; c < channels; c++) {
            System.arraycopy(data[c], 0, buf[c], (started ? 0 : TAPS) + len, frames);
        }
        len += frames;
        seen += frames;
        for (int c = 0; c < channels; c++) { // the zero taps past a window read here: keep them finite
            int from = (started ? 0 : TAPS) + len;
            Arrays.fill(buf[c], from, Math.min(buf[c].length, from + ALLOC), 0f);
        }
        if (!started) {
            // swresample waits for TAPS + 1 samples, then mirrors x[1..TAPS] before x[0]
            if (len < TAPS + 1) {
                return;
            }
            for (int c = 0; c < channels; c++) {
                for (int k = 1; k <= TAPS; k++) {
                    buf[c][TAPS - k] = buf[c][TAPS + k];
                }
            }
            len += TAPS;
            base = -TAPS;
            started = true;
        }
        emit(available(seen), sink);
    }

    /**
     * Mirrors the end and emits the last outputs. Returns false, emitting nothing, when the input had
     * fewer than {@value #TAPS} + 1 samples: swresample's start-up on such a stub is not copied here, so
     * the caller runs swresample itself on {@link #pending()}.
     */
    boolean finish(PcmSink sink) {
        if (!started) {
            return len == 0;
        }
        long next = 2 * outputs - CENTRE;           // first input of the next window
        int rest = (int) (seen - next);
        int reflection = (Math.min(rest, TAPS) + 1) / 2;
        int end = (int) (seen - base);              // buf index of x[N]
        if (end + reflection + ALLOC > buf[0].length) {
            for (int c = 0; c < channels; c++) {
                buf[c] = Arrays.copyOf(buf[c], end + reflection + ALLOC);
            }
        }
        for (int c = 0; c < channels; c++) {
            for (int j = 0; j < reflection; j++) {
                buf[c][end + j] = buf[c][end - 1 - j];
            }
            Arrays.fill(buf[c], end + reflection, Math.min(buf[c].length, end + reflection + ALLOC), 0f);
        }
        len += reflection;
        emit(available(seen + reflection), sink);
        return true;
    }

    /**
     * A native-stream sink that runs the whole stream through a HalfRateMono into {@code mono} (for checks
     * and benches: the decoder tees the native stream instead). {@link #handled()} is false after a stub
     * that {@link #finish(PcmSink)} left to swresample.
     */
    static final class Feed implements PcmSink {
        private final PcmSink mono;
        private HalfRateMono half;
        private boolean handled;

        Feed(PcmSink mono) {
            this.mono = mono;
        }

        @Override
        public void start(int sampleRate, int channelCount) {
            half = new HalfRateMono(channelCount);
        }

        @Override
        public void accept(float[][] channels, int frames) {
            half.accept(channels, frames, mono);
        }

        @Override
        public void finish() {
            handled = half.finish(mono);
        }

        boolean handled() {
            return handled;
        }
    }

    /** The samples held back before the start (fewer than {@value #TAPS} + 1), one array per channel. */
    float[][] pending() {
        float[][] out = new float[channels][];
        for (int c = 0; c < channels; c++) {
            out[c] = Arrays.copyOfRange(buf[c], TAPS, TAPS + (started ? 0 : len));
        }
        return out;
    }

    /** Outputs whose {@value #TAPS}-tap window ends at or before input {@code n}. */
    private long available(long n) {
        // 2o - CENTRE + TAPS <= n
        long o = Math.floorDiv(n + CENTRE - TAPS, 2) + 1;
        return Math.max(outputs, o);
    }

    private void emit(long upTo, PcmSink sink) {
        while (outputs < upTo) {
            int n = (int) Math.min(CHUNK, upTo - outputs);
            int first = (int) (2 * outputs - CENTRE - base); // buf index of output's first tap
            // the ALLOC - TAPS taps past the window are zero; keep their reads inside buf
            for (int c = 0; c < channels; c++) {
                float[] x = buf[c];
                if (first + 2 * (n - 1) + ALLOC > x.length) {
                    buf[c] = x = Arrays.copyOf(x, first + 2 * (n - 1) + ALLOC);
                }
                lanes(x, first, n, mono[c]);
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
        int keep = (int) (2 * outputs - CENTRE - base);
        if (keep > 0 && keep <= len) {
            for (int c = 0; c < channels; c++) {
                System.arraycopy(buf[c], keep, buf[c], 0, len - keep);
            }
            len -= keep;
            base += keep;
        }
    }

    /** n outputs from x[first + 2o ...]: the eight lanes by FMA in tap order, then swresample's bracketing. */
    private void lanes(float[] x, int first, int n, float[] out) {
        int span = n + ALLOC / 2;
        for (int k = 0; k < span; k++) {
            int i = first + 2 * k;
            even[k] = i < x.length ? x[i] : 0f;
            odd[k] = i + 1 < x.length ? x[i + 1] : 0f;
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
            for (int m = 1; m < ALLOC / 8; m++) {
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
}
