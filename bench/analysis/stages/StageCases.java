import dev.audiocat.features.AudioAnalyzer;
import dev.audiocat.features.decode.AudioDecoder;
import dev.audiocat.features.decode.PcmHasher;
import dev.audiocat.features.decode.PcmSink;
import dev.audiocat.features.dsp.FrameDispatcher;
import dev.audiocat.features.loudness.LoudnessMeter;
import dev.audiocat.features.quality.QualityChecker;
import dev.audiocat.features.rhythm.TempoEstimator;
import dev.audiocat.features.tonal.KeyDetector;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The stages of issue 3's analysis, one at a time, fed from PCM decoded once into memory (blocks as
 * the decoder delivers them). Compiled against one build of feature-extract and loaded in a class
 * loader of its own per build, so StageBench can alternate builds in one JVM. Talks to StageBench in
 * plain Java types only: a recording is {rate, channels, List<float[][]> blocks, int[] sizes}.
 */
public final class StageCases {

    public static final List<String> CASES = List.of("loudness", "qc-native", "qc-hum", "pcm-hash", "frames", "frames+key",
            "frames+tempo", "decode", "decode-native", "lean");

    private static final class Recorder implements PcmSink {
        int rate;
        int channels;
        final List<float[][]> blocks = new ArrayList<>();
        final List<Integer> sizes = new ArrayList<>();

        @Override
        public void start(int sampleRate, int channelCount) {
            rate = sampleRate;
            channels = channelCount;
        }

        @Override
        public void accept(float[][] data, int frames) {
            float[][] copy = new float[data.length][];
            for (int c = 0; c < data.length; c++) {
                copy[c] = Arrays.copyOf(data[c], frames);
            }
            blocks.add(copy);
            sizes.add(frames);
        }

        @Override
        public void finish() {
        }

        Object[] plain() {
            return new Object[] {rate, channels, blocks, sizes.stream().mapToInt(Integer::intValue).toArray()};
        }
    }

    /** Per file: {native recording, mono recording, seconds, path}. */
    public static List<Object[]> record(List<String> files) throws Exception {
        List<Object[]> out = new ArrayList<>();
        for (String f : files) {
            try (AudioDecoder d = AudioDecoder.open(Path.of(f))) {
                Recorder nat = new Recorder();
                Recorder mono = new Recorder();
                long frames = d.decode(nat, AudioAnalyzer.ANALYSIS_RATE, mono);
                out.add(new Object[] {nat.plain(), mono.plain(), frames / (double) d.probe().sampleRate(), f});
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static void replay(Object[] rec, PcmSink sink) {
        List<float[][]> blocks = (List<float[][]>) rec[2];
        int[] sizes = (int[]) rec[3];
        sink.start((Integer) rec[0], (Integer) rec[1]);
        for (int i = 0; i < sizes.length; i++) {
            sink.accept(blocks.get(i), sizes[i]);
        }
        sink.finish();
    }

    /** Runs one case over every recording; returns a value derived from the results so none is dead code. */
    public static double run(String name, List<Object[]> recordings) throws Exception {
        double h = 0;
        for (Object[] r : recordings) {
            Object[] nat = (Object[]) r[0];
            Object[] mono = (Object[]) r[1];
            Path file = Path.of((String) r[3]);
            switch (name) {
                case "loudness" -> {
                    LoudnessMeter m = new LoudnessMeter();
                    replay(nat, m);
                    h += m.result().integratedLufs();
                }
                case "qc-native" -> { // ChannelChecks + BandwidthMeter
                    QualityChecker q = new QualityChecker(false);
                    replay(nat, q.nativeSink());
                    h += q.bandwidthHz();
                }
                case "qc-hum" -> replay(mono, new QualityChecker(false).monoSink());
                case "pcm-hash" -> {
                    PcmHasher p = new PcmHasher();
                    replay(mono, p);
                    h += p.hex().hashCode();
                }
                case "frames" -> replay(mono, new FrameDispatcher(AudioAnalyzer.FRAME_SIZE, AudioAnalyzer.HOP, List.of()));
                case "frames+key" -> {
                    KeyDetector k = new KeyDetector();
                    replay(mono, new FrameDispatcher(AudioAnalyzer.FRAME_SIZE, AudioAnalyzer.HOP, List.of(k)));
                    h += k.result() == null ? 0 : k.result().confidence();
                }
                case "frames+tempo" -> {
                    TempoEstimator t = new TempoEstimator();
                    replay(mono, new FrameDispatcher(AudioAnalyzer.FRAME_SIZE, AudioAnalyzer.HOP, List.of(t)));
                    h += t.result().bpm();
                }
                case "decode" -> {
                    try (AudioDecoder d = AudioDecoder.open(file)) {
                        h += d.decode(PcmSink.DISCARD, AudioAnalyzer.ANALYSIS_RATE, PcmSink.DISCARD);
                    }
                }
                case "decode-native" -> {
                    try (AudioDecoder d = AudioDecoder.open(file)) {
                        h += d.decode(PcmSink.DISCARD, AudioAnalyzer.ANALYSIS_RATE, null);
                    }
                }
                case "lean" -> h += AudioAnalyzer.builder().fingerprints(false).build().analyze(file).durationSeconds();
                default -> throw new IllegalArgumentException("unknown case " + name + "; one of " + CASES);
            }
        }
        return h;
    }
}
