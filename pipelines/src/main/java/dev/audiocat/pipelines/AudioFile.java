package dev.audiocat.pipelines;

import java.io.Serializable;

/**
 * A file found by the scan, before anything is known about its content.
 *
 * @param uri            {@code file:///...} or {@code s3://bucket/key}
 * @param localPath      absolute local path when the file is local, else {@code null}
 * @param sizeBytes      size from the listing
 * @param modifiedMillis modification time from the listing
 */
public record AudioFile(String uri, String localPath, long sizeBytes, long modifiedMillis) implements Serializable {

    /** Last path segment of the URI. */
    public String fileName() {
        int i = uri.lastIndexOf('/');
        return i >= 0 ? uri.substring(i + 1) : uri;
    }
}
