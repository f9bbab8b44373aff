package dev.audiocat.pipelines;

import dev.audiocat.pipelines.catalog.CatalogReader;
import dev.audiocat.pipelines.catalog.CatalogSchema;
import dev.audiocat.pipelines.transforms.DecodeAndAnalyze;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * Runs one ingest end to end for the command line: scan, run the pipeline with a live progress line,
 * then read back what the run wrote and summarise it.
 */
public final class IngestRun {

    /** How to run: runner settings and per-file limits. */
    public record Settings(String runner, String flinkMaster, int parallelism, long fileTimeoutSeconds, boolean redo,
            List<String> extraBeamArgs) {

        public static Settings defaults() {
            return new Settings("FlinkRunner", "[local]", Runtime.getRuntime().availableProcessors(), 1800, false, List.of());
        }
    }

    private IngestRun() {
    }

    public static IngestSummary execute(Path input, Path output, Settings settings, PrintStream progressOut) {
        long t0 = System.nanoTime();
        if (!Files.exists(input)) {
            throw new IllegalArgumentException(input + ": no such folder or file; give the folder that holds the audio files");
        }
        LibraryScanner.Listing listing = LibraryScanner.scan(input.toAbsolutePath().normalize());
        String runId = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss")) + "-"
                + UUID.randomUUID().toString().substring(0, 8);
        IngestOptions options = options(input, output, runId, settings);
        IngestProgress progress = IngestProgress.register(runId);
        ProgressLine line = new ProgressLine(progressOut, listing.candidates().size(), progress, t0);
        double firstResult = -1;
        try {
            line.start();
            PipelineResult result = IngestPipeline.run(options, listing.candidates());
            PipelineResult.State state = result.waitUntilFinish();
            firstResult = line.firstResultSeconds();
            line.stop();
            if (state != PipelineResult.State.DONE) {
                throw new IllegalStateException("the ingest pipeline ended in state " + state + "; see the log above");
            }
            long skipped = counter(result, "skipped", progress.skipped.get());
            return summarise(output, runId, listing, skipped, (System.nanoTime() - t0) / 1e9, firstResult);
        } finally {
            line.stop();
            IngestProgress.unregister(runId);
        }
    }

    static IngestOptions options(Path input, Path output, String runId, Settings s) {
        List<String> args = new ArrayList<>();
        args.add("--runner=" + s.runner());
        if (s.runner().toLowerCase().contains("flink")) {
            args.add("--flinkMaster=" + s.flinkMaster());
            args.add("--parallelism=" + s.parallelism());
        }
        args.addAll(s.extraBeamArgs());
        IngestOptions o = PipelineOptionsFactory.fromArgs(args.toArray(String[]::new)).as(IngestOptions.class);
        if ("FlinkRunner".equals(s.runner())) {
            o.setRunner(FlinkRunner.class);
        }
        o.setJobName("audiocat-ingest-" + runId.toLowerCase());
        o.setInput(input.toAbsolutePath().toString());
        o.setOutput(output.toAbsolutePath().toString());
        o.setRunId(runId);
        o.setFileTimeoutSeconds(s.fileTimeoutSeconds());
        o.setRedo(s.redo());
        return o;
    }

    private static long counter(PipelineResult result, String name, long fallback) {
        try {
            MetricQueryResults q = result.metrics().queryMetrics(MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named(DecodeAndAnalyze.STAGE, name)).build());
            long sum = 0;
            boolean any = false;
            for (MetricResult<Long> c : q.getCounters()) {
                sum += c.getAttempted();
                any = true;
            }
            return any ? sum : fallback;
        } catch (RuntimeException e) {
            return fallback;
        }
    }

    /** Reads back the rows this run wrote: the summary counts what is on disk, not what was intended. */
    static IngestSummary summarise(Path output, String runId, LibraryScanner.Listing listing, long skipped, double wall, double first) {
        long[] catalogued = {0};
        double[] audio = {0};
        CatalogReader.forEach(output, CatalogSchema.CATALOG_DIR, r -> {
            if (runId.equals(r.get("run_id").toString())) {
                catalogued[0]++;
                Object d = r.get("duration_seconds");
                audio[0] += d == null ? 0 : (double) d;
            }
        });
        Map<String, Long> reasons = new HashMap<>();
        CatalogReader.forEach(output, CatalogSchema.DEAD_LETTER_DIR, (GenericRecord r) -> {
            if (runId.equals(r.get("run_id").toString())) {
                reasons.merge(r.get("reason").toString(), 1L, Long::sum);
            }
        });
        return new IngestSummary(runId, listing.candidates().size(), listing.ignored().size(), catalogued[0], skipped, reasons,
                audio[0], wall, first);
    }
}
