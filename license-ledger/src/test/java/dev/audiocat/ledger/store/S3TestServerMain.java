package dev.audiocat.ledger.store;

import java.io.IOException;
import java.io.InputStream;

/**
 * Runs {@link S3TestServer} as its own process, for the tests of modules whose classpath cannot
 * host S3Mock's Spring Boot (pipelines: Beam and Flink). Prints {@code endpoint=http://127.0.0.1:PORT}
 * on one line once the server answers, then serves until its standard input closes (the parent
 * test JVM exiting closes it), so a crashed test run never leaves a server behind.
 *
 * <p>Started from {@code license-ledger/target/test-classes} plus the class path the build writes
 * to {@code license-ledger/target/s3-test-server.classpath}.
 */
public final class S3TestServerMain {
    private S3TestServerMain() {}

    public static void main(String[] args) throws IOException {
        String endpoint = S3TestServer.endpoint();
        System.out.println("endpoint=" + endpoint);
        System.out.flush();
        InputStream in = System.in;
        byte[] buf = new byte[256];
        while (in.read(buf) >= 0) {
            // keep serving until the parent closes our stdin
        }
        System.exit(0);
    }
}
