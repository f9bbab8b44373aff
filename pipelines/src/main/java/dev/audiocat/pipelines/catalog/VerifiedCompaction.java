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
 * Keeps the {@code verified/} dataset from growing with every run. Each {@code --verify} run adds a record
 * per catalogued file, and every ingest reads the dataset (the quick check); after a year of nightly
 * fixity checks it would hold 365 records per file. Once the dataset has more than {@link #MAX_FILES}
 * files, an ingest (which holds the {@link CatalogLock}) rewrites it as one file with the newest record
 * of each URI, which is all that the quick check and {@code catalog show --verified} read.
 *
 * <p>Crash-safe without a journal: the new file is written under a hidden name, moved into place, and
 * only then are the files it replaces deleted. A crash in between leaves records twice, which the
 * readers' newest-per-URI rule reads as once.
 */
public final class VerifiedCompaction {

    /** More files than this in {@code verified/} and the next ingest compacts it. */
    public static final int MAX_FILES = 16;

    private VerifiedCompaction() {
    }

    /**
     * Compacts {@code catalog}'s {@code verified/} dataset if it holds more than {@code maxFiles} files.
     *
     * @return the number of files replaced, 0 when nothing was done
     */
    public static int compactIfNeeded(Path catalog, String runId, int maxFiles) {
        List<Path> files = CatalogReader.files(catalog, CatalogSchema.VERIFIED_DIR);
        if (files.size() <= maxFiles) {
            return 0;
        }
        Map<String, GenericRecord> newest = CatalogReader.newestPerUri(catalog, CatalogSchema.VERIFIED_DIR, uri -> true);
        Path dir = catalog.resolve(CatalogSchema.VERIFIED_DIR);
        Path hidden = dir.resolve(".compacting-" + runId + ".parquet");
        Path target = dir.resolve("compacted-" + runId + ".parquet");
        try {
            Files.deleteIfExists(hidden); // left by a crash of this very run id: never
            CatalogFile.write(hidden, CatalogSchema.VERIFIED, newest.values());
            Files.move(hidden, target, StandardCopyOption.ATOMIC_MOVE);
            for (Path f : files) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot compact the verified records (" + e.getMessage()
                    + "); the dataset is as it was or holds some records twice, which is harmless; check free space and permissions", e);
        }
        return files.size();
    }
}
