package dev.audiocat.ledger;

import dev.audiocat.ledger.bench.LedgerBench;
import dev.audiocat.ledger.store.S3TestServer;
import java.nio.file.Path;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The S3 part of the ledger bench against the in-process S3Mock (test classpath only; not a
 * test). Args: appends per writer for one writer, writers, appends per concurrent writer, settle ms
 * (default 0: the test server's conditional PUTs are atomic, see {@code AtomicConditionalPuts}).
 */
public final class S3LedgerBench {
    private S3LedgerBench() {}

    public static void main(String[] args) throws Exception {
        int single = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        int writers = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int each = args.length > 2 ? Integer.parseInt(args[2]) : 25;
        String settle = args.length > 3 ? args[3] : "0";
        String bucket;
        try (S3Client s3 = S3TestServer.client()) {
            bucket = S3TestServer.newBucket(s3);
        }
        System.setProperty("audiocat.s3.endpoint", S3TestServer.endpoint());
        System.setProperty("aws.accessKeyId", "test");
        System.setProperty("aws.secretAccessKey", "test");
        System.setProperty("aws.region", "us-east-1");
        Path work = AudiocatHome.dir().resolve("bench").resolve("ledger-s3");
        System.out.println("S3Mock 5.2.0 in process at " + S3TestServer.endpoint());
        new LedgerBench(System.out, work, 10_000, 1, "s3://" + bucket + "/single", single, 1).runS3();
        System.setProperty("audiocat.s3.settle-ms", settle);
        System.out.println("concurrent writers, settle " + settle + " ms (conditional PUTs made atomic by"
                + " AtomicConditionalPuts, as on Amazon S3)");
        new LedgerBench(System.out, work, 10_000, 1, "s3://" + bucket + "/multi", each, writers).runS3();
        System.exit(0);
    }
}
