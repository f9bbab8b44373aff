package dev.audiocat.pipelines;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Live counters of an ingest run, for the progress line of the command line.
 *
 * <p>Workers update the counters of their run id when they run in the same JVM as the command line
 * (the embedded Flink mini-cluster); on a remote cluster no counters exist here and the progress line
 * falls back to elapsed time, while Beam metrics and the written datasets stay authoritative.
 */
public final class IngestProgress {

    private static final Map<String, IngestProgress> RUNS = new ConcurrentHashMap<>();

    public final AtomicLong filesDone = new AtomicLong();
    public final AtomicLong catalogued = new AtomicLong();
    public final AtomicLong deadLetters = new AtomicLong();
    public final AtomicLong skipped = new AtomicLong();
    public final AtomicLong audioMillis = new AtomicLong();

    /** Registers a run; returns its counters. */
    public static IngestProgress register(String runId) {
        return RUNS.computeIfAbsent(runId, k -> new IngestProgress());
    }

    /** The counters of a run in this JVM, or {@code null}. */
    public static IngestProgress of(String runId) {
        return RUNS.get(runId);
    }

    public static void unregister(String runId) {
        RUNS.remove(runId);
    }
}
