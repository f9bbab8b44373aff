package dev.audiocat.ledger.store;

import com.adobe.testing.s3mock.S3MockApplication;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * One real S3-compatible server (Adobe S3Mock, in process, on 127.0.0.1 and a free port) for the
 * whole test JVM: it takes ~15 s to start, so every test class shares it and tests isolate
 * themselves with fresh buckets. Conditional PUTs are made atomic by {@link AtomicConditionalPuts},
 * as they are on Amazon S3. Stopped by a shutdown hook.
 */
public final class S3TestServer {
    private static S3MockApplication app;
    private static String endpoint;

    private S3TestServer() {}

    public static synchronized String endpoint() {
        if (app == null) {
            Map<String, Object> props = new HashMap<>();
            props.put(S3MockApplication.PROP_HTTP_PORT, 0);
            props.put(S3MockApplication.PROP_HTTPS_PORT, 0);
            props.put(S3MockApplication.PROP_SILENT, true);
            Path root = Path.of("target", "s3mock-" + ProcessHandle.current().pid()).toAbsolutePath();
            props.put("com.adobe.testing.s3mock.store.root", root.toString());
            props.put("com.adobe.testing.s3mock.store.retain-files-on-exit", false);
            // S3Mock's If-None-Match check is not atomic; this filter makes it so (see its doc)
            props.put("spring.main.sources", AtomicConditionalPuts.class.getName());
            app = S3MockApplication.start(new HashMap<>(props));
            endpoint = "http://127.0.0.1:" + app.getHttpPort();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                app.stop();
                deleteTree(root);
            }, "s3mock-stop"));
        }
        return endpoint;
    }

    private static void deleteTree(Path root) {
        try (java.util.stream.Stream<Path> s = java.nio.file.Files.walk(root)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            // best effort: it is under target/
        }
    }

    /** A client for the test server (path-style, dummy credentials: S3Mock does not check them). */
    public static S3Client client() {
        return S3Client.builder()
                .endpointOverride(java.net.URI.create(endpoint()))
                .forcePathStyle(true)
                .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClientBuilder(software.amazon.awssdk.http.apache.ApacheHttpClient.builder().maxConnections(64))
                .build();
    }

    /** Creates a new empty bucket and returns its name. */
    public static String newBucket(S3Client s3) {
        String name = "t-" + UUID.randomUUID().toString().substring(0, 18);
        s3.createBucket(b -> b.bucket(name));
        return name;
    }
}
