package dev.audiocat.pipelines.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.audiocat.ledger.Ledger;
import dev.audiocat.pipelines.S3ServerProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@code audiocat export} with S3 on both ends, against a real S3-compatible server: the catalog's
 * sources are {@code s3://} objects and the package goes to an {@code s3://} prefix, SHA256SUMS last.
 */
class ExportS3IT {

    @TempDir
    Path dir;

    @AfterEach
    void clearProperties() {
        System.clearProperty("audiocat.s3.endpoint");
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
    }

    @Test
    void sourcesAndPackageOnS3() throws Exception {
        try (S3Client s3 = S3ServerProcess.client()) {
            String bucket = S3ServerProcess.newBucket(s3);
            ExportFixture f = new ExportFixture(dir, p -> "s3://" + bucket + "/lib/" + p.getFileName());
            try (Stream<Path> files = Files.list(f.library)) {
                for (Path p : files.toList()) {
                    // uploaded after the fixture changed elec_ping: the object differs from what was catalogued
                    s3.putObject(b -> b.bucket(bucket).key("lib/" + p.getFileName()), RequestBody.fromFile(p));
                }
            }
            System.setProperty("audiocat.s3.endpoint", S3ServerProcess.endpoint());
            System.setProperty("aws.accessKeyId", "test");
            System.setProperty("aws.secretAccessKey", "test");

            String out = "s3://" + bucket + "/sets/acme-2026";
            ExportFixture.Run r = ExportFixture.run("export", f.catalog.toString(), "--license", "L1", "--territory", "DE",
                    "--out", out, "--ledger", f.ledger);
            assertEquals(0, r.code(), r.out() + r.err());
            assertTrue(r.out().contains("exported 1 clips"), r.out());

            Map<String, byte[]> objects = new TreeMap<>();
            for (S3Object o : s3.listObjectsV2(b -> b.bucket(bucket).prefix("sets/acme-2026/")).contents()) {
                objects.put(o.key().substring("sets/acme-2026/".length()),
                        s3.getObjectAsBytes(b -> b.bucket(bucket).key(o.key())).asByteArray());
            }
            assertEquals(List.of("DATASET_CARD.md", "SHA256SUMS", "audio/" + f.ids.get("bd_haus") + ".flac", "croissant.json",
                    "metadata/catalog.parquet", "metadata/clips.csv", "metadata/excluded.csv"), List.copyOf(objects.keySet()));
            // every object matches its line in SHA256SUMS, and the audio is the catalogued bytes
            List<String> sums = new String(objects.get("SHA256SUMS"), StandardCharsets.UTF_8).lines().toList();
            assertEquals(objects.size() - 1, sums.size());
            for (String line : sums) {
                String[] parts = line.split("  ", 2);
                assertEquals(parts[0], HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(objects.get(parts[1]))), line);
            }
            assertTrue(sums.contains(f.ids.get("bd_haus") + "  audio/" + f.ids.get("bd_haus") + ".flac"), sums.toString());
            String excluded = new String(objects.get("metadata/excluded.csv"), StandardCharsets.UTF_8);
            assertTrue(excluded.contains(f.ids.get("elec_ping") + ",s3://" + bucket + "/lib/elec_ping.flac,source changed,"), excluded);

            try (Ledger l = Ledger.open(f.ledger)) {
                assertEquals(1, l.state().usages().size());
                assertEquals(List.of(f.ids.get("bd_haus")), l.state().usages().get(0).assetIds());
            }

            ExportFixture.Run again = ExportFixture.run("export", f.catalog.toString(), "--license", "L1", "--territory", "DE",
                    "--out", out, "--ledger", f.ledger);
            assertEquals(1, again.code());
            assertTrue(again.err().contains("already holds objects"), again.err());
        }
    }
}
