package dev.audiocat.features.encode;

import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avformat.*;
import static org.bytedeco.ffmpeg.global.avutil.*;
import static org.bytedeco.ffmpeg.global.swresample.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVOutputFormat;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVDictionaryEntry;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swresample.SwrContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Writes planar float PCM to an audio file through FFmpeg, in a streaming pass with bounded memory.
 *
 * <pre>{@code
 * try (AudioEncoder enc = AudioEncoder.builder(AudioEncoder.Format.MP3)
 *         .sampleRate(44100).channels(2).bitRate(192_000).tag("title", "Demo").open(Path.of("a.mp3"))) {
 *     enc.write(planar, frames);   // as often as needed
 * }
 * }</pre>
 *
 * <p>Samples are floats in [-1, 1], one array per channel. They are converted with swresample to the
 * sample format the codec takes (no resampling, no dither: integer formats round to nearest and clip
 * outside [-1, 1]), so input already on the 16- or 24-bit grid comes back bit-exact from the lossless
 * formats. Codecs with a fixed frame size (MP3, AAC, Vorbis, Opus, FLAC) get exactly that many samples
 * per frame from an internal buffer; only the last frame is shorter (libavcodec pads it where the
 * codec needs a full frame).
 *
 * <p>Output is bit-exact: the same samples and settings give the same file bytes (FFmpeg's bitexact
 * flags: no random Ogg serial numbers, no creation times, no library version tag).
 *
 * <p>Not thread-safe. {@link #close()} finishes the file; if writing failed, it releases the natives
 * and deletes the incomplete file instead.
 */
public final class AudioEncoder implements AutoCloseable {

    static {
        av_log_set_level(AV_LOG_QUIET);
    }

    /** Samples per channel per frame for codecs that take any frame size (PCM). */
    static final int VARIABLE_FRAME_SAMPLES = 4096;

    /** Container + codec + stored sample representation. */
    public enum Format {
        WAV_16("wav", "pcm_s16le", 16, "wav"),
        WAV_24("wav", "pcm_s24le", 24, "wav"),
        WAV_F32("wav", "pcm_f32le", 32, "wav"),
        AIFF_16("aiff", "pcm_s16be", 16, "aiff"),
        AIFF_24("aiff", "pcm_s24be", 24, "aiff"),
        FLAC_16("flac", "flac", 16, "flac"),
        FLAC_24("flac", "flac", 24, "flac"),
        /**
         * LAME, constant bit rate (default 192 kbit/s, capped at 160 below 32 kHz and 64 below 16 kHz);
         * MPEG-1/2/2.5 rates 8 to 48 kHz, mono or stereo.
         */
        MP3("mp3", "libmp3lame", 0, "mp3", 192_000, 8_000, 320_000),
        /**
         * FFmpeg's native (experimental) Vorbis encoder: this build has no libvorbis. Stereo only,
         * quality-based. Its stereo coupling garbles the waveform of a channel that is uncorrelated with
         * the other (SNR near 0 dB; the level and spectrum survive), so use it for panned or
         * near-mono material when the waveform matters.
         */
        OGG_VORBIS("ogg", "vorbis", 0, "ogg"),
        /** FFmpeg's native AAC-LC in an iTunes-style MP4 (default 160 kbit/s). */
        M4A_AAC("ipod", "aac", 0, "m4a", 160_000, 8_000, 512_000),
        /** libopus in Ogg (default 96 kbit/s); input rates 8, 12, 16, 24 or 48 kHz, decoders output 48 kHz. */
        OPUS("opus", "libopus", 0, "opus", 96_000, 6_000, 510_000),
        /**
         * FFmpeg's native Windows Media Audio 2 in ASF (default 128 kbit/s), the legacy format of many web
         * and archive libraries; its encoder modulates quiet high bands periodically (see TempoEstimator).
         * FFmpeg's decoder returns it without the first frame (2048 samples at 44.1 kHz) and the last
         * partial one, as the ffmpeg command line does: for test material, not for exact round trips.
         */
        WMA_V2("asf", "wmav2", 0, "wma", 128_000, 24_000, 320_000);

        private final String muxer;
        private final String encoder;
        private final int bitDepth;
        private final String extension;
        private final long defaultBitRate;
        private final long minBitRate;
        private final long maxBitRate;

        Format(String muxer, String encoder, int bitDepth, String extension) {
            this(muxer, encoder, bitDepth, extension, 0, 0, 0);
        }

        Format(String muxer, String encoder, int bitDepth, String extension, long defaultBitRate, long minBitRate, long maxBitRate) {
            this.muxer = muxer;
            this.encoder = encoder;
            this.bitDepth = bitDepth;
            this.extension = extension;
            this.defaultBitRate = defaultBitRate;
            this.minBitRate = minBitRate;
            this.maxBitRate = maxBitRate;
        }

        /** FFmpeg muxer name, e.g. {@code wav}, {@code ipod}. */
        public String muxer() {
            return muxer;
        }

        /**
         * Name of the FFmpeg demuxer that reads this format back, as a prober reports it
         * ({@code ffprobe}'s {@code format_name}), e.g. {@code ogg} for Opus.
         */
        public String demuxer() {
            return switch (muxer) {
                case "ipod" -> "mov,mp4,m4a,3gp,3g2,mj2";
                case "opus" -> "ogg";
                default -> muxer;
            };
        }

        /** FFmpeg encoder name, e.g. {@code libmp3lame}. */
        public String encoder() {
            return encoder;
        }

        /**
         * FFmpeg codec name as a prober reports it ({@code ffprobe}'s {@code codec_name}), e.g.
         * {@code mp3} for {@code libmp3lame}; this is not always the decoder name (FFmpeg decodes MP3
         * with {@code mp3float}).
         */
        public String codecName() {
            AVCodec c = avcodec_find_encoder_by_name(encoder);
            return c == null ? encoder : avcodec_get_name(c.id()).getString();
        }

        /** Bits per stored sample, or 0 for lossy formats. */
        public int bitDepth() {
            return bitDepth;
        }

        public boolean lossless() {
            return bitDepth > 0;
        }

        /** File name extension without the dot. */
        public String extension() {
            return extension;
        }

        /** Bit rate used when none is set, in bit/s; 0 when the format has no bit rate setting. */
        public long defaultBitRate() {
            return defaultBitRate;
        }

        /** Whether this FFmpeg build has both the encoder and the muxer. */
        public boolean available() {
            return avcodec_find_encoder_by_name(encoder) != null && av_guess_format(muxer, null, null) != null;
        }
    }

    public static Builder builder(Format format) {
        return new Builder(format);
    }

    /**
     * Settings of one output file. Setters check what they can alone; {@link #open(Path)} checks the
     * combination against the codec (supported sample rates, channel counts) before creating the file.
     */
    public static final class Builder {
        /** Tag keys FFmpeg's MP4 muxer maps to iTunes atoms. */
        public static final List<String> MP4_TAGS = List.of("title", "artist", "album_artist", "album", "composer", "comment",
                "genre", "date", "copyright", "grouping", "lyrics", "description", "track", "disc", "encoder", "compilation");

        private final Format format;
        private int sampleRate;
        private int channels;
        private long bitRate;
        private boolean broadcastWave;
        private final Map<String, String> tags = new LinkedHashMap<>();
        private final Map<String, String> codecOptions = new LinkedHashMap<>();

        private Builder(Format format) {
            this.format = Objects.requireNonNull(format, "format");
        }

        /** Sample rate in Hz (required); must be one the codec supports. */
        public Builder sampleRate(int hz) {
            if (hz <= 0 || hz > 768_000) {
                throw new IllegalArgumentException("sampleRate " + hz + " Hz is out of range; use 1..768000 Hz");
            }
            this.sampleRate = hz;
            return this;
        }

        /** Channel count (required), 1 to 8; MP3 and Opus take 1 or 2, Ogg Vorbis only 2. */
        public Builder channels(int n) {
            if (n < 1 || n > 8) {
                throw new IllegalArgumentException("channels " + n + " is out of range; use 1..8");
            }
            this.channels = n;
            return this;
        }

        /** Bit rate in bit/s for MP3, AAC and Opus; default {@link Format#defaultBitRate()}. */
        public Builder bitRate(long bitsPerSecond) {
            if (format.minBitRate == 0) {
                throw new IllegalArgumentException("bitRate " + bitsPerSecond + " given for " + format + ", which has no bit rate setting"
                        + (format.lossless() ? " (lossless)" : " (FFmpeg's native Vorbis encoder is quality-based)") + "; leave it unset");
            }
            if (bitsPerSecond < format.minBitRate || bitsPerSecond > format.maxBitRate) {
                throw new IllegalArgumentException("bitRate " + bitsPerSecond + " bit/s is out of range for " + format + "; use "
                        + format.minBitRate + ".." + format.maxBitRate);
            }
            this.bitRate = bitsPerSecond;
            return this;
        }

        /**
         * One metadata tag written into the container: ID3v2 (MP3; AIFF gets an ID3 chunk too), Vorbis
         * comment (FLAC, Ogg, Opus), RIFF INFO (WAV: title, artist, album, genre, comment, copyright,
         * date and four-letter INFO ids), iTunes atoms (M4A: only {@link #MP4_TAGS}, others are refused).
         * The key {@code isrc} is written where each container keeps an ISRC (ID3 TSRC, Vorbis ISRC,
         * RIFF ISRC); FFmpeg reads it back as {@code TSRC} or {@code ISRC}.
         */
        public Builder tag(String key, String value) {
            if (key == null || key.isBlank()) {
                throw new IllegalArgumentException("tag key '" + key + "' is empty; give a key such as title or artist");
            }
            if (format.muxer.equals("ipod") && !MP4_TAGS.contains(key)) {
                throw new IllegalArgumentException("tag '" + key + "' cannot be stored in " + format + ": FFmpeg's MP4 muxer writes only the"
                        + " iTunes atoms " + String.join(", ", MP4_TAGS) + "; use another format for it");
            }
            if (value == null) {
                throw new IllegalArgumentException("tag '" + key + "' has a null value");
            }
            tags.put(key, value);
            return this;
        }

        /**
         * An FFmpeg encoder option, e.g. {@code compression_level} (LAME 0 best .. 9 fastest, FLAC 0 .. 12
         * smallest) or {@code aac_coder=fast}; {@link #open(Path)} fails naming it when the encoder has no
         * such option or refuses the value.
         */
        public Builder codecOption(String key, String value) {
            if (key == null || key.isBlank() || value == null) {
                throw new IllegalArgumentException("codec option '" + key + "'='" + value + "' needs a key and a value");
            }
            codecOptions.put(key, value);
            return this;
        }

        public Builder tags(Map<String, String> all) {
            all.forEach(this::tag);
            return this;
        }

        /**
         * Writes a BWF {@code bext} chunk (WAV formats only). Its fields come from the tags
         * {@code description}, {@code originator}, {@code originator_reference}, {@code origination_date}
         * (yyyy-mm-dd), {@code origination_time} (hh:mm:ss), {@code time_reference} (samples since
         * midnight), {@code umid} and {@code coding_history}. FFmpeg's WAV reader reports four of them
         * under generic names: description as {@code comment}, originator as {@code encoded_by},
         * origination_date as {@code date}, origination_time as {@code creation_time}.
         */
        public Builder broadcastWave(boolean on) {
            if (on && !format.muxer.equals("wav")) {
                throw new IllegalArgumentException("broadcastWave given for " + format + "; a bext chunk exists only in WAV formats");
            }
            this.broadcastWave = on;
            return this;
        }

        public Format format() {
            return format;
        }

        /**
         * Checks the settings against this FFmpeg build's codec and creates {@code file}.
         *
         * @throws IllegalArgumentException naming the bad value when the codec cannot take the settings
         * @throws IllegalStateException    when this FFmpeg build lacks the encoder or muxer
         * @throws IOException              when FFmpeg cannot create or start the file
         */
        public AudioEncoder open(Path file) throws IOException {
            Objects.requireNonNull(file, "file");
            AVCodec codec = validate();
            AudioEncoder e = new AudioEncoder(this, file);
            try {
                e.start(codec);
                return e;
            } catch (IOException | RuntimeException ex) {
                e.failed = true;
                e.closeQuietly();
                throw ex;
            }
        }

        private AVCodec validate() {
            if (sampleRate == 0) {
                throw new IllegalArgumentException("sampleRate is not set for " + format);
            }
            if (channels == 0) {
                throw new IllegalArgumentException("channels is not set for " + format);
            }
            AVCodec codec = avcodec_find_encoder_by_name(format.encoder);
            if (codec == null) {
                throw new IllegalStateException("this FFmpeg build has no " + format.encoder + " encoder, so " + format + " cannot be written");
            }
            if (av_guess_format(format.muxer, null, null) == null) {
                throw new IllegalStateException("this FFmpeg build has no " + format.muxer + " muxer, so " + format + " cannot be written");
            }
            List<Integer> rates = supportedInts(codec, AV_CODEC_CONFIG_SAMPLE_RATE);
            if (!rates.isEmpty() && !rates.contains(sampleRate)) {
                throw new IllegalArgumentException("sampleRate " + sampleRate + " Hz is not supported by the " + format.encoder + " encoder ("
                        + format + "); use one of " + rates.stream().sorted().map(String::valueOf).collect(Collectors.joining(", ")) + " Hz");
            }
            if (format == Format.MP3 && bitRate > maxMp3BitRate(sampleRate)) {
                throw new IllegalArgumentException("bitRate " + bitRate + " bit/s is above the MPEG layer III maximum of "
                        + maxMp3BitRate(sampleRate) + " bit/s at " + sampleRate + " Hz; lower it or raise the sample rate to 32000 Hz or more");
            }
            int maxChannels = switch (format) {
                case MP3, OPUS, WMA_V2 -> 2;
                default -> 8;
            };
            if (format == Format.OGG_VORBIS && channels != 2) {
                throw new IllegalArgumentException("channels " + channels + " is not supported for OGG_VORBIS: FFmpeg's native vorbis encoder"
                        + " writes stereo only (this build has no libvorbis); use 2 channels or another format");
            }
            if (channels > maxChannels) {
                throw new IllegalArgumentException("channels " + channels + " is not supported by " + format + "; use at most " + maxChannels);
            }
            return codec;
        }
    }

    /** Highest MP3 bit rate at a sample rate: MPEG-1 (32-48 kHz) 320, MPEG-2 (16-24 kHz) 160, MPEG-2.5 64 kbit/s. */
    static long maxMp3BitRate(int sampleRate) {
        return sampleRate >= 32_000 ? 320_000 : sampleRate >= 16_000 ? 160_000 : 64_000;
    }

    /** Integer list of one supported-config kind of {@code codec}; empty when the codec takes any value. */
    static List<Integer> supportedInts(AVCodec codec, int config) {
        List<Integer> out = new ArrayList<>();
        try (PointerPointer<Pointer> holder = new PointerPointer<>(1); IntPointer count = new IntPointer(1)) {
            int r = avcodec_get_supported_config(null, codec, config, 0, holder, count);
            Pointer values = holder.get(0);
            if (r < 0 || values == null || values.isNull()) {
                return out;
            }
            IntPointer ints = new IntPointer(values);
            for (int i = 0; i < count.get(); i++) {
                out.add(ints.get(i));
            }
        }
        return out;
    }

    private final Format format;
    private final Path file;
    private final int sampleRate;
    private final int channels;
    private final long bitRate;
    private final boolean broadcastWave;
    private final Map<String, String> tags;
    private final Map<String, String> codecOptions;

    private AVFormatContext oc;
    private AVCodecContext ctx;
    private AVStream stream;
    private SwrContext swr;
    private AVFrame frame;
    private AVPacket packet;
    // Planar float staging buffer of one codec frame: write() fills it, a full buffer becomes one frame.
    private FloatPointer[] planes;
    private PointerPointer<FloatPointer> planePointers;
    private int frameSamples;
    private int buffered;
    private long samplesSent;
    private long samplesWritten;
    private boolean failed;
    private boolean closed;
    private boolean created; // the file exists because of us: delete it if writing fails

    private AudioEncoder(Builder b, Path file) {
        this.format = b.format;
        this.file = file;
        this.sampleRate = b.sampleRate;
        this.channels = b.channels;
        long defaultRate = b.format == Format.MP3 ? Math.min(b.format.defaultBitRate, maxMp3BitRate(b.sampleRate)) : b.format.defaultBitRate;
        this.bitRate = b.bitRate > 0 ? b.bitRate : defaultRate;
        this.broadcastWave = b.broadcastWave;
        this.tags = Map.copyOf(b.tags);
        this.codecOptions = new LinkedHashMap<>(b.codecOptions);
    }

    private void start(AVCodec codec) throws IOException {
        oc = new AVFormatContext(null);
        check(avformat_alloc_output_context2(oc, null, format.muxer, file.toString()), "cannot create the " + format.muxer + " container");
        AVOutputFormat ofmt = oc.oformat();
        // same input, same bytes: no random Ogg serial numbers, creation times or library version tags
        check(av_opt_set(oc, "fflags", "+bitexact", 0), "cannot set the bitexact flag");

        ctx = avcodec_alloc_context3(codec);
        ctx.sample_rate(sampleRate);
        av_channel_layout_default(ctx.ch_layout(), channels);
        ctx.sample_fmt(chooseSampleFormat(codec));
        if (format.bitDepth == 24) {
            ctx.bits_per_raw_sample(24);
        }
        if (format.defaultBitRate > 0) {
            ctx.bit_rate(bitRate);
        }
        ctx.time_base(av_make_q(1, sampleRate));
        ctx.flags(ctx.flags() | AV_CODEC_FLAG_BITEXACT);
        if ((codec.capabilities() & AV_CODEC_CAP_EXPERIMENTAL) != 0) {
            ctx.strict_std_compliance(FF_COMPLIANCE_EXPERIMENTAL);
        }
        if ((ofmt.flags() & AVFMT_GLOBALHEADER) != 0) {
            ctx.flags(ctx.flags() | AV_CODEC_FLAG_GLOBAL_HEADER);
        }
        AVDictionary opts = new AVDictionary(null);
        try {
            for (Map.Entry<String, String> o : codecOptions.entrySet()) {
                av_dict_set(opts, o.getKey(), o.getValue(), 0);
            }
            int r = avcodec_open2(ctx, codec, opts);
            if (r < 0 && !codecOptions.isEmpty()) {
                throw new IllegalArgumentException("the " + format.encoder + " encoder refused the options " + codecOptions + " ("
                        + error(r) + ")");
            }
            check(r, "cannot open the " + format.encoder + " encoder at " + sampleRate + " Hz, " + channels + " ch");
            AVDictionaryEntry unused = av_dict_get(opts, "", (AVDictionaryEntry) null, AV_DICT_IGNORE_SUFFIX);
            if (unused != null) {
                throw new IllegalArgumentException("codec option '" + unused.key().getString() + "' is not an option of the "
                        + format.encoder + " encoder");
            }
        } finally {
            av_dict_free(opts);
        }

        stream = avformat_new_stream(oc, null);
        if (stream == null) {
            throw new IOException(file + ": cannot add an audio stream");
        }
        stream.time_base(av_make_q(1, sampleRate));
        check(avcodec_parameters_from_context(stream.codecpar(), ctx), "cannot copy the codec parameters");

        AVDictionary metadata = new AVDictionary(null);
        for (Map.Entry<String, String> t : tags.entrySet()) {
            av_dict_set(metadata, containerKey(format, t.getKey()), t.getValue(), 0);
        }
        oc.metadata(metadata);

        boolean variable = (codec.capabilities() & AV_CODEC_CAP_VARIABLE_FRAME_SIZE) != 0 || ctx.frame_size() <= 0;
        frameSamples = variable ? VARIABLE_FRAME_SAMPLES : ctx.frame_size();

        try (PointerPointer<SwrContext> holder = new PointerPointer<>(1)) {
            // swr_alloc_set_opts2 reuses *ps when it is not null: JavaCPP does not zero new arrays
            holder.put(0, (Pointer) null);
            check(swr_alloc_set_opts2(holder, ctx.ch_layout(), ctx.sample_fmt(), sampleRate, ctx.ch_layout(), AV_SAMPLE_FMT_FLTP,
                    sampleRate, 0, null), "cannot set up the sample format converter");
            swr = holder.get(SwrContext.class, 0);
        }
        check(swr_init(swr), "cannot initialise the sample format converter");

        frame = av_frame_alloc();
        frame.format(ctx.sample_fmt());
        frame.sample_rate(sampleRate);
        frame.nb_samples(frameSamples);
        check(av_channel_layout_copy(frame.ch_layout(), ctx.ch_layout()), "cannot set the channel layout");
        check(av_frame_get_buffer(frame, 0), "cannot allocate a frame");
        packet = av_packet_alloc();

        planes = new FloatPointer[channels];
        planePointers = new PointerPointer<>(channels);
        for (int c = 0; c < channels; c++) {
            planes[c] = new FloatPointer(frameSamples);
            planePointers.put(c, planes[c]);
        }

        if ((ofmt.flags() & AVFMT_NOFILE) == 0) {
            AVIOContext pb = new AVIOContext(null);
            check(avio_open(pb, file.toString(), AVIO_FLAG_WRITE), "cannot create the file");
            created = true;
            oc.pb(pb);
        }
        AVDictionary options = new AVDictionary(null);
        if (broadcastWave) {
            av_dict_set(options, "write_bext", "1", 0);
        }
        if (!tags.isEmpty() && ofmt.name().getString().equals("aiff")) {
            // AIFF's own chunks hold only title, author, copyright and comment; an ID3 chunk holds the rest
            av_dict_set(options, "write_id3v2", "1", 0);
        }
        try {
            check(avformat_write_header(oc, options), "cannot write the " + format.muxer + " header");
            AVDictionaryEntry unused = av_dict_get(options, "", (AVDictionaryEntry) null, AV_DICT_IGNORE_SUFFIX);
            if (unused != null) {
                throw new IllegalStateException("the " + format.muxer + " muxer ignored option " + unused.key().getString());
            }
        } finally {
            av_dict_free(options);
        }
    }

    /** The container's key for a tag: {@code isrc} becomes ID3's TSRC frame or the ISRC field. */
    static String containerKey(Format format, String key) {
        if (!key.equalsIgnoreCase("isrc")) {
            return key;
        }
        return switch (format.muxer) {
            case "mp3", "aiff" -> "TSRC";
            default -> "ISRC";
        };
    }

    private int chooseSampleFormat(AVCodec codec) {
        List<Integer> fmts = supportedInts(codec, AV_CODEC_CONFIG_SAMPLE_FORMAT);
        int[] preference = switch (format.bitDepth) {
            case 16 -> new int[] {AV_SAMPLE_FMT_S16, AV_SAMPLE_FMT_S16P};
            case 24 -> new int[] {AV_SAMPLE_FMT_S32, AV_SAMPLE_FMT_S32P};
            case 32 -> new int[] {AV_SAMPLE_FMT_FLT, AV_SAMPLE_FMT_FLTP};
            // lossy: give the codec floats when it takes them, so nothing is quantised before it
            default -> new int[] {AV_SAMPLE_FMT_FLTP, AV_SAMPLE_FMT_FLT, AV_SAMPLE_FMT_S32P, AV_SAMPLE_FMT_S32,
                AV_SAMPLE_FMT_S16P, AV_SAMPLE_FMT_S16};
        };
        for (int p : preference) {
            if (fmts.isEmpty() || fmts.contains(p)) {
                return p;
            }
        }
        throw new IllegalStateException("the " + format.encoder + " encoder takes none of the sample formats " + format + " needs (it takes "
                + fmts.stream().map(f -> av_get_sample_fmt_name(f).getString()).collect(Collectors.joining(", ")) + ")");
    }

    /**
     * Appends {@code frames} samples per channel from {@code planar[c][0..frames)}.
     *
     * @throws IllegalArgumentException when the array does not have one row per channel of at least {@code frames}
     */
    public void write(float[][] planar, int frames) throws IOException {
        write(planar, 0, frames);
    }

    /** Appends {@code planar[c][offset..offset+frames)} for every channel. */
    public void write(float[][] planar, int offset, int frames) throws IOException {
        ensureOpen();
        if (planar.length != channels) {
            throw new IllegalArgumentException("write got " + planar.length + " channel arrays; this encoder was opened with " + channels);
        }
        for (float[] row : planar) {
            if (offset < 0 || frames < 0 || row.length < offset + frames) {
                throw new IllegalArgumentException("write of " + frames + " frames at offset " + offset + " overruns a channel array of "
                        + row.length);
            }
        }
        int done = 0;
        try {
            while (done < frames) {
                int n = Math.min(frames - done, frameSamples - buffered);
                for (int c = 0; c < channels; c++) {
                    planes[c].position(buffered).put(planar[c], offset + done, n);
                    planes[c].position(0);
                }
                buffered += n;
                done += n;
                samplesWritten += n;
                if (buffered == frameSamples) {
                    encodeBuffered();
                }
            }
        } catch (IOException | RuntimeException e) {
            failed = true;
            throw e;
        }
    }

    /** Renders and appends the whole of {@code signal}, block by block. */
    public void write(Signal signal) throws IOException {
        if (signal.channels() != channels) {
            throw new IllegalArgumentException("signal has " + signal.channels() + " channels; this encoder was opened with " + channels);
        }
        float[][] block = new float[channels][VARIABLE_FRAME_SAMPLES];
        for (long start = 0; start < signal.frames(); start += VARIABLE_FRAME_SAMPLES) {
            int n = (int) Math.min(VARIABLE_FRAME_SAMPLES, signal.frames() - start);
            signal.render(start, block, n);
            write(block, 0, n);
        }
    }

    /** Samples per channel accepted so far. */
    public long framesWritten() {
        return samplesWritten;
    }

    public Format format() {
        return format;
    }

    public Path file() {
        return file;
    }

    private void encodeBuffered() throws IOException {
        if (buffered == 0) {
            return;
        }
        check(av_frame_make_writable(frame), "cannot make the frame writable");
        frame.nb_samples(buffered);
        int n = swr_convert(swr, frame.extended_data(), buffered, planePointers, buffered);
        if (n != buffered) {
            throw new IOException(file + ": the sample format converter returned " + n + " samples for " + buffered
                    + (n < 0 ? " (" + error(n) + ")" : ""));
        }
        frame.pts(samplesSent);
        samplesSent += buffered;
        buffered = 0;
        check(avcodec_send_frame(ctx, frame), "the " + format.encoder + " encoder rejected a frame");
        drainPackets();
    }

    private void drainPackets() throws IOException {
        while (true) {
            int r = avcodec_receive_packet(ctx, packet);
            if (r == AVERROR_EAGAIN() || r == AVERROR_EOF()) {
                return;
            }
            check(r, "the " + format.encoder + " encoder failed");
            av_packet_rescale_ts(packet, ctx.time_base(), stream.time_base());
            packet.stream_index(stream.index());
            // takes ownership of the packet's data and leaves it blank for the next receive
            check(av_interleaved_write_frame(oc, packet), "cannot write a packet");
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException(file + ": the encoder is closed");
        }
        if (failed) {
            throw new IllegalStateException(file + ": an earlier write failed; the file is incomplete");
        }
    }

    private void check(int r, String what) throws IOException {
        if (r < 0) {
            throw new IOException(file + ": " + what + " (" + error(r) + ")");
        }
    }

    static String error(int code) {
        try (BytePointer buf = new BytePointer(256)) {
            av_strerror(code, buf, 256);
            // getString() reads the whole 256-byte buffer (limit = capacity): cut at the terminator
            String s = buf.getString();
            int end = s.indexOf('\0');
            return end < 0 ? s : s.substring(0, end);
        }
    }

    /**
     * Encodes what is buffered, drains the encoder and writes the trailer. After a failed write it
     * only releases the natives and deletes the incomplete file.
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        try {
            if (!failed) {
                try {
                    encodeBuffered();
                    check(avcodec_send_frame(ctx, null), "cannot flush the " + format.encoder + " encoder");
                    drainPackets();
                    check(av_write_trailer(oc), "cannot write the " + format.muxer + " trailer");
                } catch (IOException | RuntimeException e) {
                    failed = true;
                    throw e;
                }
            }
        } finally {
            closeQuietly();
        }
    }

    private void closeQuietly() {
        closed = true;
        if (packet != null) {
            av_packet_free(packet);
            packet = null;
        }
        if (frame != null) {
            av_frame_free(frame);
            frame = null;
        }
        if (swr != null && !swr.isNull()) {
            swr_free(swr);
        }
        swr = null;
        if (planes != null) {
            for (FloatPointer p : planes) {
                p.close();
            }
            planes = null;
            planePointers.close();
        }
        if (ctx != null) {
            avcodec_free_context(ctx);
            ctx = null;
        }
        if (oc != null && !oc.isNull()) {
            if ((oc.oformat().flags() & AVFMT_NOFILE) == 0 && oc.pb() != null && !oc.pb().isNull()) {
                avio_closep(oc.pb());
            }
            avformat_free_context(oc);
        }
        oc = null;
        if (failed && created) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // the caller already has the failure that matters
            }
        }
    }
}
