package dev.audiocat.pipelines.cli;

import dev.audiocat.pipelines.AudiocatHome;
import dev.audiocat.pipelines.IngestRun;
import dev.audiocat.pipelines.IngestSummary;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code audiocat ingest FOLDER|s3://BUCKET/PREFIX --out CATALOG}: catalogs a library. */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = {"Catalog every audio file under FOLDER (recursively) or s3://BUCKET/PREFIX into Parquet datasets under --out.",
            "S3: credentials and region from the AWS default chain; an S3-compatible server through AWS_ENDPOINT_URL_S3 "
                    + "(or -Daudiocat.s3.endpoint=URL in AUDIOCAT_JAVA_OPTS)."})
public final class IngestCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FOLDER|s3://BUCKET/PREFIX", description = "library folder, a single file, or an S3 prefix")
    String input;

    @Option(names = "--out", paramLabel = "CATALOG",
            description = "catalog folder (default: $AUDIOCAT_HOME/catalogs/<folder name>)")
    Path output;

    @Mixin
    RunnerOptions runner = new RunnerOptions();

    @Mixin
    IndexCommand.EsOptions es = new IndexCommand.EsOptions();

    @Override
    public Integer call() throws java.io.IOException {
        Path out = output != null ? output : AudiocatHome.dir("catalogs").resolve(defaultCatalogName(input));
        PrintStream err = System.err;
        IngestSummary s = IngestRun.execute(input, out, runner.settings(es), err);
        print(s, out, System.out);
        return s.balanced() ? 0 : 2;
    }

    /** The default catalog's folder name: the library folder's name, or bucket-prefix for S3. */
    static String defaultCatalogName(String source) {
        if (dev.audiocat.pipelines.S3Library.isS3(source)) {
            String name = source.substring("s3://".length()).replaceAll("/+$", "").replace('/', '-');
            return name.isEmpty() ? "s3" : name;
        }
        Path p = Path.of(source).toAbsolutePath().normalize().getFileName();
        return p == null ? "root" : p.toString();
    }

    static void print(IngestSummary s, Path out, PrintStream o) {
        o.println();
        o.printf(Locale.ROOT, "run %s%n", s.runId());
        o.printf(Locale.ROOT, "  files found        %8d%s%n", s.found(), s.ignored() > 0 ? "   (+" + s.ignored() + " non-audio files ignored)" : "");
        o.printf(Locale.ROOT, "  catalogued         %8d%n", s.catalogued());
        o.printf(Locale.ROOT, "  already catalogued %8d%s%n", s.skipped(), s.skipped() > 0
                ? "   (same size and modification time, or same content: skipped; --verify reads and checks them, --redo re-analyses)" : "");
        if (!s.changedInPlace().isEmpty()) {
            o.printf(Locale.ROOT, "  changed in place   %8d   (new bytes under the size and modification time last seen: damage, or an edit that "
                    + "kept the time; catalogued again)%n", s.changedInPlace().size());
            s.changedInPlace().stream().limit(10).forEach(u -> o.printf(Locale.ROOT, "    %s%n", u));
            if (s.changedInPlace().size() > 10) {
                o.printf(Locale.ROOT, "    ... and %d more%n", s.changedInPlace().size() - 10);
            }
        }
        o.printf(Locale.ROOT, "  dead letters       %8d%n", s.deadLetters());
        for (Map.Entry<String, Long> e : s.deadLetterReasons().entrySet()) {
            o.printf(Locale.ROOT, "    %-24s %6d%n", e.getKey(), e.getValue());
        }
        if (s.notIndexed() > 0) {
            o.printf(Locale.ROOT, "  not indexed        %8d   (catalogued, but Elasticsearch refused them: see --dead-letters; 'audiocat index rebuild' recovers)%n",
                    s.notIndexed());
        }
        o.printf(Locale.ROOT, "  audio              %8.2f h%n", s.audioSeconds() / 3600);
        if (s.firstResultSeconds() >= 0) {
            o.printf(Locale.ROOT, "  wall time          %8.1f s   (first file done %.1f s after the pipeline started: runner start-up + one file)%n",
                    s.wallSeconds(), s.firstResultSeconds());
        } else {
            o.printf(Locale.ROOT, "  wall time          %8.1f s%n", s.wallSeconds());
        }
        o.printf(Locale.ROOT, "  speed              %8.0f× realtime%n", s.realtimeFactor());
        o.printf(Locale.ROOT, "  catalog            %s%n", out.toAbsolutePath());
        if (!s.balanced()) {
            o.printf(Locale.ROOT, "  WARNING: files found (%d) != catalogued + dead letters + skipped (%d); please report this%n",
                    s.found(), s.catalogued() + s.deadLetters() + s.skipped());
        }
    }

    /** Runner and per-file options shared by ingest and demo. */
    public static final class RunnerOptions {
        @Option(names = "--runner", defaultValue = "FlinkRunner", description = "Beam runner (default: ${DEFAULT-VALUE})")
        String runner;

        @Option(names = "--flink-master", defaultValue = "[local]",
                description = "Flink master: [local] runs an embedded mini-cluster; host:port submits to a cluster (default: ${DEFAULT-VALUE})")
        String flinkMaster;

        @Option(names = "--parallelism", description = "workers (default: the number of cores)")
        Integer parallelism;

        @Option(names = "--file-timeout", defaultValue = "1800", description = "seconds allowed per file (default: ${DEFAULT-VALUE})")
        long fileTimeoutSeconds;

        @Option(names = "--redo", description = "re-analyse files already in the catalog")
        boolean redo;

        @Option(names = "--verify", description = "read every catalogued file and compare its content hash (a fixity check), instead of "
                + "skipping the files whose size and modification time are as catalogued; reports files whose bytes changed in place")
        boolean verify;

        @Option(names = "--retag", description = "re-analyse the catalogued files whose tags come from other models than the "
                + "registry's (after a model upgrade, a model added or removed, or a failed tagging); others are skipped as usual")
        boolean retag;

        @Option(names = "--beam-arg", paramLabel = "--NAME=VALUE", description = "extra Beam/Flink pipeline option, repeatable")
        List<String> beamArgs = new ArrayList<>();

        @Option(names = "--no-tagging", description = "skip the tagging models (embedding, instruments, speech/music, mood)")
        boolean noTagging;

        @Option(names = "--ledger", paramLabel = "DIR|s3://BUCKET/PREFIX",
                description = "license ledger whose rights are joined into every row (default: $AUDIOCAT_HOME/ledger when it exists)")
        String ledger;

        @Option(names = "--references", paramLabel = "DIR",
                description = "reference index to check every asset against (default: $AUDIOCAT_HOME/references when it holds an index)")
        Path references;

        @Option(names = "--no-index", description = "write the Parquet catalog only; do not index into Elasticsearch")
        boolean noIndex;

        /** The settings, with Elasticsearch resolved through {@code es} (the local node is started when needed). */
        public IngestRun.Settings settings(IndexCommand.EsOptions es) throws java.io.IOException {
            IngestRun.Settings s = settings();
            if (!noIndex) {
                s = s.withElastic(new IngestRun.Elastic(es.resolveUrl(), es.url != null ? es.credentials()
                        : dev.audiocat.search.SearchConnection.Credentials.none(), es.alias));
            }
            return s;
        }

        public IngestRun.Settings settings() {
            if (fileTimeoutSeconds <= 0) {
                throw new IllegalArgumentException("--file-timeout must be > 0 seconds, got " + fileTimeoutSeconds);
            }
            int p = parallelism != null ? parallelism : Runtime.getRuntime().availableProcessors();
            if (p < 1) {
                throw new IllegalArgumentException("--parallelism must be >= 1, got " + p);
            }
            String ledgerLocation = ledger;
            Path defaultLedger = dev.audiocat.ledger.AudiocatHome.defaultLedger();
            if (ledgerLocation == null && java.nio.file.Files.isDirectory(defaultLedger)) {
                ledgerLocation = defaultLedger.toString();
            }
            Path refs = references;
            Path defaultRefs = ReferencesCommand.defaultIndex();
            if (refs == null && java.nio.file.Files.exists(defaultRefs.resolve(dev.audiocat.features.fingerprint.ReferenceIndex.FILE_NAME))) {
                refs = defaultRefs;
            }
            if (refs != null && !java.nio.file.Files.exists(refs.resolve(dev.audiocat.features.fingerprint.ReferenceIndex.FILE_NAME))) {
                throw new IllegalArgumentException(refs + ": no reference index here; build one with 'audiocat references add <folder>'");
            }
            return new IngestRun.Settings(runner, flinkMaster, p, fileTimeoutSeconds, redo, retag, beamArgs, !noTagging, ledgerLocation,
                    refs == null ? null : refs.toString(), null, verify);
        }
    }
}
