package dev.audiocat.features.rhythm;

import dev.audiocat.features.AudioAnalyzer;
import dev.audiocat.features.decode.AudioDecoder;
import dev.audiocat.features.decode.PcmSink;
import dev.audiocat.features.dsp.FrameDispatcher;
import dev.audiocat.features.dsp.FrameProcessor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The tempo of each file as the analysis reads it, with the loop test's statistics ({@link TempoEstimator#loopTempo}):
 * one line per file. Usage: {@code LoopCheck FILE...}.
 */
public final class LoopCheck {

    public static void main(String[] args) throws Exception {
        for (String a : args) {
            TempoEstimate e = estimate(Path.of(a));
            System.out.println(line(Path.of(a).getFileName().toString(), e, last));
        }
    }

    static double[] last = new double[0];
    /** The last file's tempo without the loop test. */
    static TempoEstimate before;

    /** Decodes {@code file} as {@link AudioAnalyzer} does and returns its tempo; {@link #last} holds the loop statistics. */
    static TempoEstimate estimate(Path file) throws Exception {
        TempoEstimator t = new TempoEstimator();
        try (AudioDecoder d = AudioDecoder.open(file)) {
            d.decode(PcmSink.DISCARD, AudioAnalyzer.ANALYSIS_RATE,
                    new FrameDispatcher(AudioAnalyzer.FRAME_SIZE, AudioAnalyzer.HOP, new ArrayList<FrameProcessor>(List.of(t))));
        }
        last = t.loopStats;
        before = t.withoutLoops;
        return t.result();
    }

    static String line(String name, TempoEstimate e, double[] s) {
        String stats = s.length == 0 ? "" : String.format(Locale.ROOT, "sounding %.0f/%.0f salience %.2f offgrid %.2f peaks %.0f %.2f s",
                s[0], s[1], s[2], s[3], s[4], s[5]);
        return String.format(Locale.ROOT, "%-28s %7s %5.2f  %s", name, e.bpm() == null ? "-" : String.format(Locale.ROOT, "%.1f", e.bpm()),
                e.confidence(), stats);
    }
}
