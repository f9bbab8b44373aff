package dev.audiocat.features.fingerprint;

import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_FLTP;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_S16;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_S16P;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_uninit;
import static org.bytedeco.ffmpeg.global.avutil.av_opt_set_double;
import static org.bytedeco.ffmpeg.global.avutil.av_opt_set_int;
import static org.bytedeco.ffmpeg.global.avutil.av_opt_set_chlayout;
import static org.bytedeco.ffmpeg.global.avutil.av_opt_set_sample_fmt;
import static org.bytedeco.ffmpeg.global.swresample.SWR_ENGINE_SWR;
import static org.bytedeco.ffmpeg.global.swresample.swr_alloc;
import static org.bytedeco.ffmpeg.global.swresample.swr_convert;
import static org.bytedeco.ffmpeg.global.swresample.swr_free;
import static org.bytedeco.ffmpeg.global.swresample.swr_init;

import dev.audiocat.features.decode.AudioDecoder;
import dev.audiocat.features.decode.AudioProbe;
import dev.audiocat.features.decode.DecodeException;
import dev.audiocat.features.decode.PcmSink;
import java.nio.file.Path;
import java.util.Locale;
import org.bytedeco.ffmpeg.avutil.AVChannelLayout;
import org.bytedeco.ffmpeg.swresample.SwrContext;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.ShortPointer;

/**
 * Computes the Chromaprint fingerprint of the native stream exactly as {@code fpcalc} (1.5) does,
 * inside the single decoding pass.
 *
 * <p>fpcalc does not use libchromaprint's own resampler: its FFmpeg reader converts the decoded
 * audio to 16-bit mono at 11025 Hz with swresample (16-tap filter, 2^8 phases with linear
 * interpolation, cutoff 0.8), and fingerprints the first 120 s of that stream (without draining the
 * resampler's last few samples at end of file). swresample works in
 * int16 for int16 sources and in float for everything else (float codecs, 24/32-bit PCM), so this
 * sink hands it the same representation: exact int16 for sources of at most 16 bits, the decoder's
 * floats otherwise. Measured against Debian's fpcalc 1.5.1 the output is bit-identical (see
 * {@code docs/fingerprints.md}). Memory is bounded by one block whatever the file length.
 */
public final class ChromaprintSink implements PcmSink {

    /** fpcalc's default: fingerprint the first 120 s. */
    public static final double DEFAULT_MAX_SECONDS = 120;

    /** How the source's samples were represented before the decoder turned them into floats. */
    public enum SourceFormat {
        /** integer PCM of at most 16 bits (16-bit WAV/FLAC/AIFF, 8-bit): swresample works in int16. */
        INT16,
        /** float codecs (MP3, AAC, Vorbis, Opus) and deeper integer PCM: swresample works in float. */
        FLOAT
    }

    private final Chromaprint chromaprint = new Chromaprint();
    private final SourceFormat format;
    private final long maxOutputSamples;
    private SwrContext swr;
    private Pointer[] inPlanes;
    private PointerPointer<Pointer> in;
    private short[] shortBlock;
    private int inCapacity;
    private ShortPointer outPlane;
    private PointerPointer<ShortPointer> out;
    private short[] outBlock;
    private int outCapacity;
    private int channels;
    private int rate;
    private long fed;
    private boolean done;
    private String result;
    private int[] raw;

    /**
     * @param format     how the source stored samples (see {@link #sourceFormatOf(AudioProbe)})
     * @param maxSeconds seconds of audio to fingerprint, 0 for all of it (fpcalc's {@code -length})
     */
    public ChromaprintSink(SourceFormat format, double maxSeconds) {
        if (maxSeconds < 0 || Double.isNaN(maxSeconds)) {
            throw new IllegalArgumentException("maxSeconds must be >= 0, got " + maxSeconds);
        }
        this.format = format;
        this.maxOutputSamples = maxSeconds == 0 ? Long.MAX_VALUE : (long) (maxSeconds * Chromaprint.SAMPLE_RATE);
    }

    /** A sink with fpcalc's defaults for a file with this probe. */
    public static ChromaprintSink forProbe(AudioProbe probe) {
        return new ChromaprintSink(sourceFormatOf(probe), DEFAULT_MAX_SECONDS);
    }

    /** Integer PCM of at most 16 bits is {@link SourceFormat#INT16}; everything else {@link SourceFormat#FLOAT}. */
    public static SourceFormat sourceFormatOf(AudioProbe probe) {
        String codec = probe.codec() == null ? "" : probe.codec().toLowerCase(Locale.ROOT);
        boolean integerCodec = (codec.startsWith("pcm_") && !codec.startsWith("pcm_f")) || codec.equals("flac")
                || codec.equals("alac") || codec.equals("wavpack") || codec.equals("ape") || codec.equals("tta");
        Integer bits = probe.bitDepth();
        return integerCodec && bits != null && bits <= 16 ? SourceFormat.INT16 : SourceFormat.FLOAT;
    }

    /**
     * Decodes {@code file} once and returns its fpcalc-compatible fingerprint.
     * Convenience for tools and tests; ingest gets the same from {@code AudioAnalyzer}.
     */
    public static ChromaprintSink fingerprintFile(Path file, double maxSeconds) throws DecodeException {
        try (AudioDecoder d = AudioDecoder.open(file)) {
            ChromaprintSink sink = new ChromaprintSink(sourceFormatOf(d.probe()), maxSeconds);
            d.decode(sink, 0, null);
            return sink;
        }
    }

    @Override
    public void start(int sampleRate, int channelCount) {
        this.rate = sampleRate;
        this.channels = channelCount;
        chromaprint.start(Chromaprint.SAMPLE_RATE, 1);
        AVChannelLayout inLayout = new AVChannelLayout();
        AVChannelLayout outLayout = new AVChannelLayout();
        try {
            av_channel_layout_default(inLayout, channelCount);
            av_channel_layout_default(outLayout, 1);
            // Set option by option (as Chromaprint's reader does): swr_alloc_set_opts2 with int16
            // formats crashed inside the JavaCPP 1.5.14 FFmpeg 8.1 build on this machine.
            swr = swr_alloc();
            int inFormat = format == SourceFormat.INT16 ? AV_SAMPLE_FMT_S16P : AV_SAMPLE_FMT_FLTP;
            int r = av_opt_set_chlayout(swr, "in_chlayout", inLayout, 0);
            r |= av_opt_set_chlayout(swr, "out_chlayout", outLayout, 0);
            r |= av_opt_set_int(swr, "in_sample_rate", sampleRate, 0);
            r |= av_opt_set_int(swr, "out_sample_rate", Chromaprint.SAMPLE_RATE, 0);
            r |= av_opt_set_sample_fmt(swr, "in_sample_fmt", inFormat, 0);
            r |= av_opt_set_sample_fmt(swr, "out_sample_fmt", AV_SAMPLE_FMT_S16, 0);
            // Chromaprint's "compatible mode" resampler settings, as fpcalc's reader sets them.
            r |= av_opt_set_int(swr, "resampler", SWR_ENGINE_SWR, 0);
            r |= av_opt_set_int(swr, "filter_size", 16, 0);
            r |= av_opt_set_int(swr, "phase_shift", 8, 0);
            r |= av_opt_set_int(swr, "linear_interp", 1, 0);
            r |= av_opt_set_double(swr, "cutoff", 0.8, 0);
            // FFmpeg 5.1 (Debian's fpcalc) processes int16 input in int16 and float input in float;
            // FFmpeg 8.1's automatic choice differs for int16, so state it.
            r |= av_opt_set_sample_fmt(swr, "internal_sample_fmt", inFormat, 0);
            if (r < 0 || swr_init(swr) < 0) {
                swr_free(swr);
                swr = null;
                throw new IllegalStateException("swresample cannot convert " + sampleRate + " Hz / " + channelCount
                        + " channels to 11025 Hz mono int16");
            }
        } finally {
            av_channel_layout_uninit(inLayout);
            av_channel_layout_uninit(outLayout);
        }
        ensureCapacity(AudioDecoder.BLOCK_FRAMES * 2);
    }

    private void ensureCapacity(int frames) {
        if (frames <= inCapacity) {
            return;
        }
        closeBuffers();
        inCapacity = frames;
        inPlanes = new Pointer[channels];
        in = new PointerPointer<>(channels);
        for (int c = 0; c < channels; c++) {
            inPlanes[c] = format == SourceFormat.INT16 ? new ShortPointer(inCapacity) : new FloatPointer(inCapacity);
            in.put(c, inPlanes[c]);
        }
        shortBlock = new short[inCapacity];
        outCapacity = (int) ((long) inCapacity * Chromaprint.SAMPLE_RATE / rate) + 512;
        outPlane = new ShortPointer(outCapacity);
        out = new PointerPointer<>(1);
        out.put(0, outPlane);
        outBlock = new short[outCapacity];
    }

    @Override
    public void accept(float[][] block, int frames) {
        if (done || swr == null) {
            return;
        }
        ensureCapacity(frames);
        for (int c = 0; c < channels; c++) {
            float[] src = block[c];
            if (format == SourceFormat.INT16) {
                // exact: the decoder produced these floats as int16 / 32768
                for (int i = 0; i < frames; i++) {
                    float v = Math.max(-32768f, Math.min(32767f, src[i] * 32768f));
                    shortBlock[i] = (short) Math.rint(v);
                }
                ((ShortPointer) inPlanes[c]).put(shortBlock, 0, frames);
            } else {
                ((FloatPointer) inPlanes[c]).put(src, 0, frames);
            }
        }
        emit(swr_convert(swr, out, outCapacity, in, frames));
    }

    private void emit(int n) {
        if (n <= 0 || done) {
            return;
        }
        int take = (int) Math.min(n, maxOutputSamples - fed);
        outPlane.get(outBlock, 0, take);
        chromaprint.consumeMono(outBlock, 0, take);
        fed += take;
        if (fed >= maxOutputSamples) {
            done = true;
        }
    }

    @Override
    public void finish() {
        if (swr != null) {
            // Debian's fpcalc 1.5.1 stops at the decoder's end-of-file error without draining the
            // resampler, so the last ~10 samples (1 ms at 11025 Hz) it holds are not fingerprinted;
            // draining them here made one file in 62 one sub-fingerprint longer than fpcalc's.
            swr_free(swr);
            swr = null;
        }
        closeBuffers();
        chromaprint.finish();
        raw = chromaprint.rawFingerprint();
        result = chromaprint.fingerprint();
    }

    private void closeBuffers() {
        if (inPlanes != null) {
            for (Pointer p : inPlanes) {
                p.close();
            }
            in.close();
            outPlane.close();
            out.close();
            inPlanes = null;
        }
        inCapacity = 0;
    }

    /** The compressed fingerprint (fpcalc's default output), or null when the audio was too short. */
    public String fingerprint() {
        return result;
    }

    /** The raw sub-fingerprints (fpcalc's {@code -raw} output as signed ints); empty when too short. */
    public int[] rawFingerprint() {
        return raw == null ? new int[0] : raw.clone();
    }

    /** Seconds of audio actually fingerprinted. */
    public double fingerprintedSeconds() {
        return fed / (double) Chromaprint.SAMPLE_RATE;
    }
}
