package dev.audiocat.pipelines;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one ingest run did. The accounting invariant: {@code found == catalogued + deadLetters + skipped}.
 *
 * @param found           files that were candidates for analysis
 * @param ignored         files left out because their extension says they are not audio
 * @param catalogued      rows written by this run
 * @param skipped         files already in the catalog: the same size and modification time, or the same content hash
 * @param changedInPlace  URIs catalogued again because their bytes changed while their size and modification time
 *                        stayed as catalogued (found by --verify: corruption, or an edit that restored the time)
 * @param deadLetterReasons files this run could not catalogue, by reason
 * @param notIndexed      catalogued rows that a later step (search indexing) failed for; their dead
 *                        letters say why, and {@code audiocat index rebuild} recovers them
 * @param audioSeconds    total decoded duration of the catalogued files
 * @param wallSeconds     wall time of the whole run, including runner start-up
 * @param firstResultSeconds time until the first file finished (runner start-up plus one file); -1 when no file needed analysis
 */
public record IngestSummary(
        String runId,
        long found,
        long ignored,
        long catalogued,
        long skipped,
        List<String> changedInPlace,
        Map<String, Long> deadLetterReasons,
        long notIndexed,
        double audioSeconds,
        double wallSeconds,
        double firstResultSeconds) {

    public IngestSummary {
        changedInPlace = List.copyOf(changedInPlace);
        deadLetterReasons = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(deadLetterReasons));
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
