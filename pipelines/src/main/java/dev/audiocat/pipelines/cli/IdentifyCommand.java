package dev.audiocat.pipelines.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.audiocat.features.fingerprint.ExcerptMatch;
import dev.audiocat.features.fingerprint.ExcerptMatcher;
import dev.audiocat.features.fingerprint.LandmarkExtractor;
import dev.audiocat.features.fingerprint.LandmarkHashes;
import dev.audiocat.features.fingerprint.ReferenceIndex;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code audiocat identify <clip> [--json]}: which references does this clip contain? */
@Command(name = "identify", mixinStandardHelpOptions = true,
        description = "Find the references (see 'audiocat references add') that a clip contains, best match first; "
                + "survives noise, lossy coding, band-limiting, reverb, gain, time stretch, speed and pitch changes.")
public final class IdentifyCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "CLIP", description = "an audio file (any format FFmpeg decodes)")
    Path clip;

    @Option(names = "--json", description = "print one JSON object: query, elapsed_ms and matches[]")
    boolean json;

    @Option(names = "--index", paramLabel = "DIR", description = "reference index folder (default: $AUDIOCAT_HOME/references)")
    Path index;

    @Option(names = "--min-score", paramLabel = "N", description = "answer 'no match' below this score (default: calibrated "
            + ExcerptMatcher.DEFAULT_MIN_SCORE + ")")
    Integer minScore;

    @Option(names = "--min-verification", paramLabel = "F", description = "answer 'no match' when fewer peaks than this "
            + "chance-corrected fraction agree with the voted alignment (default: calibrated " + ExcerptMatcher.DEFAULT_MIN_VERIFICATION + ")")
    Double minVerification;

    @Option(names = "--max", paramLabel = "N", defaultValue = "5", description = "at most this many matches (default: ${DEFAULT-VALUE})")
    int max;

    @Override
    public Integer call() throws Exception {
        Path dir = index != null ? index : ReferencesCommand.defaultIndex();
        if (!Files.exists(dir.resolve(ReferenceIndex.FILE_NAME))) {
            throw new IllegalArgumentException(dir + ": no reference index; build one with 'audiocat references add <folder>'"
                    + (index == null ? " or point --index at one" : ""));
        }
        if (!Files.isRegularFile(clip)) {
            throw new IllegalArgumentException(clip + ": no such file; give the audio clip to identify");
        }
        ReferenceIndex idx = ReferenceIndex.open(dir);
        long t0 = System.nanoTime();
        LandmarkHashes h = LandmarkExtractor.extract(clip, 0);
        List<ExcerptMatch> matches = new ExcerptMatcher(idx, minScore == null ? ExcerptMatcher.DEFAULT_MIN_SCORE : minScore,
                minVerification == null ? ExcerptMatcher.DEFAULT_MIN_VERIFICATION : minVerification).match(h, max);
        double ms = (System.nanoTime() - t0) / 1e6;
        PrintStream out = System.out;
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("query", clip.toString());
            o.put("query_seconds", h.seconds());
            o.put("elapsed_ms", Math.round(ms * 10) / 10.0);
            o.put("matches", matches.stream().map(m -> {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("reference_id", m.referenceId());
                x.put("reference_uri", m.referenceUri());
                x.put("query_offset_seconds", round(m.queryOffsetSeconds()));
                x.put("reference_offset_seconds", round(m.referenceOffsetSeconds()));
                x.put("time_scale", Math.round(m.timeScale() * 10000) / 10000.0);
                x.put("pitch_shift_semitones", m.pitchShiftSemitones());
                x.put("score", m.score());
                x.put("verification", round(m.verification()));
                return x;
            }).toList());
            out.println(new ObjectMapper().writeValueAsString(o));
        } else if (matches.isEmpty()) {
            out.printf(Locale.ROOT, "no match (%d hashes from %.1f s of audio checked against %d references in %.0f ms)%n",
                    h.size(), h.seconds(), idx.references().size(), ms);
        } else {
            Table t = new Table("score", "verified", "reference", "at (s)", "clip at (s)", "time scale", "pitch", "reference_id");
            for (ExcerptMatch m : matches) {
                t.row(Integer.toString(m.score()), String.format(Locale.ROOT, "%.2f", m.verification()), m.referenceUri(), String.format(Locale.ROOT, "%.2f", m.referenceOffsetSeconds()),
                        String.format(Locale.ROOT, "%.2f", m.queryOffsetSeconds()), String.format(Locale.ROOT, "%.3f", m.timeScale()),
                        String.format(Locale.ROOT, "%+.1f st", m.pitchShiftSemitones()), m.referenceId().substring(0, 16));
            }
            t.print(out);
            out.printf(Locale.ROOT, "%d match%s in %.0f ms%n", matches.size(), matches.size() == 1 ? "" : "es", ms);
        }
        return 0;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
