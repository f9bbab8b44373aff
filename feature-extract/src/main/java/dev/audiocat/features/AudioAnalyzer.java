package dev.audiocat.features;

import dev.audiocat.features.decode.AudioDecoder;
import dev.audiocat.features.decode.BatchingSink;
import dev.audiocat.features.decode.DecodeException;
import dev.audiocat.features.decode.PcmHasher;
import dev.audiocat.features.decode.PcmSink;
import dev.audiocat.features.decode.PcmTee;
import dev.audiocat.features.dsp.FrameDispatcher;
import dev.audiocat.features.dsp.FrameProcessor;
import dev.audiocat.features.fingerprint.ChromaprintSink;
import dev.audiocat.features.fingerprint.LandmarkExtractor;
import dev.audiocat.features.loudness.LoudnessMeter;
import dev.audiocat.features.quality.QualityChecker;
import dev.audiocat.features.rhythm.TempoEstimator;
import dev.audiocat.features.tonal.KeyDetector;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Analyses one file in a single streaming pass: hash the bytes, decode once, and feed the native
 * channels and the mono analysis stream to every analysis at the same time. Usable without Beam.
 *
 * <pre>{@code
 * AnalysisResult r = AudioAnalyzer.builder().timeLimitMillis(600_000).build().analyze(Path.of("a.flac"));
 * }</pre>
 *
 * <p>Instances are cheap and not thread-safe; use one per thread.
 */
public final class AudioAnalyzer {

    /** Rate of the mono stream that musical analysis, hashing and models see. */
    public static final int ANALYSIS_RATE = 22050;
    /** STFT frame for the mono analysis stream (93 ms at 22.05 kHz). */
    public static final int FRAME_SIZE = 2048;
    /** Hop between frames (23 ms at 22.05 kHz). */
    public static final int HOP = 512;

    /**
     * Samples per channel the decoder's packets are gathered into before the sinks see them (1.4 s at
     * 48 kHz; 1.5 s of the analysis stream): 1–7 % less CPU for the whole analysis than packet-sized
     * blocks, interleaved A/B in docs/benchmarks.md ("Throughput").
     */
    static final int NATIVE_BATCH = 1 << 16;
    static final int MONO_BATCH = 1 << 15;

    private final long timeLimitMillis;
    private final boolean fingerprints;

    private AudioAnalyzer(Builder b) {
        this.timeLimitMillis = b.timeLimitMillis;
        this.fingerprints = b.fingerprints;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Analyses {@code file}.
     *
     * @throws DecodeException when FFmpeg cannot open or decode it; {@link DecodeException#reason()} says why
     * @throws IOException     when the file cannot be read
     */
    public AnalysisResult analyze(Path file) throws DecodeException, IOException {
        return analyze(file, List.of());
    }

    /**
     * As {@link #analyze(Path)}, also feeding {@code extraStages} (for example the model front end
     * of tagging-models) from the same pass; their results are read from the stages afterwards.
     */
    public AnalysisResult analyze(Path file, List<? extends FrameProcessor> extraStages) throws DecodeException, IOException {
        long t0 = System.nanoTime();
        String assetId = sha256(file);
        long size = Files.size(file);
        try (AudioDecoder decoder = AudioDecoder.open(file, timeLimitMillis)) {
            LoudnessMeter loudness = new LoudnessMeter();
            PcmHasher pcmHash = new PcmHasher();
            KeyDetector key = new KeyDetector();
            TempoEstimator tempo = new TempoEstimator();
            QualityChecker qc = new QualityChecker(QualityChecker.isLossyCodec(decoder.probe().codec()), decoder.probe().declaredDurationSeconds(),
                    decoder.probe().endMissing());
            List<FrameProcessor> frameStages = new ArrayList<>(extraStages);
            frameStages.addAll(List.of(key, tempo));
            List<PcmSink> nativeSinks = new ArrayList<>(List.of(loudness, qc.nativeSink()));
            LandmarkExtractor landmarks = null;
            ChromaprintSink chromaprint = null;
            if (fingerprints) {
                landmarks = new LandmarkExtractor();
                frameStages.add(landmarks);
                chromaprint = ChromaprintSink.forProbe(decoder.probe());
                nativeSinks.add(chromaprint);
            }
            List<PcmSink> monoSinks = new ArrayList<>(List.of(pcmHash, qc.monoSink()));
            FrameDispatcher frames = new FrameDispatcher(FRAME_SIZE, HOP, frameStages);
            monoSinks.add(frames);
            // batched: many packets decoded, then many blocks analysed, each with warm caches (same
            // samples, same results but for the last bits of the loudness sums)
            long nativeFrames = decoder.decode(new BatchingSink(new PcmTee(nativeSinks), NATIVE_BATCH), ANALYSIS_RATE,
                    new BatchingSink(new PcmTee(monoSinks), MONO_BATCH));
            double duration = nativeFrames / (double) decoder.probe().sampleRate();
            return new AnalysisResult(
                    assetId,
                    pcmHash.hex(),
                    size,
                    decoder.probe(),
                    duration,
                    loudness.result(),
                    key.result(),
                    tempo.result(),
                    qc.flags(),
                    chromaprint == null ? null : chromaprint.fingerprint(),
                    landmarks == null ? null : landmarks.result(),
                    (System.nanoTime() - t0) / 1_000_000);
        }
    }

    /** SHA-256 of a file's bytes, streamed: the {@code asset_id}. */
    public static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    public static final class Builder {
        private long timeLimitMillis = 0;
        private boolean fingerprints = true;

        /**
         * Whether to compute the Chromaprint and landmark fingerprints (default true). Without them
         * the pass computes identity, loudness, key, tempo and QC only; the two result fields are null.
         */
        public Builder fingerprints(boolean compute) {
            this.fingerprints = compute;
            return this;
        }

        /** Wall-clock limit per file; 0 (the default) means none. */
        public Builder timeLimitMillis(long millis) {
            if (millis < 0) {
                throw new IllegalArgumentException("time limit must be >= 0 ms, got " + millis);
            }
            this.timeLimitMillis = millis;
            return this;
        }

        public AudioAnalyzer build() {
            return new AudioAnalyzer(this);
        }
    }
}
