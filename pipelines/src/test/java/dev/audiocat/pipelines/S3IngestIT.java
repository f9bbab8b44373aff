package dev.audiocat.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.audiocat.features.fingerprint.ReferenceIndex;
import dev.audiocat.pipelines.catalog.CatalogReader;
import dev.audiocat.pipelines.catalog.CatalogSchema;
import dev.audiocat.pipelines.cli.DemoCommand;
import dev.audiocat.pipelines.cli.Main;
import dev.audiocat.pipelines.demo.DemoLibrary;
import dev.audiocat.pipelines.demo.DemoManifest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A library on S3: the demo library uploaded to a real S3-compatible server (S3Mock in its own JVM),
 * ingested from {@code s3://bucket/demo} on the embedded Flink runner, and added to a reference
 * index from the same prefix. Endpoint and credentials reach the command and the workers the way
 * a user sets them (the {@code audiocat.s3.endpoint} and AWS system properties).
 */
class S3IngestIT {

    static Path library;
    static DemoManifest manifest;
    static S3Client s3;
    static String bucket;

    @TempDir
    Path out;

    @BeforeAll
    static void upload() throws Exception {
        library = Path.of("target", "it-demo-library").toAbsolutePath();
        manifest = DemoLibrary.ensure(library, DemoLibrary.DEFAULT_SEED);
        s3 = S3ServerProcess.client();
        bucket = S3ServerProcess.newBucket(s3);
        try (Stream<Path> files = Files.walk(library)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String key = "demo/" + library.relativize(f).toString().replace('\\', '/');
                s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromFile(f));
            }
        }
        // a neighbouring prefix and a hidden folder must not be listed as part of s3://bucket/demo
        byte[] someAudio = Files.readAllBytes(manifest.good().get(0).resolve(library));
        s3.putObject(b -> b.bucket(bucket).key("demo2/other.wav"), RequestBody.fromBytes(someAudio));
        s3.putObject(b -> b.bucket(bucket).key("demo/.trash/old.wav"), RequestBody.fromBytes(someAudio));
        System.setProperty("audiocat.s3.endpoint", S3ServerProcess.endpoint());
        System.setProperty("aws.accessKeyId", "test");
        System.setProperty("aws.secretAccessKey", "test");
    }

    @AfterAll
    static void clearProperties() {
        System.clearProperty("audiocat.s3.endpoint");
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
        if (s3 != null) {
            s3.close();
        }
    }

    private static IngestSummary ingest(String source, Path catalog) {
        return IngestRun.execute(source, catalog, IngestRun.Settings.defaults().withParallelism(2).withTagging(false),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    private static String uri(DemoManifest.Entry e) {
        return "s3://" + bucket + "/demo/" + e.path();
    }

    @Test
    void anS3LibraryIsCataloguedLikeAFolderAndRerunsSkipIt() {
        Path catalog = out.resolve("catalog");
        IngestSummary first = ingest("s3://" + bucket + "/demo", catalog);

        assertEquals(manifest.files().size(), first.found(), "the demo's files, not demo2/ nor demo/.trash/");
        assertEquals(1, first.ignored(), "the manifest beside the files is not audio");
        assertEquals(manifest.good().size(), first.catalogued());
        assertEquals(manifest.broken().size(), first.deadLetters());
        assertTrue(first.balanced());
        assertEquals(manifest.totalAudioSeconds(), first.audioSeconds(), 0.5);

        // every file as the folder ingest sees it: rate, channels, duration, loudness, dead-letter reason
        List<DemoCommand.Check> failed = DemoCommand.check(manifest, S3IngestIT::uri, catalog).stream().filter(c -> !c.ok()).toList();
        assertTrue(failed.isEmpty(), "mismatches: " + failed);
        List<GenericRecord> rows = CatalogReader.readAll(catalog, CatalogSchema.CATALOG_DIR);
        Set<String> expectedIds = manifest.good().stream().map(DemoManifest.Entry::sha256).collect(Collectors.toSet());
        assertEquals(expectedIds, rows.stream().map(r -> r.get("asset_id").toString()).collect(Collectors.toSet()));
        // dead letters name the object, never the worker's temporary copy
        for (GenericRecord d : CatalogReader.readAll(catalog, CatalogSchema.DEAD_LETTER_DIR)) {
            String message = d.get("message").toString();
            assertTrue(message.contains("s3://" + bucket + "/demo/"), message);
            assertTrue(!message.contains(System.getProperty("java.io.tmpdir")), message);
        }

        // unchanged objects (same size and last-modified) are skipped without a download
        IngestSummary second = ingest("s3://" + bucket + "/demo/", catalog);
        assertEquals(manifest.good().size(), second.skipped());
        assertEquals(0, second.catalogued());
        assertEquals(manifest.broken().size(), second.deadLetters(), "broken files are tried again");
        assertTrue(second.balanced());

        // an object overwritten with other bytes is analysed again; the rest stay skipped
        DemoManifest.Entry replaced = manifest.good().get(2);
        DemoManifest.Entry other = manifest.good().stream().filter(e -> !e.sha256().equals(replaced.sha256())).findFirst().orElseThrow();
        byte[] otherBytes;
        try {
            otherBytes = Files.readAllBytes(other.resolve(library));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        s3.putObject(b -> b.bucket(bucket).key("demo/" + replaced.path()), RequestBody.fromBytes(otherBytes));
        IngestSummary third = ingest("s3://" + bucket + "/demo", catalog);
        assertEquals(1, third.catalogued());
        assertEquals(manifest.good().size() - 1, third.skipped());
        assertTrue(third.balanced());
        GenericRecord now = CatalogReader.latestRows(catalog).stream().filter(r -> r.get("uri").toString().equals(uri(replaced)))
                .findFirst().orElseThrow();
        assertEquals(other.sha256(), now.get("asset_id").toString(), "the new content's hash");

        // one object by its full key
        DemoManifest.Entry one = manifest.good().get(1);
        IngestSummary single = ingest(uri(one), out.resolve("single"));
        assertEquals(1, single.found());
        assertEquals(1, single.catalogued());
    }

    @Test
    void aMissingBucketOrAnEmptyPrefixIsAClearError() {
        IllegalArgumentException noBucket = assertThrows(IllegalArgumentException.class,
                () -> ingest("s3://no-such-bucket-here/demo", out.resolve("c1")));
        assertTrue(noBucket.getMessage().contains("no such bucket 'no-such-bucket-here'"), noBucket.getMessage());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> ingest("s3://" + bucket + "/nothing-here", out.resolve("c2")));
        assertTrue(empty.getMessage().contains("no objects under this prefix"), empty.getMessage());
    }

    @Test
    void referencesAreAddedFromAnS3Prefix() throws Exception {
        Path index = out.resolve("refs");
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.execute("references", "add", "s3://" + bucket + "/demo", "--index", index.toString());
        } finally {
            System.setOut(old);
        }
        String printed = buf.toString(StandardCharsets.UTF_8);
        // the broken files fail (exit code 3, each reported); every good one is added under its s3:// URI
        assertEquals(3, code, printed);
        long distinct = manifest.good().stream().map(DemoManifest.Entry::sha256).distinct().count();
        assertTrue(printed.contains(distinct + " added, " + (manifest.good().size() - distinct) + " already indexed, "
                + manifest.broken().size() + " failed"), printed);
        ReferenceIndex idx = ReferenceIndex.open(index);
        Set<String> goodUris = manifest.good().stream().map(S3IngestIT::uri).collect(Collectors.toSet());
        assertEquals(distinct, idx.references().size());
        for (ReferenceIndex.Reference r : idx.references()) {
            assertTrue(goodUris.contains(r.uri()), r.uri());
        }
        assertEquals(manifest.good().stream().map(DemoManifest.Entry::sha256).collect(Collectors.toSet()),
                idx.references().stream().map(ReferenceIndex.Reference::id).collect(Collectors.toSet()));
    }
}
