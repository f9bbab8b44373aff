package dev.audiocat.features.dsp;

import static org.bytedeco.ffmpeg.global.avutil.AV_TX_FLOAT_RDFT;
import static org.bytedeco.ffmpeg.global.avutil.av_free;
import static org.bytedeco.ffmpeg.global.avutil.av_malloc;
import static org.bytedeco.ffmpeg.global.avutil.av_tx_init;
import static org.bytedeco.ffmpeg.global.avutil.av_tx_uninit;

import java.lang.ref.Cleaner;
import org.bytedeco.ffmpeg.avutil.AVTXContext;
import org.bytedeco.ffmpeg.avutil.av_tx_fn;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.jtransforms.fft.FloatFFT_1D;

/**
 * Forward real FFT of one power-of-two size, single precision: FFmpeg's {@code av_tx} RDFT (libavutil,
 * already loaded for decoding; SIMD code chosen at run time for the CPU) on buffers from
 * {@code av_malloc}, which are aligned as its SIMD code requires (an unaligned transform falls back to
 * plain C and loses the gain). On the 1024- and 2048-point frames of the analysis and landmark paths it
 * takes a third of JTransforms' time, copies in and out included (docs/benchmarks.md, "Native frame
 * FFT").
 *
 * <p>{@code -Daudiocat.fft=java} selects JTransforms instead (same spectra up to float rounding; for
 * A/B measurements and platforms whose FFmpeg build lacks av_tx).
 *
 * <p>Not thread-safe: one instance per thread (each {@link FrameDispatcher} owns one). The native
 * context and buffers are freed by {@link #close()} or, failing that, when the instance is collected.
 */
public final class RealFft implements AutoCloseable {

    private static final Cleaner CLEANER = Cleaner.create();

    private final int size;
    private final FloatFFT_1D java;
    private final float[] javaBuffer;
    private final Native nativeState;
    private final Cleaner.Cleanable cleanable;
    private final float[] spectrum; // interleaved re, im of bins 0..size/2

    public RealFft(int size) {
        this(size, !"java".equals(System.getProperty("audiocat.fft", "native")));
    }

    RealFft(int size, boolean useNative) {
        if (size < 2 || Integer.bitCount(size) != 1) {
            throw new IllegalArgumentException("FFT size must be a power of two >= 2, got " + size);
        }
        this.size = size;
        this.spectrum = new float[size + 2];
        if (useNative) {
            this.nativeState = new Native(size);
            this.cleanable = CLEANER.register(this, nativeState);
            this.java = null;
            this.javaBuffer = null;
        } else {
            this.nativeState = null;
            this.cleanable = null;
            this.java = new FloatFFT_1D(size);
            this.javaBuffer = new float[size];
        }
    }

    /** Whether this instance runs FFmpeg's transform (false: JTransforms). */
    public boolean isNative() {
        return nativeState != null;
    }

    /**
     * |X(k)| for k = 0..size/2 of the real input {@code in[0..size)} into {@code magnitude[0..size/2]}
     * (not normalised). {@code in} is not modified.
     */
    public void magnitudes(float[] in, float[] magnitude) {
        float[] x = spectrum;
        if (nativeState != null) {
            nativeState.forward(in, x);
        } else {
            // JTransforms packs re[0], re[size/2], then re/im pairs: unpack into the same layout
            System.arraycopy(in, 0, javaBuffer, 0, size);
            java.realForward(javaBuffer);
            System.arraycopy(javaBuffer, 2, x, 2, size - 2);
            x[0] = javaBuffer[0];
            x[1] = 0;
            x[size] = javaBuffer[1];
            x[size + 1] = 0;
        }
        int half = size / 2;
        magnitude[0] = Math.abs(x[0]);
        magnitude[half] = Math.abs(x[size]);
        for (int k = 1; k < half; k++) {
            float re = x[2 * k];
            float im = x[2 * k + 1];
            magnitude[k] = (float) Math.sqrt(re * re + im * im);
        }
    }

    @Override
    public void close() {
        if (cleanable != null) {
            cleanable.clean();
        }
    }

    /** The native side; holds no reference to its {@link RealFft}, so that the Cleaner can run. */
    private static final class Native implements Runnable {
        private final int size;
        private final PointerPointer<Pointer> fnSlot;
        private final av_tx_fn fn;
        private final AVTXContext ctx;
        private final FloatPointer in;
        private final FloatPointer out;
        private boolean freed;

        Native(int size) {
            this.size = size;
            // av_tx_init writes the transform's function into *fn: JavaCPP passes the FunctionPointer's
            // address as that slot, and calls through the same slot, so the slot is our own memory.
            this.fnSlot = new PointerPointer<>(1);
            this.fn = new av_tx_fn(fnSlot);
            AVTXContext context = new AVTXContext(null); // filled by av_tx_init (AVTXContext **)
            FloatPointer scale = new FloatPointer(1).put(1f);
            int r = av_tx_init(context, fn, AV_TX_FLOAT_RDFT, 0, size, scale, 0L);
            scale.close();
            if (r < 0 || context.isNull() || fnSlot.get(0) == null) {
                fnSlot.close();
                throw new IllegalStateException("FFmpeg's av_tx could not set up a " + size + "-point real FFT (error " + r
                        + "); run with -Daudiocat.fft=java to use JTransforms instead");
            }
            this.ctx = context;
            Pointer a = av_malloc(4L * size);
            Pointer b = av_malloc(4L * (size + 2));
            if (a == null || a.isNull() || b == null || b.isNull()) {
                av_free(a);
                av_free(b);
                av_tx_uninit(context);
                fnSlot.close();
                throw new OutOfMemoryError("av_malloc failed for a " + size + "-point FFT's buffers");
            }
            this.in = new FloatPointer(a).capacity(size);
            this.out = new FloatPointer(b).capacity(size + 2);
        }

        void forward(float[] x, float[] spectrum) {
            in.put(x, 0, size);
            fn.call(ctx, out, in, Float.BYTES);
            out.get(spectrum, 0, size + 2);
        }

        @Override
        public synchronized void run() {
            if (freed) {
                return;
            }
            freed = true;
            av_tx_uninit(ctx);
            av_free(in);
            av_free(out);
            fnSlot.close();
        }
    }
}
