package dev.audiocat.pipelines.cli;

import dev.audiocat.features.AudioAnalyzer;
import dev.audiocat.features.decode.DecodeException;
import dev.audiocat.features.fingerprint.LandmarkExtractor;
import dev.audiocat.features.fingerprint.LandmarkHashes;
import dev.audiocat.features.fingerprint.ReferenceIndex;
import dev.audiocat.ledger.store.S3Store;
import dev.audiocat.pipelines.AudioFile;
import dev.audiocat.pipelines.AudiocatHome;
import dev.audiocat.pipelines.LibraryScanner;
import dev.audiocat.pipelines.S3Library;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.services.s3.S3Client;

/** {@code audiocat references add <folder|s3://bucket/prefix>} and {@code audiocat references list}. */
@Command(name = "references", mixinStandardHelpOptions = true,
        description = "Build and inspect the reference index that ingest and 'identify' check audio against.",
        subcommands = {ReferencesCommand.Add.class, ReferencesCommand.ListRefs.class})
public final class ReferencesCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The default index folder: {@code $AUDIOCAT_HOME/references}. */
    static Path defaultIndex() {
        return AudiocatHome.get().resolve("references");
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Fingerprint every audio file under a folder or s3:// prefix and add it to the reference index "
                    + "(files already in the index, by content hash, are skipped).")
    static final class Add implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "SOURCE", description = "a folder, a single file, or s3://bucket/prefix")
        String source;

        @Option(names = "--index", paramLabel = "DIR", description = "reference index folder (default: $AUDIOCAT_HOME/references)")
        Path index;

        @Option(names = "--endpoint", paramLabel = "URL", description = "S3-compatible endpoint for s3:// sources (path-style; default: AWS_ENDPOINT_URL_S3)")
        String endpoint;

        @Option(names = "--region", paramLabel = "REGION", description = "AWS region for s3:// sources")
        String region;

        @Option(names = "--file-timeout", paramLabel = "SECONDS", defaultValue = "600",
                description = "give up on a file after this many seconds (default: ${DEFAULT-VALUE})")
        long fileTimeoutSeconds;

        @Override
        public Integer call() throws Exception {
            Path dir = index != null ? index : defaultIndex();
            ReferenceIndex idx = ReferenceIndex.open(dir);
            PrintStream out = System.out;
            int added = 0;
            int skipped = 0;
            int failed = 0;
            double seconds = 0;
            long t0 = System.nanoTime();
            if (S3Library.isS3(source)) {
                Path tmpDir = AudiocatHome.dir("tmp", "references");
                try (S3Client s3 = S3Store.configuredClient(endpoint, region)) {
                    for (AudioFile o : S3Library.list(s3, source).candidates()) {
                        Path tmp;
                        try {
                            tmp = S3Library.fetch(s3, o.uri(), tmpDir);
                        } catch (IOException e) {
                            System.err.println("audiocat: skipped " + o.uri() + ": " + e.getMessage());
                            failed++;
                            continue;
                        }
                        try {
                            int r = addOne(idx, tmp, o.uri(), out);
                            added += r == 1 ? 1 : 0;
                            skipped += r == 0 ? 1 : 0;
                            failed += r < 0 ? 1 : 0;
                        } finally {
                            Files.deleteIfExists(tmp);
                        }
                    }
                }
            } else {
                Path root = Path.of(source);
                if (!Files.exists(root)) {
                    throw new IllegalArgumentException(source + ": no such file or folder; give a folder of audio files or s3://bucket/prefix");
                }
                for (AudioFile f : LibraryScanner.scan(root).candidates()) {
                    int r = addOne(idx, Path.of(f.localPath()), f.uri(), out);
                    added += r == 1 ? 1 : 0;
                    skipped += r == 0 ? 1 : 0;
                    failed += r < 0 ? 1 : 0;
                }
            }
            idx.save();
            double secs = (System.nanoTime() - t0) / 1e9;
            out.printf(Locale.ROOT, "%d added, %d already indexed, %d failed in %.1f s; index %s: %d references, %.2f h of audio, %d hashes, %.1f MB%n",
                    added, skipped, failed, secs, dir, idx.references().size(), idx.seconds() / 3600, idx.size(), idx.bytesOnDisk() / 1e6);
            return failed > 0 ? 3 : 0;
        }

        /** 1 added, 0 already there, -1 failed (reported on stderr). */
        private int addOne(ReferenceIndex idx, Path file, String uri, PrintStream out) throws IOException {
            String id = AudioAnalyzer.sha256(file);
            if (idx.contains(id)) {
                return 0;
            }
            try {
                LandmarkHashes h = LandmarkExtractor.extract(file, fileTimeoutSeconds * 1000);
                idx.add(id, uri, h);
                out.printf(Locale.ROOT, "added %s (%.1f s, %d hashes)%n", uri, h.seconds(), h.size());
                return 1;
            } catch (DecodeException e) {
                System.err.println("audiocat: skipped " + uri + ": " + e.getMessage());
                return -1;
            }
        }

    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the references in the index.")
    static final class ListRefs implements Callable<Integer> {

        @Option(names = "--index", paramLabel = "DIR", description = "reference index folder (default: $AUDIOCAT_HOME/references)")
        Path index;

        @Override
        public Integer call() throws Exception {
            Path dir = index != null ? index : defaultIndex();
            if (!Files.exists(dir.resolve(ReferenceIndex.FILE_NAME))) {
                throw new IllegalArgumentException(dir + ": no reference index yet; build one with 'audiocat references add <folder>'");
            }
            ReferenceIndex idx = ReferenceIndex.open(dir);
            Table t = new Table("reference_id", "seconds", "hashes", "uri");
            for (ReferenceIndex.Reference r : idx.references()) {
                t.row(r.id().substring(0, 16), String.format(Locale.ROOT, "%.1f", r.seconds()), Integer.toString(r.hashes()), r.uri());
            }
            t.print(System.out);
            System.out.printf(Locale.ROOT, "%d references, %.2f h of audio%n", idx.references().size(), idx.seconds() / 3600);
            return 0;
        }
    }
}
