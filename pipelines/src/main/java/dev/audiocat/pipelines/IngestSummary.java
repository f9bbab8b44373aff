package dev.audiocat.pipelines;

import java.util.Map;
import java.util.TreeMap;

/**
 * What one ingest run did. The accounting invariant: {@code found == catalogued + deadLetters + skipped}.
 *
 * @param found           files that were candidates for analysis
 * @param ignored         files left out because their extension says they are not audio
 * @param catalogued      rows written by this run
 * @param skipped         files already in the catalog with the same content hash
 * @param deadLetterReasons dead letters written by this run, by reason
 * @param audioSeconds    total decoded duration of the catalogued files
 * @param wallSeconds     wall time of the whole run, including runner start-up
 * @param firstResultSeconds time until the first file finished (runner start-up plus one file)
 */
public record IngestSummary(
        String runId,
        long found,
        long ignored,
        long catalogued,
        long skipped,
        Map<String, Long> deadLetterReasons,
        double audioSeconds,
        double wallSeconds,
        double firstResultSeconds) {

    public IngestSummary {
        deadLetterReasons = Map.copyOf(new TreeMap<>(deadLetterReasons));
    }

    public long deadLetters() {
        return deadLetterReasons.values().stream().mapToLong(Long::longValue).sum();
    }

    public boolean balanced() {
        return found == catalogued + deadLetters() + skipped;
    }

    /** Seconds of audio analysed per second of wall time. */
    public double realtimeFactor() {
        return wallSeconds > 0 ? audioSeconds / wallSeconds : 0;
    }
}
