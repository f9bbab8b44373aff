package dev.audiocat.ledger;

import dev.audiocat.ledger.store.LocalFolderStore;
import dev.audiocat.ledger.store.LogStore;
import dev.audiocat.ledger.store.S3Store;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Opens a store from a location string: a folder path, or {@code s3://bucket/prefix}. For an
 * S3-compatible server set the system property {@code audiocat.s3.endpoint} or the environment
 * variable {@code AWS_ENDPOINT_URL_S3} / {@code AWS_ENDPOINT_URL} (path-style addressing is
 * then used); credentials and region come from the AWS default chains ({@code us-east-1} when an
 * endpoint is set and no region is configured).
 */
public final class LedgerLocation {
    private LedgerLocation() {}

    public static LogStore open(String location) throws IOException {
        if (location == null || location.isBlank()) {
            return new LocalFolderStore(AudiocatHome.defaultLedger(), true);
        }
        if (location.startsWith("s3://")) {
            String rest = location.substring(5);
            int slash = rest.indexOf('/');
            String bucket = slash < 0 ? rest : rest.substring(0, slash);
            String prefix = slash < 0 ? "" : rest.substring(slash + 1);
            if (bucket.isEmpty()) {
                throw new IllegalArgumentException("'" + location + "' names no bucket: use s3://bucket/prefix");
            }
            return new S3Store(S3Store.configuredClient(null, null), bucket, prefix, true);
        }
        return new LocalFolderStore(Path.of(location), true);
    }
}
