package dev.audiocat.features;

import dev.audiocat.features.decode.AudioDecoder;
import dev.audiocat.features.decode.BatchingSink;
import dev.audiocat.features.decode.PcmHasher;
import dev.audiocat.features.decode.PcmSink;
import dev.audiocat.features.decode.PcmTee;
import dev.audiocat.features.dsp.FrameDispatcher;
import dev.audiocat.features.dsp.FrameProcessor;
import dev.audiocat.features.loudness.LoudnessMeter;
import dev.audiocat.features.quality.QualityChecker;
import dev.audiocat.features.rhythm.TempoEstimator;
import dev.audiocat.features.tonal.KeyDetector;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Interleaved A/B in one JVM (CPU time of this thread): the analysis pass wired as {@link AudioAnalyzer}
 * does (without fingerprints) fed the decoder's packet-sized blocks vs {@link BatchingSink}'s blocks, on the
 * first LIMIT audio files of DIR; prints every file whose results differ. Not a test. Arguments:
 * {@code DIR REPS NATIVE_BATCH LIMIT [fft|profile]} (the mono stream gets NATIVE_BATCH / 2; {@code profile}
 * runs the shipped variant alone, REPS times over the files, e.g. under JFR). With {@code fft},
 * both variants are batched and the frame FFT differs instead: JTransforms ({@code -Daudiocat.fft=java})
 * vs FFmpeg's av_tx ({@link dev.audiocat.features.dsp.RealFft}, the shipped one).
 */
public final class AnalysisBatchAB {
    static double seconds;

    static String run(Path file, int batch, String fft) throws Exception {
        System.setProperty("audiocat.fft", fft);
        try (AudioDecoder decoder = AudioDecoder.open(file, 0)) {
            LoudnessMeter loudness = new LoudnessMeter();
            PcmHasher pcmHash = new PcmHasher();
            KeyDetector key = new KeyDetector();
            TempoEstimator tempo = new TempoEstimator();
            QualityChecker qc = new QualityChecker(QualityChecker.isLossyCodec(decoder.probe().codec()));
            List<FrameProcessor> frameStages = new ArrayList<>(List.of(key, tempo));
            List<PcmSink> nativeSinks = new ArrayList<>(List.of(loudness, qc.nativeSink()));
            List<PcmSink> monoSinks = new ArrayList<>(List.of(pcmHash, qc.monoSink()));
            monoSinks.add(new FrameDispatcher(AudioAnalyzer.FRAME_SIZE, AudioAnalyzer.HOP, frameStages));
            PcmSink n = new PcmTee(nativeSinks);
            PcmSink m = new PcmTee(monoSinks);
            if (batch > 0) {
                n = new BatchingSink(n, batch);
                m = new BatchingSink(m, batch / 2); // AudioAnalyzer ships NATIVE_BATCH = 65536, MONO_BATCH = 32768
            }
            long frames = decoder.decode(n, AudioAnalyzer.ANALYSIS_RATE, m);
            seconds = frames / (double) decoder.probe().sampleRate();
            return pcmHash.hex() + " " + loudness.result() + " " + key.result() + " " + tempo.result() + " " + qc.flags();
        }
    }

    public static void main(String[] args) throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.list(Path.of(args[0]))) {
            files = s.filter(Files::isRegularFile).filter(p -> !p.toString().endsWith(".mid")).sorted().limit(Integer.parseInt(args[3])).toList();
        }
        int reps = Integer.parseInt(args[1]);
        int batch = Integer.parseInt(args[2]);
        boolean fftMode = args.length > 4 && args[4].equals("fft");
        if (args.length > 4 && args[4].equals("profile")) { // the shipped variant only, e.g. under JFR
            for (int r = 0; r < reps; r++) {
                double audio = 0;
                long c0 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
                for (Path p : files) {
                    run(p, batch, "native");
                    audio += seconds;
                }
                double cpu = (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - c0) / 1e9;
                System.out.printf(Locale.ROOT, "rep %d: %.0f s of audio in %.2f s CPU = %.0fx%n", r, audio, cpu, audio / cpu);
            }
            return;
        }
        String[] names = fftMode ? new String[] {"JTransforms", "av_tx"} : new String[] {"decoder blocks", "batched"};
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        double total = 0;
        for (Path p : files) {
            run(p, batch, "native");
            total += seconds;
        }
        int continuousOnly = 0;
        for (int r = 0; r < reps; r++) {
            double[] cpu = new double[2];
            for (int f = 0; f < files.size(); f++) {
                String[] res = new String[2];
                for (int k = 0; k < 2; k++) {
                    int v = (k + f + r) % 2;
                    long c0 = mx.getCurrentThreadCpuTime();
                    res[v] = fftMode ? run(files.get(f), batch, v == 0 ? "java" : "native")
                            : run(files.get(f), v == 0 ? 0 : batch, "native");
                    cpu[v] += (mx.getCurrentThreadCpuTime() - c0) / 1e9;
                }
                if (!res[0].equals(res[1])) {
                    // key confidence and tuning estimate are continuous: count those differences, print the others
                    String continuous = "confidence=[0-9.E-]+|tuningHz=[0-9.E-]+";
                    if (res[0].replaceAll(continuous, "").equals(res[1].replaceAll(continuous, ""))) {
                        continuousOnly++;
                    } else {
                        System.out.println("DIFFERENT " + files.get(f) + "\n  " + res[0] + "\n  " + res[1]);
                    }
                }
            }
            System.out.printf(Locale.ROOT, "rep %d (%d files, %.0f s): %s %.2f s = %.0fx, %s %.2f s = %.0fx; file runs differing only in key confidence/tuning so far: %d%n",
                    r, files.size(), total, names[0], cpu[0], total / cpu[0], names[1], cpu[1], total / cpu[1], continuousOnly);
        }
    }
}
