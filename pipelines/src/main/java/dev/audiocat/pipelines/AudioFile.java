package dev.audiocat.pipelines;

import java.io.Serializable;
import java.nio.file.Path;

/**
 * A file found by the scan, before anything is known about its content.
 *
 * @param uri            {@code file:///...} or {@code s3://bucket/key}
 * @param localPath      absolute local path when the file is local, else {@code null}
 * @param sizeBytes      size from the listing
 * @param modifiedMillis modification time from the listing
 * @param catalogued     the asset id of the catalog's standing row for this URI, or {@code null}: the file is
 *                       skipped when its content hash still equals it (IngestRun sets it from the catalog)
 */
public record AudioFile(String uri, String localPath, long sizeBytes, long modifiedMillis, String catalogued) implements Serializable {

    /** A file the catalog does not hold (or that is analysed again whatever its content). */
    public AudioFile(String uri, String localPath, long sizeBytes, long modifiedMillis) {
        this(uri, localPath, sizeBytes, modifiedMillis, null);
    }

    /** The same file, skipped by the worker if its content hash is {@code assetId}. */
    public AudioFile withCatalogued(String assetId) {
        return new AudioFile(uri, localPath, sizeBytes, modifiedMillis, assetId);
    }

    /**
     * The file's name as its owner wrote it: the last element of the local path (a local URI is
     * percent-encoded: "naïve name.wav" would read "na%C3%AFve%20name.wav"), else the last segment of
     * the URI (an S3 URI holds the object key as it is).
     */
    public String fileName() {
        if (localPath != null) {
            Path name = Path.of(localPath).getFileName();
            if (name != null) {
                return name.toString();
            }
        }
        int i = uri.lastIndexOf('/');
        return i >= 0 ? uri.substring(i + 1) : uri;
    }
}
