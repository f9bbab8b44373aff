package dev.audiocat.pipelines.cli;

import dev.audiocat.ledger.Ledger;
import dev.audiocat.ledger.LedgerTime;
import dev.audiocat.ledger.Purpose;
import dev.audiocat.ledger.store.S3Store;
import dev.audiocat.pipelines.export.TrainingSetExport;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code audiocat export CATALOG --license L --territory T --out DIR}: a consent-clean training set. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Package the catalog's assets that the license ledger allows for a purpose, a licensee and a territory: "
                + "audio, Parquet metadata, croissant.json, a dataset card and SHA256SUMS; every other asset of the license is listed with its reason (--dry-run: every asset of the catalog).",
            "Deny by default (docs/ledger.md, the consent rule). The delivery is recorded in the ledger as a usage of the license."})
public final class ExportCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "CATALOG", description = "catalog folder written by 'audiocat ingest'")
    Path catalog;

    @Option(names = "--license", required = true, paramLabel = "ID",
            description = "the license the set is delivered under: its licensee is the recipient; it must grant the purpose in the territory now")
    String license;

    @Option(names = "--purpose", defaultValue = "ai_training", paramLabel = "PURPOSE",
            description = "catalog, commercial_license, ai_training or ai_generative_training (default: ${DEFAULT-VALUE})")
    String purpose;

    @Option(names = "--territory", required = true, paramLabel = "CC", description = "where the set will be used: ISO 3166 alpha-2 code, e.g. DE")
    String territory;

    @Option(names = "--at", paramLabel = "TIME", description = "judge consents as of this UTC time or date (default: now); for audits")
    String at;

    @Option(names = "--out", paramLabel = "DIR|s3://BUCKET/PREFIX",
            description = "new folder or S3 prefix for the package (must not exist or be empty); not needed with --dry-run")
    String out;

    @Option(names = "--name", description = "dataset name in the card and croissant.json (default: the --out folder's name)")
    String name;

    @Option(names = "--dry-run", description = "print each asset's decision; write and record nothing")
    boolean dryRun;

    @Mixin
    LedgerCommand.Location ledger = new LedgerCommand.Location();

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(catalog)) {
            throw new IllegalArgumentException(catalog + ": no such catalog folder; give the --out folder of 'audiocat ingest'");
        }
        if (out == null && !dryRun) {
            throw new IllegalArgumentException("give --out DIR for the package (or --dry-run to see the decisions only)");
        }
        String cc = territory.toUpperCase(Locale.ROOT);
        if (!cc.matches("[A-Z]{2}")) {
            throw new IllegalArgumentException("--territory '" + territory + "' is not an ISO 3166 alpha-2 code (e.g. DE, US)");
        }
        Instant when = at == null ? Instant.now() : parseTime(at);
        PrintStream o = System.out;
        try (Ledger l = ledger.openExistingLedger()) {
            TrainingSetExport.Request req = new TrainingSetExport.Request(catalog, license, Purpose.parse(purpose), cc, when,
                    out == null ? catalog.resolve("dry-run").toString() : out, name, dryRun);
            TrainingSetExport.Result r = TrainingSetExport.run(req, l, () -> S3Store.configuredClient(null, null));
            if (dryRun) {
                o.printf(Locale.ROOT, "dry run: %s for %s in %s at %s (ledger tree size %d)%n", req.purpose().wire(), r.licensee(), cc, when,
                        r.treeSize());
                for (TrainingSetExport.Clip c : r.included()) {
                    o.printf(Locale.ROOT, "  in   %s  %s  (consent %s)%n", c.row().get("asset_id"), c.row().get("uri"), c.consentId());
                }
                for (TrainingSetExport.Excluded e : r.excluded()) {
                    o.printf(Locale.ROOT, "  out  %s  %s  %s: %s%n", e.assetId(), e.uri(), e.kind(), e.reason());
                }
            }
            o.printf(Locale.ROOT, "%s %d clips (%.1f min of audio)%s; left out %d%s%n", dryRun ? "would export" : "exported",
                    r.included().size(), r.audioSeconds() / 60, dryRun ? "" : " to " + r.out(), r.excluded().size(),
                    r.excluded().isEmpty() ? "" : " " + r.excludedByReason());
            if (!dryRun) {
                o.printf(Locale.ROOT, "recorded in the ledger as usage %s of license %s (export %s; consents judged at tree size %d, root %s)%n",
                        r.usageId(), license, r.exportId(), r.treeSize(), r.rootHash());
                if (!dev.audiocat.pipelines.S3Library.isS3(r.out())) {
                    o.println("check the package with: (cd " + r.out() + " && sha256sum -c SHA256SUMS)");
                }
            }
            return 0;
        }
    }

    static Instant parseTime(String s) {
        try {
            return LedgerTime.parse(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--at " + e.getMessage(), e);
        }
    }
}
