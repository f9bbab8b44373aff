package dev.audiocat.pipelines.catalog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroReadSupport;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.io.LocalInputFile;

/**
 * Reads a local catalog folder back: every {@code *.parquet} file of its catalog or dead-letter dataset.
 *
 * <p>A catalog accumulates one set of files per ingest run. When a file was re-analysed (its content
 * changed) the dataset holds several rows for its URI; {@link #latestRows} keeps the newest.
 */
public final class CatalogReader {

    private CatalogReader() {
    }

    public static List<Path> files(Path catalogFolder, String dataset) {
        Path dir = catalogFolder.resolve(dataset);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".parquet") && !p.getFileName().toString().startsWith("."))
                    .sorted(Comparator.naturalOrder())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Streams every row of a dataset ({@link CatalogSchema#CATALOG_DIR}, {@link CatalogSchema#DEAD_LETTER_DIR}, {@link CatalogSchema#VERIFIED_DIR}). */
    public static void forEach(Path catalogFolder, String dataset, Consumer<GenericRecord> action) {
        forEach(catalogFolder, dataset, null, action);
    }

    /**
     * As {@link #forEach(Path, String, Consumer)}, reading only {@code fields} (all when null): Parquet
     * skips the other columns, and the records hold only these (getting another field throws). A
     * catalog row's embedding, fingerprint, tags and QC flags are most of its size: the launcher of an
     * ingest into a 200,000-row catalog held 1.2 GB of rows it needed five fields of.
     */
    public static void forEach(Path catalogFolder, String dataset, Set<String> fields, Consumer<GenericRecord> action) {
        forEachIn(files(catalogFolder, dataset), dataset, fields, action);
    }

    /** As {@link #forEach(Path, String, Set, Consumer)}, over the given files of {@code dataset}. */
    public static void forEachIn(List<Path> files, String dataset, Set<String> fields, Consumer<GenericRecord> action) {
        Configuration conf = new Configuration(false);
        if (fields != null) {
            Schema full = CatalogSchema.of(dataset);
            List<Schema.Field> kept = new ArrayList<>();
            for (Schema.Field f : full.getFields()) {
                if (fields.contains(f.name())) {
                    kept.add(new Schema.Field(f, f.schema()));
                }
            }
            if (kept.size() != fields.size()) {
                throw new IllegalArgumentException("not all of " + fields + " are fields of " + full.getName());
            }
            Schema projection = Schema.createRecord(full.getName(), full.getDoc(), full.getNamespace(), false, kept);
            AvroReadSupport.setRequestedProjection(conf, projection); // the columns read
            AvroReadSupport.setAvroReadSchema(conf, projection);      // the records' schema: a field left out throws, not null
        }
        for (Path f : files) {
            try (ParquetReader<GenericRecord> r = AvroParquetReader.<GenericRecord>builder(new LocalInputFile(f)).withConf(conf).build()) {
                GenericRecord rec;
                while ((rec = r.read()) != null) {
                    action.accept(rec);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(f + ": cannot read this Parquet file (" + e.getMessage()
                        + "); it may be damaged: move it out of the catalog folder and re-run the ingest", e);
            }
        }
    }

    public static List<GenericRecord> readAll(Path catalogFolder, String dataset) {
        List<GenericRecord> out = new ArrayList<>();
        forEach(catalogFolder, dataset, out::add);
        return out;
    }

    /** The newest catalog row per URI, in URI order. */
    public static List<GenericRecord> latestRows(Path catalogFolder) {
        return latestRows(catalogFolder, null);
    }

    /** As {@link #latestRows(Path)}, the rows holding only {@code fields} (plus uri and analysis_time); all when null. */
    public static List<GenericRecord> latestRows(Path catalogFolder, Set<String> fields) {
        Set<String> read = withKey(fields);
        Map<String, GenericRecord> byUri = new LinkedHashMap<>();
        forEach(catalogFolder, CatalogSchema.CATALOG_DIR, read, rec -> keepNewest(byUri, rec, "analysis_time"));
        List<GenericRecord> rows = new ArrayList<>(byUri.values());
        rows.sort(Comparator.comparing(r -> r.get("uri").toString()));
        return rows;
    }

    /** {@code fields} plus what picks a URI's newest row (uri, analysis_time); null (all fields) stays null. */
    private static Set<String> withKey(Set<String> fields) {
        if (fields == null) {
            return null;
        }
        Set<String> read = new HashSet<>(fields);
        read.add("uri");
        read.add("analysis_time");
        return read;
    }

    /**
     * Streams the newest catalog row per URI without holding the catalog: a first pass reads two columns
     * (uri, analysis_time), a second hands each URI's newest row to {@code action}, in the order the files
     * hold them. For catalogs too large for {@link #latestRows(Path)} (a million rows are gigabytes).
     */
    public static void forEachLatest(Path catalogFolder, Consumer<GenericRecord> action) {
        forEachLatestIn(files(catalogFolder, CatalogSchema.CATALOG_DIR), null, action);
    }

    /**
     * As {@link #forEachLatest(Path, Consumer)}, over the given catalog files, the records holding only
     * {@code fields} (plus uri and analysis_time; all when null).
     */
    public static void forEachLatestIn(List<Path> files, Set<String> fields, Consumer<GenericRecord> action) {
        Set<String> read = withKey(fields);
        Map<String, Long> latest = new HashMap<>();
        forEachIn(files, CatalogSchema.CATALOG_DIR, Set.of("uri", "analysis_time"),
                r -> latest.merge(r.get("uri").toString(), (Long) r.get("analysis_time"), Math::max));
        forEachIn(files, CatalogSchema.CATALOG_DIR, read, r -> {
            String uri = r.get("uri").toString();
            Long t = latest.get(uri);
            if (t != null && t.equals(r.get("analysis_time"))) {
                latest.remove(uri); // once per URI, even if two rows share the time
                action.accept(r);
            }
        });
    }

    /**
     * The newest catalog row per URI, for the URIs whose newest row {@code keep} accepts: uri → row, holding
     * only {@code fields} (plus uri and analysis_time). Memory grows with the rows kept, not with the
     * catalog: a first pass hands every row to {@code keep} and holds the newest kept one per URI, a second
     * reads two columns (uri, analysis_time) and drops the kept rows that a newer row of their URI
     * supersedes. An ingest of a few files into a catalog of a million rows needs the rows of those files
     * only ({@code IngestRun}), and duplicate grouping the rows that match this run's fingerprints
     * ({@code GroupDuplicates}).
     */
    public static Map<String, GenericRecord> latestWhere(List<Path> files, Set<String> fields, java.util.function.Predicate<GenericRecord> keep) {
        return latestWhere(files, fields, keep, 1);
    }

    /**
     * As {@link #latestWhere(List, Set, java.util.function.Predicate)}, with {@code keep} run on {@code threads}
     * threads: this thread reads the rows and hands them out in batches of {@value #BATCH}, at most two batches
     * per thread in flight, and takes the kept rows back in reading order (so ties between rows of one URI go
     * as they do on one thread). For a costly {@code keep} ({@code GroupDuplicates} decodes and looks up every
     * earlier fingerprint); it must be safe to call from several threads at once.
     */
    public static Map<String, GenericRecord> latestWhere(List<Path> files, Set<String> fields,
            java.util.function.Predicate<GenericRecord> keep, int threads) {
        Map<String, GenericRecord> kept = new HashMap<>();
        if (threads <= 1) {
            forEachIn(files, CatalogSchema.CATALOG_DIR, withKey(fields), r -> {
                if (keep.test(r)) {
                    keepNewest(kept, r, "analysis_time");
                }
            });
        } else {
            filterInBatches(files, withKey(fields), keep, threads, r -> keepNewest(kept, r, "analysis_time"));
        }
        if (!kept.isEmpty()) {
            forEachIn(files, CatalogSchema.CATALOG_DIR, Set.of("uri", "analysis_time"), r -> {
                GenericRecord k = kept.get(r.get("uri").toString());
                if (k != null && (long) r.get("analysis_time") > (long) k.get("analysis_time")) {
                    kept.remove(r.get("uri").toString());
                }
            });
        }
        return kept;
    }

    private static final int BATCH = 256;

    /** Reads the catalog rows of {@code files}, tests them with {@code keep} on {@code threads} threads, and hands the kept ones to {@code action} in reading order. */
    private static void filterInBatches(List<Path> files, Set<String> fields, java.util.function.Predicate<GenericRecord> keep,
            int threads, Consumer<GenericRecord> action) {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads, task -> {
            Thread t = new Thread(task, "catalog-filter");
            t.setDaemon(true);
            return t;
        });
        java.util.ArrayDeque<java.util.concurrent.Future<List<GenericRecord>>> inFlight = new java.util.ArrayDeque<>();
        Consumer<List<GenericRecord>> submit = batch -> {
            if (inFlight.size() >= 2 * threads) {
                takeOldest(inFlight).forEach(action);
            }
            inFlight.add(pool.submit(() -> batch.stream().filter(keep).toList()));
        };
        try {
            List<List<GenericRecord>> batch = new ArrayList<>(List.of(new ArrayList<>(BATCH)));
            forEachIn(files, CatalogSchema.CATALOG_DIR, fields, r -> {
                batch.get(0).add(r);
                if (batch.get(0).size() == BATCH) {
                    submit.accept(batch.get(0));
                    batch.set(0, new ArrayList<>(BATCH));
                }
            });
            if (!batch.get(0).isEmpty()) {
                submit.accept(batch.get(0));
            }
            while (!inFlight.isEmpty()) {
                takeOldest(inFlight).forEach(action);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<GenericRecord> takeOldest(java.util.ArrayDeque<java.util.concurrent.Future<List<GenericRecord>>> inFlight) {
        try {
            return inFlight.poll().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the catalog", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * The newest record per URI (by its {@code time}) of the dead letters or the verified files
     * ({@link CatalogSchema#DEAD_LETTER_DIR}, {@link CatalogSchema#VERIFIED_DIR}), for the URIs {@code keep}
     * accepts, in URI order.
     */
    public static java.util.TreeMap<String, GenericRecord> newestPerUri(Path catalogFolder, String dataset,
            java.util.function.Predicate<String> keep) {
        for (int attempt = 0; ; attempt++) {
            java.util.TreeMap<String, GenericRecord> byUri = new java.util.TreeMap<>();
            List<Path> listed = files(catalogFolder, dataset);
            try {
                forEachIn(listed, dataset, null, r -> {
                    if (keep.test(r.get("uri").toString())) {
                        keepNewest(byUri, r, "time");
                    }
                });
                return byUri;
            } catch (UncheckedIOException e) {
                // an ingest compacted the dataset while it was read (DatasetCompaction): listed files are gone and
                // their records are in a new file that the listing did not have; list and read again, once
                if (attempt > 0 || listed.stream().allMatch(Files::exists)) {
                    throw e;
                }
            }
        }
    }

    /** Holds in {@code byUri} the newer, by {@code timeField}, of its record for {@code r}'s URI and {@code r} (on a tie, {@code r}). */
    private static void keepNewest(Map<String, GenericRecord> byUri, GenericRecord r, String timeField) {
        byUri.merge(r.get("uri").toString(), r, (a, b) -> (long) b.get(timeField) >= (long) a.get(timeField) ? b : a);
    }

    /**
     * The newest dead letter per URI, leaving out files that a later run catalogued: what is still
     * wrong. Every run re-tries broken files, so the dataset holds one dead letter per file per run.
     */
    public static List<GenericRecord> latestDeadLetters(Path catalogFolder) {
        Map<String, GenericRecord> byUri = newestPerUri(catalogFolder, CatalogSchema.DEAD_LETTER_DIR, uri -> true);
        // the catalogued rows of those URIs only: a large catalog has few dead letters
        Map<String, GenericRecord> catalogued = byUri.isEmpty() ? Map.of()
                : latestWhere(files(catalogFolder, CatalogSchema.CATALOG_DIR), Set.of(), r -> byUri.containsKey(r.get("uri").toString()));
        List<GenericRecord> out = new ArrayList<>();
        for (GenericRecord d : byUri.values()) {
            GenericRecord row = catalogued.get(d.get("uri").toString());
            if (row == null || (long) row.get("analysis_time") < (long) d.get("time")) {
                out.add(d);
            }
        }
        out.sort(Comparator.comparing(r -> r.get("uri").toString()));
        return out;
    }
}
