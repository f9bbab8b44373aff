package dev.audiocat.pipelines.catalog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;

/**
 * Keeps the record datasets that grow with every run, {@code verified/} and {@code dead-letters/}, from
 * growing without end. Each {@code --verify} run adds a record per catalogued file, and every ingest reads
 * the verified records (the quick check); after a year of nightly fixity checks there would be 365 records
 * per file. Each ingest also tries a file that stays broken again and adds a dead letter for it. Once a
 * dataset has more than {@link #MAX_FILES} files, an ingest (which holds the {@link CatalogLock}) rewrites it
 * as one file with the newest record of each URI, which is all that the quick check, {@code catalog show
 * --verified} and {@code catalog show --dead-letters} read.
 *
 * <p>Crash-safe without a journal: the new file is written under a hidden name, moved into place, and
 * only then are the files it replaces deleted. A crash in between leaves records twice, which the
 * readers' newest-per-URI rule reads as once.
 */
public final class DatasetCompaction {

    /** More files than this in a dataset and the next ingest compacts it. */
    public static final int MAX_FILES = 16;

    /** The datasets compacted: their readers want the newest record per URI (by {@code time}) only. */
    public static final List<String> DATASETS = List.of(CatalogSchema.VERIFIED_DIR, CatalogSchema.DEAD_LETTER_DIR);

    private DatasetCompaction() {
    }

    /**
     * Compacts {@code catalog}'s {@code dataset} ({@link #DATASETS}) if it holds more than {@code maxFiles} files.
     *
     * @return the number of files replaced, 0 when nothing was done
     */
    public static int compactIfNeeded(Path catalog, String dataset, String runId, int maxFiles) {
        if (!DATASETS.contains(dataset)) {
            throw new IllegalArgumentException(dataset + ": only " + DATASETS + " are compacted; catalog rows keep their history");
        }
        List<Path> files = CatalogReader.files(catalog, dataset);
        if (files.size() <= maxFiles) {
            return 0;
        }
        Map<String, GenericRecord> newest = CatalogReader.newestPerUri(catalog, dataset, uri -> true);
        Path dir = catalog.resolve(dataset);
        Path hidden = dir.resolve(".compacting-" + runId + ".parquet");
        Path target = dir.resolve("compacted-" + runId + ".parquet");
        try {
            Files.deleteIfExists(hidden); // left by a crash of this very run id: never
            CatalogFile.write(hidden, CatalogSchema.of(dataset), newest.values());
            Files.move(hidden, target, StandardCopyOption.ATOMIC_MOVE);
            for (Path f : files) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot compact the " + dataset + " records (" + e.getMessage()
                    + "); the dataset is as it was or holds some records twice, which is harmless; check free space and permissions", e);
        }
        return files.size();
    }
}
