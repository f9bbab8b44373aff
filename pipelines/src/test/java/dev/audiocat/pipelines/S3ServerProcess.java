package dev.audiocat.pipelines;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * One real S3-compatible server for the pipelines tests: license-ledger's S3Mock launcher
 * ({@code S3TestServerMain}) in its own JVM, because S3Mock's Spring Boot cannot share a class path
 * with Beam and Flink. Started once per test JVM; it exits when this JVM does (its standard input
 * closes). The license-ledger module must have been built first (the reactor build does that):
 * its test classes and {@code target/s3-test-server.classpath}.
 */
public final class S3ServerProcess {
    private static Process process;
    private static String endpoint;

    private S3ServerProcess() {
    }

    public static synchronized String endpoint() {
        if (endpoint != null) {
            return endpoint;
        }
        Path ledger = Path.of("..", "license-ledger", "target").toAbsolutePath().normalize();
        Path classes = ledger.resolve("test-classes");
        Path classpathFile = ledger.resolve("s3-test-server.classpath");
        if (!Files.isDirectory(classes) || !Files.isRegularFile(classpathFile)) {
            throw new IllegalStateException("the S3 test server is built by license-ledger: run the reactor build "
                    + "(./test, or mvn -pl license-ledger,pipelines -am verify); missing " + classpathFile);
        }
        try {
            String cp = classes + java.io.File.pathSeparator + Files.readString(classpathFile).trim();
            Path logs = Path.of("target").toAbsolutePath();
            Files.createDirectories(logs);
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx512m", "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                    "-cp", cp, "dev.audiocat.ledger.store.S3TestServerMain")
                    .directory(Path.of("").toAbsolutePath().toFile()) // its store goes under ./target
                    .redirectError(logs.resolve("s3-test-server.log").toFile());
            process = pb.start();
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            String line;
            while ((line = out.readLine()) != null && System.nanoTime() < deadline) {
                if (line.startsWith("endpoint=")) {
                    endpoint = line.substring("endpoint=".length());
                    break;
                }
            }
            if (endpoint == null) {
                process.destroyForcibly();
                throw new IllegalStateException("the S3 test server did not start; see " + logs.resolve("s3-test-server.log"));
            }
            Thread drain = new Thread(() -> {
                try {
                    out.transferTo(java.io.Writer.nullWriter());
                } catch (IOException e) {
                    // the server is gone
                }
            }, "s3-test-server-stdout");
            drain.setDaemon(true);
            drain.start();
            Process p = process;
            Runtime.getRuntime().addShutdownHook(new Thread(p::destroy, "s3-test-server-stop"));
            return endpoint;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the S3 test server: " + e.getMessage(), e);
        }
    }

    /** A client for the test server (path-style, dummy credentials: S3Mock does not check them). */
    public static S3Client client() {
        return S3Client.builder()
                .endpointOverride(URI.create(endpoint()))
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClientBuilder(software.amazon.awssdk.http.apache.ApacheHttpClient.builder())
                .build();
    }

    /** Creates a new empty bucket and returns its name. */
    public static String newBucket(S3Client s3) {
        String name = "t-" + UUID.randomUUID().toString().substring(0, 18);
        s3.createBucket(b -> b.bucket(name));
        return name;
    }
}
