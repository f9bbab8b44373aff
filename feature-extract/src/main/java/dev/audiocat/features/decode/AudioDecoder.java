package dev.audiocat.features.decode;

import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avformat.*;
import static org.bytedeco.ffmpeg.global.avutil.*;
import static org.bytedeco.ffmpeg.global.swresample.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVChannelLayout;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVDictionaryEntry;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swresample.SwrContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Decodes one audio file with FFmpeg in a single streaming pass.
 *
 * <p>Two outputs are fed from the same decoded frames: the native stream (every channel at the
 * file's own rate, planar float) for loudness and channel-level QC, and an optional mono stream at a
 * fixed analysis rate (swresample's downmix and resampler, the same as the ffmpeg command line) for
 * musical analysis and hashing. Memory stays bounded by the block size whatever the file length.
 *
 * <p>Use: {@code try (AudioDecoder d = AudioDecoder.open(path)) { d.probe(); d.decode(native, rate, mono); }}
 */
public final class AudioDecoder implements AutoCloseable {

    /** Samples per channel handed to sinks at a time. */
    public static final int BLOCK_FRAMES = 4096;
    /** Bytes of a WAV file's first packets that FFmpeg probes for another codec under the PCM tag (default: up to 5 MB). */
    static final long WAV_PROBE_BYTES = 16384;

    static {
        av_log_set_level(AV_LOG_QUIET);
    }

    private final Path file;
    private final long deadlineNanos;
    private AVFormatContext format;
    private AVCodecContext codecContext;
    private int streamIndex = -1;
    private AudioProbe probe;

    private final boolean downmixInDecoder;
    private boolean downmixedByDecoder;

    private AudioDecoder(Path file, long timeLimitNanos, boolean downmixInDecoder) {
        this.file = file;
        this.downmixInDecoder = downmixInDecoder;
        this.deadlineNanos = timeLimitNanos <= 0 ? Long.MAX_VALUE : System.nanoTime() + timeLimitNanos;
    }

    /**
     * Opens {@code file} and reads its header.
     *
     * @param timeLimitMillis wall-clock limit for opening and decoding, 0 for none
     */
    public static AudioDecoder open(Path file, long timeLimitMillis) throws DecodeException {
        return open(file, timeLimitMillis, false);
    }

    /**
     * Opens {@code file} for its mono stream only, letting the decoder downmix where it can do so
     * before its synthesis: a stereo Opus stream (channel mapping family 0) is opened as a mono one
     * (the channel count of its OpusHead set to 1 in the decoder's copy), so that FFmpeg's Opus
     * decoder sums the two channels' MDCT coefficients and runs one inverse MDCT, post-filter and
     * de-emphasis instead of two (the same linear operations, so the same signal up to float rounding;
     * Opus is decoded at 48 kHz whatever is asked, and these stages are a large part of its cost).
     * The level is then that of swresample's stereo-to-mono downmix, as with {@link #open}. Other
     * codecs open as with {@link #open}. The native stream and {@link #probe()}'s channel count are
     * then those of the downmix: for the landmark path ({@code references add}, {@code identify}), not
     * for the analysis pass.
     */
    public static AudioDecoder openDownmixed(Path file, long timeLimitMillis) throws DecodeException {
        return open(file, timeLimitMillis, true);
    }

    private static AudioDecoder open(Path file, long timeLimitMillis, boolean downmixInDecoder) throws DecodeException {
        AudioDecoder d = new AudioDecoder(file, timeLimitMillis * 1_000_000L, downmixInDecoder);
        try {
            d.openInput();
            return d;
        } catch (DecodeException | RuntimeException e) {
            d.close();
            throw e;
        }
    }

    public static AudioDecoder open(Path file) throws DecodeException {
        return open(file, 0);
    }

    private void openInput() throws DecodeException {
        long size;
        try {
            size = Files.size(file);
        } catch (java.io.IOException e) {
            throw new DecodeException("unreadable", file + ": cannot read the file (" + e.getMessage() + "); check that it exists and is readable", e);
        }
        if (size == 0) {
            throw new DecodeException("empty_file", file + ": the file is empty (0 bytes); re-copy it from its source");
        }
        format = new AVFormatContext(null);
        int r = avformat_open_input(format, file.toString(), null, null);
        if (r < 0) {
            format = null;
            boolean cutCaf;
            try {
                cutCaf = CafHeader.dataCut(file);
            } catch (java.io.IOException e) {
                cutCaf = false;
            }
            if (cutCaf) {
                throw new DecodeException("truncated", file + ": a CAF file cut short inside its audio data (its data chunk declares more "
                        + "bytes than the file holds; the packet table, stored after the audio, is gone, so FFmpeg cannot find the "
                        + "packets: " + error(r) + "); copy it again from the source");
            }
            throw new DecodeException("unrecognised_format", file + ": FFmpeg does not recognise this as audio (" + error(r)
                    + "); the file may be damaged or not audio at all");
        }
        if ("wav".equals(format.iformat().name().getString())) {
            // FFmpeg's WAV demuxer probes pcm_s16le data with every demuxer (MP3 or DTS stored under
            // the PCM tag) over up to 32 packets, re-probing as the buffer doubles: about 35 ms of CPU
            // per file (12 WAVs of 35-45 s: 438 ms in avformat_find_stream_info, 15 ms with this
            // limit), a seventh of such a file's whole analysis. Its header reader has already
            // checked 64 KiB for S/PDIF; the first WAV_PROBE_BYTES of packets are probed here.
            format.probesize(WAV_PROBE_BYTES);
        }
        r = avformat_find_stream_info(format, (PointerPointer<?>) null);
        if (r < 0) {
            throw new DecodeException("unreadable_stream_info", file + ": cannot read stream information (" + error(r) + ")");
        }
        streamIndex = av_find_best_stream(format, AVMEDIA_TYPE_AUDIO, -1, -1, (AVCodec) null, 0);
        if (streamIndex < 0) {
            throw new DecodeException("no_audio_stream", file + ": FFmpeg finds no decodable audio stream in this "
                    + format.iformat().name().getString() + " container (" + error(streamIndex)
                    + "); the file is truncated, damaged, or not audio");
        }
        AVStream stream = format.streams(streamIndex);
        AVCodecParameters par = stream.codecpar();
        AVCodec codec = avcodec_find_decoder(par.codec_id());
        if (codec == null) {
            throw new DecodeException("unsupported_codec", file + ": no decoder for codec " + avcodec_get_name(par.codec_id()).getString()
                    + " in this FFmpeg build; convert the file to FLAC or WAV");
        }
        codecContext = avcodec_alloc_context3(codec);
        avcodec_parameters_to_context(codecContext, par);
        codecContext.pkt_timebase(stream.time_base());
        if (downmixInDecoder && par.codec_id() == AV_CODEC_ID_OPUS && codecContext.ch_layout().nb_channels() == 2
                && codecContext.extradata_size() >= 19) {
            BytePointer head = codecContext.extradata().capacity(codecContext.extradata_size());
            // OpusHead: byte 9 = channel count, byte 18 = mapping family (0: mono or one coupled stereo stream)
            if (head.get(18) == 0 && head.get(9) == 2) {
                head.put(9, (byte) 1);
                av_channel_layout_uninit(codecContext.ch_layout());
                av_channel_layout_default(codecContext.ch_layout(), 1);
                downmixedByDecoder = true;
            }
        }
        r = avcodec_open2(codecContext, codec, (PointerPointer<?>) null);
        if (r < 0) {
            throw new DecodeException("decoder_open_failed", file + ": cannot open the " + codec.name().getString() + " decoder (" + error(r) + ")");
        }
        if (codecContext.sample_rate() <= 0 || codecContext.ch_layout().nb_channels() <= 0) {
            throw new DecodeException("invalid_stream", file + ": the audio stream declares no sample rate or no channels; the header is damaged");
        }
        probe = readProbe(par, codec);
    }

    private AudioProbe readProbe(AVCodecParameters par, AVCodec codec) {
        Integer bits = null;
        if (par.bits_per_raw_sample() > 0) {
            bits = par.bits_per_raw_sample();
        } else if (par.bits_per_coded_sample() > 0 && isPcm(par.codec_id())) {
            bits = par.bits_per_coded_sample();
        }
        Map<String, String> tags = new LinkedHashMap<>();
        readTags(format.metadata(), tags);
        readTags(format.streams(streamIndex).metadata(), tags);
        // What the header states: the audio stream's own duration (a video track can make the file's
        // longer), else the file's when the audio is all it holds; none when FFmpeg only estimated it from
        // the bit rate (an MP3 without a Xing/VBRI header): that is a guess, not a statement.
        Double declared = null;
        String demuxer = format.iformat().name().getString();
        double ownHeader = headerSeconds(demuxer, par);
        if (ownHeader > 0) {
            declared = ownHeader;
        } else if (format.duration_estimation_method() != AVFMT_DURATION_FROM_BITRATE) {
            AVStream st = format.streams(streamIndex);
            if (st.duration() > 0 && st.duration() != AV_NOPTS_VALUE && st.time_base().den() > 0) {
                declared = st.duration() * av_q2d(st.time_base());
            } else if (format.duration() > 0 && audioOnly()) {
                // the file's duration is the audio's only when nothing else plays (a video track in an
                // AVI or Matroska file can outlast the audio, and such files state no audio duration)
                declared = format.duration() / (double) AV_TIME_BASE;
            }
        }
        boolean endMissing = false;
        if (demuxer.equals("ogg")) {
            try {
                endMissing = OggEnd.endMissing(file);
            } catch (java.io.IOException e) {
                endMissing = false; // the decode reports an unreadable file
            }
        }
        long bitRate = format.bit_rate() > 0 ? format.bit_rate() : par.bit_rate();
        return new AudioProbe(
                format.iformat().name().getString(),
                codec.name().getString(),
                codecContext.sample_rate(),
                bits,
                codecContext.ch_layout().nb_channels(),
                bitRate > 0 ? bitRate : null,
                declared,
                endMissing,
                tags);
    }

    /**
     * The duration that a PCM WAV's (RIFF, RF64, BW64, Wave64) {@code data} chunk or a CAF file's chunks
     * declare, read by audiocat because FFmpeg shrinks it to the bytes present; -1 for other files, or when the
     * header states none or cannot be read (FFmpeg's figure is taken then).
     */
    private double headerSeconds(String demuxer, AVCodecParameters par) {
        try {
            if ((demuxer.equals("wav") || demuxer.equals("w64")) && isPcm(par.codec_id()) && par.block_align() > 0) {
                long dataBytes = RiffHeader.declaredDataBytes(file);
                return dataBytes > 0 ? dataBytes / (double) par.block_align() / codecContext.sample_rate() : -1;
            }
            return demuxer.equals("caf") ? CafHeader.declaredSeconds(file) : -1;
        } catch (java.io.IOException e) {
            return -1; // unreadable header: FFmpeg's figure
        }
    }

    /** Whether the chosen audio stream is the only stream that plays (cover art does not). */
    private boolean audioOnly() {
        for (int i = 0; i < format.nb_streams(); i++) {
            if (i != streamIndex && (format.streams(i).disposition() & AV_DISPOSITION_ATTACHED_PIC) == 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean isPcm(int codecId) {
        String name = avcodec_get_name(codecId).getString();
        return name.startsWith("pcm_");
    }

    private static void readTags(AVDictionary dict, Map<String, String> into) {
        if (dict == null) {
            return;
        }
        AVDictionaryEntry e = null;
        while ((e = av_dict_get(dict, "", e, AV_DICT_IGNORE_SUFFIX)) != null) {
            String key = e.key().getString(java.nio.charset.StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
            String value = e.value().getString(java.nio.charset.StandardCharsets.UTF_8);
            into.putIfAbsent(key, value);
        }
    }

    public AudioProbe probe() {
        return probe;
    }

    /**
     * Decodes the whole stream once.
     *
     * @param nativeSink   receives every channel at the native rate, or {@code null}
     * @param analysisRate sample rate of the mono analysis stream (ignored when {@code monoSink} is null)
     * @param monoSink     receives the mono downmix at {@code analysisRate}, or {@code null}
     * @return the number of native-rate sample frames decoded
     */
    public long decode(PcmSink nativeSink, int analysisRate, PcmSink monoSink) throws DecodeException {
        return decode(nativeSink, analysisRate, monoSink, null);
    }

    /**
     * {@link #decode(PcmSink, int, PcmSink)} with swresample options for the mono stream's resampler
     * ({@code "filter_size=16:cutoff=0.9"}: key=value pairs separated by ':', names as in
     * {@code ffmpeg -h resampler}), or {@code null} for swresample's defaults (the analysis pass).
     */
    public long decode(PcmSink nativeSink, int analysisRate, PcmSink monoSink, String monoResamplerOptions) throws DecodeException {
        int rate = codecContext.sample_rate();
        int nch = codecContext.ch_layout().nb_channels();
        AVChannelLayout inLayout = new AVChannelLayout();
        AVChannelLayout monoLayout = new AVChannelLayout();
        SwrContext toNative = null;
        SwrContext toMono = null;
        AVPacket packet = av_packet_alloc();
        AVFrame frame = av_frame_alloc();
        Resampled nat = null;
        Resampled mono = null;
        Fma3Mono fma3 = null;
        PcmSink toNativeSink = nativeSink;
        long frames = 0;
        try {
            if (codecContext.ch_layout().order() == AV_CHANNEL_ORDER_UNSPEC) {
                av_channel_layout_default(inLayout, nch);
            } else {
                av_channel_layout_copy(inLayout, codecContext.ch_layout());
            }
            av_channel_layout_default(monoLayout, 1);
            if (nativeSink != null) {
                toNative = swr(inLayout, rate, inLayout, codecContext.sample_fmt(), rate, null);
                nat = new Resampled(nch, BLOCK_FRAMES * 2);
                nativeSink.start(rate, nch);
            }
            if (monoSink != null && nativeSink != null && monoResamplerOptions == null && !downmixedByDecoder
                    && analysisRate == Fma3Mono.OUT_RATE && (nch == 1 || nch == 2) && !swresampleIsReference()
                    && Fma3Mono.kernel(rate) != null) {
                // 44.1 or 48 kHz on a CPU where swresample would round differently: its FMA3 arithmetic in Java, fed
                // by the native stream (the same samples as swresample's own input conversion), so the mono stream
                // and audio_id are those of an FMA3 machine
                Fma3Mono h = new Fma3Mono(Fma3Mono.kernel(rate), nch);
                fma3 = h;
                toNativeSink = new PcmSink() {
                    @Override
                    public void start(int sampleRate, int channelCount) {
                    }

                    @Override
                    public void accept(float[][] channels, int n) {
                        h.accept(channels, n, monoSink); // first: it copies the block before any sink sees it
                        nativeSink.accept(channels, n);
                    }

                    @Override
                    public void finish() {
                    }
                };
                monoSink.start(analysisRate, 1);
            } else if (monoSink != null) {
                toMono = swr(monoLayout, analysisRate, inLayout, codecContext.sample_fmt(), rate, monoResamplerOptions);
                int cap = (int) ((long) BLOCK_FRAMES * 2 * analysisRate / rate) + 256;
                mono = new Resampled(1, Math.max(cap, 1024));
                if (downmixedByDecoder) {
                    // the Opus decoder's downmix is (L + R) / 2; swresample's stereo-to-mono (what the
                    // analysis pass gets) is (L + R) / sqrt(2): the same level on both paths
                    mono.gain = (float) Math.sqrt(2);
                }
                monoSink.start(analysisRate, 1);
            }
            int decodeErrors = 0;
            boolean draining = false;
            while (true) {
                checkDeadline();
                int r;
                if (!draining) {
                    r = av_read_frame(format, packet);
                    if (r < 0) {
                        draining = true;
                        avcodec_send_packet(codecContext, null);
                    } else {
                        if (packet.stream_index() == streamIndex) {
                            r = avcodec_send_packet(codecContext, packet);
                            if (r < 0 && r != AVERROR_EAGAIN()) {
                                decodeErrors++;
                            }
                        }
                        av_packet_unref(packet);
                    }
                }
                while (true) {
                    r = avcodec_receive_frame(codecContext, frame);
                    if (r == AVERROR_EAGAIN() || r == AVERROR_EOF()) {
                        break;
                    }
                    if (r < 0) {
                        decodeErrors++;
                        break;
                    }
                    if (frame.sample_rate() != rate || frame.ch_layout().nb_channels() != nch) {
                        throw new DecodeException("format_change", file + ": the stream changes sample rate or channel count mid-file ("
                                + rate + " Hz/" + nch + " ch to " + frame.sample_rate() + " Hz/" + frame.ch_layout().nb_channels()
                                + " ch); split the file where it changes");
                    }
                    frames += frame.nb_samples();
                    if (toNative != null) {
                        nat.convert(toNative, frame, toNativeSink);
                    }
                    if (toMono != null) {
                        mono.convert(toMono, frame, monoSink);
                    }
                    av_frame_unref(frame);
                }
                if (draining) {
                    break;
                }
            }
            if (frames == 0) {
                throw new DecodeException(decodeErrors > 0 ? "decode_error" : "no_audio_samples",
                        file + ": no audio could be decoded" + (decodeErrors > 0 ? " (" + decodeErrors + " packets failed to decode)" : "")
                                + "; the file is truncated or damaged");
            }
            if (toNative != null) {
                nat.flush(toNative, toNativeSink);
                nativeSink.finish();
            }
            if (fma3 != null) {
                if (!fma3.finish(monoSink)) {
                    stub(fma3.pending(), inLayout, rate, analysisRate, monoLayout, monoSink);
                }
                monoSink.finish();
            }
            if (toMono != null) {
                mono.flush(toMono, monoSink);
                monoSink.finish();
            }
            return frames;
        } finally {
            if (toNative != null) {
                swr_free(toNative);
            }
            if (toMono != null) {
                swr_free(toMono);
            }
            if (nat != null) {
                nat.close();
            }
            if (mono != null) {
                mono.close();
            }
            av_channel_layout_uninit(inLayout);
            av_channel_layout_uninit(monoLayout);
            av_packet_free(packet);
            av_frame_free(frame);
        }
    }

    /**
     * Whether swresample runs its FMA3 float kernel here, the arithmetic {@link Fma3Mono} copies: x86-64
     * with FMA3 on fast AVX and no FMA4 (swresample's own dispatch order). There, swresample is used: it is
     * faster than the Java copy and gives the same bits. Read per decode, as FFmpeg reads the flags when a
     * resampler is set up ({@code av_force_cpu_flags} can change them).
     */
    static boolean swresampleIsReference() {
        String arch = System.getProperty("os.arch", "");
        if (!arch.equals("amd64") && !arch.equals("x86_64")) {
            return false;
        }
        int f = av_get_cpu_flags();
        return (f & AV_CPU_FLAG_FMA3) != 0 && (f & AV_CPU_FLAG_AVX) != 0 && (f & AV_CPU_FLAG_AVXSLOW) == 0
                && (f & AV_CPU_FLAG_FMA4) == 0;
    }

    /** A file shorter than the Java resampler's window: swresample on its float samples, as before. */
    private void stub(float[][] planes, AVChannelLayout inLayout, int rate, int analysisRate, AVChannelLayout monoLayout, PcmSink monoSink)
            throws DecodeException {
        SwrContext ctx = swr(monoLayout, analysisRate, inLayout, AV_SAMPLE_FMT_FLTP, rate, null);
        FloatPointer[] in = new FloatPointer[planes.length];
        try (PointerPointer<FloatPointer> inPlanes = new PointerPointer<>(planes.length); Resampled out = new Resampled(1, 1024)) {
            for (int c = 0; c < planes.length; c++) {
                in[c] = new FloatPointer(planes[c]);
                inPlanes.put(c, in[c]);
            }
            out.convert(ctx, inPlanes, planes[0].length, monoSink);
            out.flush(ctx, monoSink);
        } finally {
            swr_free(ctx);
            for (FloatPointer p : in) {
                if (p != null) {
                    p.close();
                }
            }
        }
    }

    private void checkDeadline() throws DecodeException {
        if (System.nanoTime() > deadlineNanos) {
            throw new DecodeException("timeout", file + ": decoding exceeded the per-file time limit; raise --file-timeout for very long files");
        }
        if (Thread.currentThread().isInterrupted()) {
            throw new DecodeException("interrupted", file + ": decoding was interrupted");
        }
    }

    private SwrContext swr(AVChannelLayout outLayout, int outRate, AVChannelLayout inLayout, int inFmt, int inRate, String options)
            throws DecodeException {
        // a SwrContext with a null address: swr_alloc_set_opts2 allocates and the wrapper takes the address
        SwrContext ctx = new SwrContext(null);
        int r = swr_alloc_set_opts2(ctx, outLayout, AV_SAMPLE_FMT_FLTP, outRate, inLayout, inFmt, inRate, 0, null);
        if (r < 0 || ctx.isNull()) {
            throw new DecodeException("resampler_failed", file + ": cannot set up the resampler (" + error(r) + ")");
        }
        if (options != null && !options.isEmpty()) {
            for (String option : options.split(":")) {
                int eq = option.indexOf('=');
                r = eq < 0 ? -1 : av_opt_set(ctx, option.substring(0, eq), option.substring(eq + 1), 0);
                if (r < 0) {
                    swr_free(ctx);
                    throw new IllegalArgumentException("resampler option '" + option + "' is not a valid swresample key=value (" + error(r) + ")");
                }
            }
        }
        r = swr_init(ctx);
        if (r < 0) {
            swr_free(ctx);
            throw new DecodeException("resampler_failed", file + ": cannot initialise the resampler (" + error(r) + ")");
        }
        return ctx;
    }

    /** One swresample output: native planar float buffers and the Java arrays handed to sinks. */
    private final class Resampled implements AutoCloseable {
        private final int channels;
        private final int capacity;
        private final FloatPointer[] planes;
        private final PointerPointer<FloatPointer> out;
        private final float[][] block;
        private float gain = 1f;

        Resampled(int channels, int capacity) {
            this.channels = channels;
            this.capacity = capacity;
            this.planes = new FloatPointer[channels];
            this.out = new PointerPointer<>(channels);
            this.block = new float[channels][capacity];
            for (int c = 0; c < channels; c++) {
                planes[c] = new FloatPointer(capacity);
                out.put(c, planes[c]);
            }
        }

        void convert(SwrContext ctx, AVFrame frame, PcmSink sink) throws DecodeException {
            convert(ctx, frame.extended_data(), frame.nb_samples(), sink);
        }

        void convert(SwrContext ctx, PointerPointer<?> in, int remaining, PcmSink sink) throws DecodeException {
            // swr buffers internally: feed the frame once, then drain while output fills the buffer.
            int n = swr_convert(ctx, out, capacity, in, remaining);
            while (true) {
                if (n < 0) {
                    throw new DecodeException("resampler_failed", file + ": resampling failed (" + error(n) + ")");
                }
                emit(n, sink);
                if (n < capacity) {
                    break;
                }
                n = swr_convert(ctx, out, capacity, (PointerPointer<?>) null, 0);
            }
        }

        void flush(SwrContext ctx, PcmSink sink) throws DecodeException {
            while (true) {
                int n = swr_convert(ctx, out, capacity, (PointerPointer<?>) null, 0);
                if (n < 0) {
                    throw new DecodeException("resampler_failed", file + ": resampler flush failed (" + error(n) + ")");
                }
                if (n == 0) {
                    break;
                }
                emit(n, sink);
            }
        }

        private void emit(int n, PcmSink sink) {
            if (n == 0) {
                return;
            }
            for (int c = 0; c < channels; c++) {
                planes[c].get(block[c], 0, n);
                if (gain != 1f) {
                    float[] b = block[c];
                    for (int i = 0; i < n; i++) {
                        b[i] *= gain;
                    }
                }
            }
            sink.accept(block, n);
        }

        @Override
        public void close() {
            out.close();
            for (FloatPointer p : planes) {
                p.close();
            }
        }
    }

    static String error(int code) {
        try (BytePointer buf = new BytePointer(256)) {
            av_strerror(code, buf, 256);
            // the buffer is 256 bytes whatever the message length: cut at the terminating NUL
            String text = buf.getString();
            int end = text.indexOf('\0');
            return end >= 0 ? text.substring(0, end) : text;
        }
    }

    @Override
    public void close() {
        if (codecContext != null) {
            avcodec_free_context(codecContext);
            codecContext = null;
        }
        if (format != null) {
            avformat_close_input(format);
            format = null;
        }
    }
}
