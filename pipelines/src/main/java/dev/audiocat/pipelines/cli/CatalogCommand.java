package dev.audiocat.pipelines.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.audiocat.pipelines.catalog.CatalogJson;
import dev.audiocat.pipelines.catalog.CatalogReader;
import dev.audiocat.pipelines.catalog.CatalogSchema;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.avro.generic.GenericRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code audiocat catalog show CATALOG [--json] [--dead-letters | --verified]}. */
@Command(name = "catalog", mixinStandardHelpOptions = true, description = "Look at a catalog folder.",
        subcommands = {CatalogCommand.Show.class})
public final class CatalogCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Print catalog rows as a table, or one JSON object per line with --json.")
    static final class Show implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "CATALOG", description = "catalog folder written by ingest or demo")
        Path folder;

        @Option(names = "--json", description = "one JSON object per line (the newest row per file, in stored order; streamed), field names as in docs/catalog-schema.md")
        boolean json;

        @Option(names = "--dead-letters", description = "show the files that could not be catalogued (newest dead letter per file) instead of the catalog")
        boolean deadLetters;

        @Option(names = "--verified", description = "show when each file was last read and found unchanged (the fixity log that "
                + "re-runs and 'ingest --verify' keep) instead of the catalog")
        boolean verified;

        @Override
        public Integer call() throws Exception {
            if (deadLetters && verified) {
                throw new IllegalArgumentException("--dead-letters and --verified show different datasets; give one of them");
            }
            if (java.util.stream.Stream.of(CatalogSchema.CATALOG_DIR, CatalogSchema.DEAD_LETTER_DIR, CatalogSchema.VERIFIED_DIR)
                    .noneMatch(d -> Files.isDirectory(folder.resolve(d)))) {
                throw new IllegalArgumentException(folder + ": not a catalog folder (no catalog/, dead-letters/ or verified/ inside); "
                        + "give the --out folder of an ingest");
            }
            PrintStream out = System.out;
            if (json && !deadLetters && !verified) {
                // streamed: a catalog of millions of rows does not fit in memory whole
                ObjectMapper m = new ObjectMapper();
                CatalogReader.forEachLatest(folder, r -> {
                    try {
                        out.println(m.writeValueAsString(CatalogJson.toMap(r)));
                    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                        throw new IllegalStateException(r.get("uri") + ": cannot write this row as JSON: " + e.getMessage(), e);
                    }
                });
                return 0;
            }
            if (verified) {
                // the newest record per file, in URI order
                java.util.TreeMap<String, GenericRecord> newest = CatalogReader.newestPerUri(folder, CatalogSchema.VERIFIED_DIR, uri -> true);
                ObjectMapper m = new ObjectMapper();
                Table t = new Table("file", "verified (UTC)", "size", "modified (UTC)", "asset_id", "run");
                for (GenericRecord r : newest.values()) {
                    if (json) {
                        out.println(m.writeValueAsString(CatalogJson.toMap(r)));
                    } else {
                        String uri = r.get("uri").toString();
                        t.row(uri.substring(uri.lastIndexOf('/') + 1), utc((long) r.get("time")), str(r, "size_bytes"),
                                utc((long) r.get("modified_time")), str(r, "asset_id").substring(0, 12), str(r, "run_id"));
                    }
                }
                if (!json) {
                    t.print(out);
                    out.printf(Locale.ROOT, "%d files verified%n", newest.size());
                }
                return 0;
            }
            if (deadLetters) {
                List<GenericRecord> rows = CatalogReader.latestDeadLetters(folder);
                if (json) {
                    ObjectMapper m = new ObjectMapper();
                    for (GenericRecord r : rows) {
                        out.println(m.writeValueAsString(CatalogJson.toMap(r)));
                    }
                    return 0;
                }
                Table t = new Table("file", "stage", "reason", "message");
                for (GenericRecord r : rows) {
                    t.row(str(r, "file_name"), str(r, "stage"), str(r, "reason"), str(r, "message"));
                }
                t.print(out);
                out.printf(Locale.ROOT, "%d dead letters%n", rows.size());
            } else {
                // the newest rows streamed, each held as one line of text until the table is printed in URI order
                Table t = new Table("file", "format", "rate", "ch", "bits", "duration", "LUFS", "LRA", "dBTP", "key", "bpm", "asset_id");
                CatalogReader.forEachLatestIn(CatalogReader.files(folder, CatalogSchema.CATALOG_DIR), TABLE_FIELDS, r ->
                    t.keyedRow(r.get("uri").toString(), str(r, "file_name"), str(r, "codec"), str(r, "sample_rate"), str(r, "channels"),
                            str(r, "bit_depth"), num(r, "duration_seconds", "%.2f s"), num(r, "integrated_lufs", "%.1f"),
                            num(r, "loudness_range_lu", "%.1f"), num(r, "true_peak_dbtp", "%.1f"), key(r), num(r, "bpm", "%.1f"),
                            str(r, "asset_id").substring(0, 12)));
                t.print(out);
                out.printf(Locale.ROOT, "%d rows%n", t.size());
            }
            return 0;
        }

        /** The columns the table shows: only these are read. */
        static final java.util.Set<String> TABLE_FIELDS = java.util.Set.of("file_name", "codec", "sample_rate", "channels", "bit_depth",
                "duration_seconds", "integrated_lufs", "loudness_range_lu", "true_peak_dbtp", "key_tonic", "key_mode", "bpm", "asset_id");

        private static String key(GenericRecord r) {
            Object tonic = r.get("key_tonic");
            Object mode = r.get("key_mode");
            return tonic == null ? "" : mode == null ? tonic.toString() : tonic + " " + mode;
        }
    }

    private static String utc(long millis) {
        return millis <= 0 ? "" : java.time.Instant.ofEpochMilli(millis).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    }

    static String str(GenericRecord r, String field) {
        Object v = r.get(field);
        return v == null ? "" : v.toString();
    }

    static String num(GenericRecord r, String field, String format) {
        Object v = r.get(field);
        return v == null ? "" : String.format(Locale.ROOT, format, ((Number) v).doubleValue());
    }
}
