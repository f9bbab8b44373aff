package dev.audiocat.pipelines.cli;

import dev.audiocat.pipelines.AudiocatHome;
import dev.audiocat.pipelines.IngestRun;
import dev.audiocat.pipelines.IngestSummary;
import dev.audiocat.pipelines.catalog.CatalogReader;
import dev.audiocat.pipelines.catalog.CatalogSchema;
import dev.audiocat.pipelines.demo.DemoLibrary;
import dev.audiocat.pipelines.demo.DemoManifest;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code audiocat demo}: generates the demo library (once), ingests it into a fresh catalog, and
 * checks every catalog row and dead letter against what the library is known to contain.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Generate a demo library, ingest it on the embedded Flink runner, and check the catalog against the library's known properties.")
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--out", paramLabel = "DIR", description = "where the demo library and its catalog go (default: $AUDIOCAT_HOME/demo)")
    Path out;

    @Mixin
    IngestCommand.RunnerOptions runner = new IngestCommand.RunnerOptions();

    @Mixin
    IndexCommand.EsOptions es = new IndexCommand.EsOptions();

    /** One line of the check table. */
    public record Check(String file, String expected, String found, boolean ok) {
    }

    @Override
    public Integer call() throws IOException {
        Path dir = (out != null ? out : AudiocatHome.get().resolve("demo")).toAbsolutePath().normalize();
        Path library = dir.resolve("library");
        Path catalog = dir.resolve("catalog");
        PrintStream o = System.out;
        PrintStream err = System.err;

        long t0 = System.nanoTime();
        err.println("demo: preparing the demo library in " + library);
        DemoManifest manifest = DemoLibrary.ensure(library, DemoLibrary.DEFAULT_SEED);
        err.printf(Locale.ROOT, "demo: %d files (%d good, %d broken), %.1f min of audio, ready in %.1f s%n", manifest.files().size(),
                manifest.good().size(), manifest.broken().size(), manifest.totalAudioSeconds() / 60, (System.nanoTime() - t0) / 1e9);

        clearCatalog(catalog);
        IngestSummary summary = IngestRun.execute(library, catalog, runner.settings(es), err);
        IngestCommand.print(summary, catalog, o);

        List<Check> checks = check(manifest, library, catalog);
        o.println();
        o.println("checked against " + library.resolve(DemoLibrary.MANIFEST_FILE) + ":");
        Table t = new Table("file", "expected", "catalog", "");
        for (Check c : checks) {
            t.row(c.file(), c.expected(), c.found(), c.ok() ? "ok" : "MISMATCH");
        }
        t.print(o);
        long bad = checks.stream().filter(c -> !c.ok()).count();
        boolean balanced = summary.balanced() && summary.found() == manifest.files().size();
        o.printf(Locale.ROOT, "%d of %d files as expected; files found %d = catalogued %d + dead letters %d + skipped %d: %s%n",
                checks.size() - bad, checks.size(), summary.found(), summary.catalogued(), summary.deadLetters(), summary.skipped(),
                balanced ? "balanced" : "NOT BALANCED");
        o.println("catalog: " + catalog);
        o.println("look at it: ./audiocat catalog show " + catalog + "   (--json, --dead-letters)");
        return bad == 0 && balanced ? 0 : 1;
    }

    /** The demo's catalog is rebuilt on every run so its summary matches the library. */
    private static void clearCatalog(Path catalog) throws IOException {
        if (!Files.exists(catalog)) {
            return;
        }
        for (String sub : List.of(CatalogSchema.CATALOG_DIR, CatalogSchema.DEAD_LETTER_DIR)) {
            Path d = catalog.resolve(sub);
            if (Files.isDirectory(d)) {
                try (Stream<Path> s = Files.walk(d)) {
                    for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
        }
    }

    /** Compares the catalog folder's rows and dead letters with the manifest, one check per manifest file. */
    public static List<Check> check(DemoManifest manifest, Path library, Path catalog) {
        return check(manifest, e -> e.resolve(library).toUri().toString(), catalog);
    }

    /** As {@link #check(DemoManifest, Path, Path)} for a copy of the library elsewhere (e.g. on S3): {@code uriOf} gives each file's URI. */
    public static List<Check> check(DemoManifest manifest, java.util.function.Function<DemoManifest.Entry, String> uriOf, Path catalog) {
        Map<String, GenericRecord> rows = new HashMap<>();
        for (GenericRecord r : CatalogReader.latestRows(catalog)) {
            rows.put(r.get("uri").toString(), r);
        }
        Map<String, GenericRecord> dead = new HashMap<>();
        for (GenericRecord r : CatalogReader.latestDeadLetters(catalog)) {
            dead.put(r.get("uri").toString(), r);
        }
        List<Check> checks = new ArrayList<>();
        for (DemoManifest.Entry e : manifest.files()) {
            String uri = uriOf.apply(e);
            GenericRecord row = rows.get(uri);
            GenericRecord dl = dead.get(uri);
            if (e.broken()) {
                String expected = "dead letter: " + e.deadLetterReason();
                if (dl == null) {
                    checks.add(new Check(e.path(), expected, row == null ? "missing" : "catalogued", false));
                } else {
                    String reason = dl.get("reason").toString();
                    checks.add(new Check(e.path(), expected, "dead letter: " + reason, reason.equals(e.deadLetterReason())));
                }
                continue;
            }
            String expected = describe(e.sampleRate(), e.channels(), e.durationSeconds(), e.integratedLufs());
            if (row == null) {
                checks.add(new Check(e.path(), expected, dl == null ? "missing" : "dead letter: " + dl.get("reason"), false));
                continue;
            }
            int rate = (Integer) row.get("sample_rate");
            int ch = (Integer) row.get("channels");
            double dur = (Double) row.get("duration_seconds");
            Double lufs = (Double) row.get("integrated_lufs");
            boolean ok = rate == e.sampleRate() && ch == e.channels()
                    && Math.abs(dur - e.durationSeconds()) <= e.durationToleranceSeconds() + 1e-9
                    && (e.integratedLufs() == null || (lufs != null && Math.abs(lufs - e.integratedLufs()) <= e.loudnessToleranceLu() + 1e-9));
            checks.add(new Check(e.path(), expected, describe(rate, ch, dur, e.integratedLufs() == null ? null : lufs), ok));
        }
        return checks;
    }

    private static String describe(int rate, int channels, double seconds, Double lufs) {
        return String.format(Locale.ROOT, "%d Hz %s %.3f s%s", rate, channels == 1 ? "mono" : channels == 2 ? "stereo" : channels + "ch", seconds,
                lufs == null ? "" : String.format(Locale.ROOT, " %.1f LUFS", lufs));
    }
}
