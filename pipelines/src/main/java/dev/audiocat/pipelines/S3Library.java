package dev.audiocat.pipelines;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A library (or reference collection) stored under an {@code s3://bucket/prefix}: listing it the way
 * {@link LibraryScanner} lists a folder, and fetching one object to a local file for decoding.
 *
 * <p>The prefix is a folder: {@code s3://b/music} lists the keys under {@code music/}, not
 * {@code music2/...}; a URI that names one object ({@code s3://b/music/a.wav}) lists that object.
 * Keys under a hidden segment ({@code .trash/...}) are skipped and sidecar names are counted as
 * ignored, as in a folder.
 */
public final class S3Library {

    /** A parsed {@code s3://bucket/key-or-prefix}. */
    public record Location(String bucket, String key) {

        public static Location parse(String uri) {
            if (!isS3(uri)) {
                throw new IllegalArgumentException(uri + ": not an s3:// URI; use s3://bucket/prefix");
            }
            String rest = uri.substring("s3://".length());
            int slash = rest.indexOf('/');
            String bucket = slash < 0 ? rest : rest.substring(0, slash);
            String key = slash < 0 ? "" : rest.substring(slash + 1);
            if (bucket.isEmpty()) {
                throw new IllegalArgumentException(uri + ": names no bucket; use s3://bucket/prefix");
            }
            return new Location(bucket, key);
        }

        /** The key as a folder prefix ("" for the whole bucket, else ending in '/'). */
        String folderPrefix() {
            return key.isEmpty() || key.endsWith("/") ? key : key + "/";
        }

        public String uri(String objectKey) {
            return "s3://" + bucket + "/" + objectKey;
        }
    }

    private S3Library() {
    }

    public static boolean isS3(String source) {
        return source != null && source.startsWith("s3://");
    }

    /** Lists the audio candidates under {@code uri}, in key order; fails with a clear message when there is nothing to list. */
    public static LibraryScanner.Listing list(S3Client s3, String uri) {
        Location loc = Location.parse(uri);
        List<AudioFile> files = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        String prefix = loc.folderPrefix();
        try {
            for (S3Object o : s3.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(loc.bucket()).prefix(prefix).build()).contents()) {
                String relative = o.key().substring(prefix.length());
                if (relative.isEmpty() || o.key().endsWith("/") || hiddenFolder(relative)) {
                    continue; // folder markers and hidden folders, as a folder scan skips them
                }
                String name = relative.substring(relative.lastIndexOf('/') + 1);
                if (LibraryScanner.ignoredName(name)) {
                    ignored.add(loc.uri(o.key()));
                } else {
                    files.add(new AudioFile(loc.uri(o.key()), null, o.size(), o.lastModified() == null ? 0 : o.lastModified().toEpochMilli()));
                }
            }
            if (files.isEmpty() && ignored.isEmpty() && !loc.key().isEmpty() && !loc.key().endsWith("/")) {
                HeadObjectResponse h = s3.headObject(b -> b.bucket(loc.bucket()).key(loc.key()));
                files.add(new AudioFile(uri, null, h.contentLength(), h.lastModified() == null ? 0 : h.lastModified().toEpochMilli()));
            }
        } catch (NoSuchBucketException e) {
            throw new IllegalArgumentException(uri + ": no such bucket '" + loc.bucket() + "'; check the name, and the endpoint "
                    + "(AWS_ENDPOINT_URL_S3 or -Daudiocat.s3.endpoint) for an S3-compatible server", e);
        } catch (NoSuchKeyException e) {
            throw new IllegalArgumentException(uri + ": no objects under this prefix; check the bucket and prefix", e);
        } catch (S3Exception e) {
            throw new IllegalArgumentException(uri + ": cannot list the objects (" + describe(e)
                    + "); the credentials need s3:ListBucket on the bucket and s3:GetObject on its objects", e);
        } catch (SdkException e) {
            throw new IllegalArgumentException(uri + ": cannot reach S3 (" + e.getMessage()
                    + "); check the network, the endpoint (AWS_ENDPOINT_URL_S3) and the credentials", e);
        }
        if (files.isEmpty() && ignored.isEmpty()) {
            throw new IllegalArgumentException(uri + ": no objects under this prefix; check the bucket and prefix");
        }
        files.sort(Comparator.comparing(AudioFile::uri));
        ignored.sort(Comparator.naturalOrder());
        return new LibraryScanner.Listing(files, ignored);
    }

    /**
     * Downloads {@code uri} into a new file in {@code dir} (named after the object, so FFmpeg's
     * format probing sees the extension); the caller deletes it.
     *
     * @throws java.nio.file.NoSuchFileException when the object is gone (deleted since the listing)
     * @throws IOException                        when it cannot be read (access, network), with the S3 error in the message
     */
    public static Path fetch(S3Client s3, String uri, Path dir) throws IOException {
        Location loc = Location.parse(uri);
        String name = loc.key().substring(loc.key().lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._-]", "_");
        Path tmp = Files.createTempFile(dir, "s3-", "-" + name);
        try {
            Files.delete(tmp); // the SDK refuses to overwrite
            s3.getObject(GetObjectRequest.builder().bucket(loc.bucket()).key(loc.key()).build(), tmp);
            return tmp;
        } catch (NoSuchKeyException e) {
            Files.deleteIfExists(tmp);
            throw new java.nio.file.NoSuchFileException(uri, null, "the object was deleted since the listing");
        } catch (S3Exception e) {
            Files.deleteIfExists(tmp);
            throw new IOException("cannot download " + uri + " (" + describe(e) + "); the credentials need s3:GetObject", e);
        } catch (SdkException | UncheckedIOException e) {
            Files.deleteIfExists(tmp);
            throw new IOException("cannot download " + uri + " (" + e.getMessage() + "); run the ingest again to retry it", e);
        }
    }

    /** True when nothing is stored under {@code uri}'s folder prefix (where an export may be written). */
    public static boolean isEmptyPrefix(S3Client s3, String uri) {
        Location loc = Location.parse(uri);
        try {
            return s3.listObjectsV2(b -> b.bucket(loc.bucket()).prefix(loc.folderPrefix()).maxKeys(1)).contents().isEmpty();
        } catch (NoSuchBucketException e) {
            throw new IllegalArgumentException(uri + ": no such bucket '" + loc.bucket() + "'; create it first, or check the endpoint "
                    + "(AWS_ENDPOINT_URL_S3)", e);
        } catch (SdkException e) {
            throw new IllegalArgumentException(uri + ": cannot list the prefix (" + e.getMessage()
                    + "); the credentials need s3:ListBucket and s3:PutObject", e);
        }
    }

    /** Uploads {@code file} to {@code baseUri}'s folder prefix + {@code relative}; returns the object's URI. */
    public static String upload(S3Client s3, Path file, String baseUri, String relative) throws IOException {
        Location loc = Location.parse(baseUri);
        String key = loc.folderPrefix() + relative;
        try {
            s3.putObject(b -> b.bucket(loc.bucket()).key(key), software.amazon.awssdk.core.sync.RequestBody.fromFile(file));
        } catch (SdkException e) {
            throw new IOException("cannot upload " + loc.uri(key) + " (" + e.getMessage() + "); the credentials need s3:PutObject", e);
        }
        return loc.uri(key);
    }

    /** Deletes one object, ignoring failures (clean-up after an aborted upload). */
    public static void deleteQuietly(S3Client s3, String uri) {
        Location loc = Location.parse(uri);
        try {
            s3.deleteObject(b -> b.bucket(loc.bucket()).key(loc.key()));
        } catch (SdkException e) {
            // best effort: the package is incomplete without SHA256SUMS anyway
        }
    }

    private static boolean hiddenFolder(String relativeKey) {
        String[] segments = relativeKey.split("/");
        for (int i = 0; i < segments.length - 1; i++) {
            if (segments[i].startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static String describe(S3Exception e) {
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        return (code == null ? "HTTP " : code + ", HTTP ") + e.statusCode();
    }
}
