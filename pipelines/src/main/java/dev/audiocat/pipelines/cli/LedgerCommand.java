package dev.audiocat.pipelines.cli;

import dev.audiocat.ledger.AssetHistory;
import dev.audiocat.ledger.AudiocatHome;
import dev.audiocat.ledger.CheckpointKeys;
import dev.audiocat.ledger.Hex;
import dev.audiocat.ledger.Horizon;
import dev.audiocat.ledger.Importer;
import dev.audiocat.ledger.Ledger;
import dev.audiocat.ledger.LedgerLocation;
import dev.audiocat.ledger.LogEntry;
import dev.audiocat.ledger.RoyaltyStatement;
import dev.audiocat.ledger.SignedCheckpoint;
import dev.audiocat.ledger.SourcedEvent;
import dev.audiocat.ledger.ValidationError;
import dev.audiocat.ledger.ValidationException;
import dev.audiocat.ledger.Verifier;
import dev.audiocat.ledger.bench.LedgerBench;
import dev.audiocat.ledger.json.Json;
import dev.audiocat.ledger.merkle.MerkleTree;
import dev.audiocat.ledger.store.LogStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code audiocat ledger ...}: the license ledger (consents, licenses, royalty splits, usage) in a
 * tamper-evident log. See docs/ledger.md.
 */
@Command(name = "ledger", mixinStandardHelpOptions = true,
        description = "The license ledger: import rights, show an asset's history, verify, checkpoint, prove, statements.",
        subcommands = {LedgerCommand.Import.class, LedgerCommand.History.class, LedgerCommand.Verify.class,
            LedgerCommand.Checkpoint.class, LedgerCommand.Prove.class, LedgerCommand.Statement.class,
            LedgerCommand.Bench.class})
public final class LedgerCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Where the ledger is. */
    public static final class Location {
        @Option(names = "--ledger", paramLabel = "DIR|s3://BUCKET/PREFIX",
                description = "ledger location: a folder or s3://bucket/prefix (S3-compatible servers: set "
                        + "AWS_ENDPOINT_URL_S3). Default: $AUDIOCAT_HOME/ledger")
        String location;

        String describe() {
            return location == null ? AudiocatHome.defaultLedger().toString() : location;
        }

        Ledger open() throws IOException {
            return Ledger.open(LedgerLocation.open(location));
        }

        /** Read-only commands must not create an empty ledger where the user mistyped a folder. */
        LogStore openExisting() throws IOException {
            if (location == null || !location.startsWith("s3://")) {
                Path dir = location == null ? AudiocatHome.defaultLedger() : Path.of(location);
                if (!Files.isRegularFile(dir.resolve("ledger.log"))) {
                    throw new IllegalArgumentException("there is no ledger at " + dir
                            + " (no ledger.log); check --ledger, or create one with 'audiocat ledger import'");
                }
            }
            return LedgerLocation.open(location);
        }

        Ledger openExistingLedger() throws IOException {
            return Ledger.open(openExisting());
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = {"Append parties, assets, consents, revocations, licenses, splits or usage from CSV or JSON.",
                "All files go in as one entry: if any value is invalid, every error is listed (file, line, field) "
                        + "and nothing is written."})
    static final class Import implements Callable<Integer> {
        @Mixin
        Location ledger;

        @Parameters(arity = "1..*", paramLabel = "FILE",
                description = "CSV (parties.csv, assets.csv, consents.csv, revocations.csv, licenses.csv, splits.csv, "
                        + "usage.csv) or JSON (array or JSON Lines of events with a \"type\")")
        List<Path> files;

        @Option(names = "--kind", description = "what the CSV files hold, when their names do not say: ${COMPLETION-CANDIDATES}")
        String kind;

        @Option(names = "--dry-run", description = "validate only; write nothing")
        boolean dryRun;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            List<SourcedEvent> events = new ArrayList<>();
            for (Path f : files) {
                if (!Files.isRegularFile(f)) {
                    err.println("audiocat ledger import: " + f + " is not a file");
                    return 1;
                }
                try {
                    events.addAll(Importer.read(f, kind));
                } catch (Importer.ImportException e) {
                    err.println("audiocat ledger import: " + e.getMessage());
                    return 1;
                }
            }
            if (events.isEmpty()) {
                err.println("audiocat ledger import: the files hold no events");
                return 1;
            }
            try (Ledger l = ledger.open()) {
                if (dryRun) {
                    List<ValidationError> errors = l.state().validate(events);
                    if (!errors.isEmpty()) {
                        throw new ValidationException(errors);
                    }
                    out.printf("%d events are valid against %s (%d entries); nothing written (--dry-run)%n",
                            events.size(), ledger.describe(), l.size());
                    return 0;
                }
                LogEntry e = l.append(events);
                out.printf("appended entry %d with %d events to %s; tree size %d, root %s%n", e.seq(), events.size(),
                        ledger.describe(), l.size(), l.head().rootHash());
                return 0;
            } catch (ValidationException e) {
                for (ValidationError v : e.errors()) {
                    err.println(v);
                }
                err.printf("audiocat ledger import: %d error(s); nothing was written to %s%n", e.errors().size(),
                        ledger.describe());
                return 1;
            }
        }
    }

    @Command(name = "history", mixinStandardHelpOptions = true,
            description = "Everything the ledger says about an asset, oldest first (one JSON event per line).")
    static final class History implements Callable<Integer> {
        @Mixin
        Location ledger;

        @Parameters(paramLabel = "ASSET_ID", description = "the asset's id (catalog asset_id)")
        String assetId;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            try (LogStore st = ledger.openExisting()) {
                List<Map<String, Object>> items = AssetHistory.read(st, assetId);
                if (items.isEmpty()) {
                    spec.commandLine().getErr().println("audiocat ledger history: " + ledger.describe()
                            + " has nothing about asset " + assetId + " (unknown is not consent)");
                    return 1;
                }
                for (Map<String, Object> i : items) {
                    out.println(Json.canonical(i));
                }
            }
            return 0;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Check the whole log: every entry's hash, sequence number, chain and time, and every signed "
                    + "checkpoint (signature and Merkle root).", "Exit code 0: verifies; 2: damaged (the first bad entry is named)."})
    static final class Verify implements Callable<Integer> {
        @Mixin
        Location ledger;

        @Option(names = "--from-checkpoint", paramLabel = "TREE_SIZE|latest",
                description = "trust this signed checkpoint: entries before it are only hashed against its root, "
                        + "entries after it are fully checked")
        String fromCheckpoint;

        @Option(names = "--public-key", paramLabel = "FILE",
                description = "accept only checkpoints signed by this Ed25519 public key (base64 X.509, as in "
                        + "ledger-ed25519.key.pub); default: the key recorded in the ledger")
        Path publicKey;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PublicKey pinned = null;
            if (publicKey != null) {
                try {
                    pinned = CheckpointKeys.publicKey(Files.readString(publicKey));
                } catch (GeneralSecurityException | IllegalArgumentException e) {
                    spec.commandLine().getErr().println("audiocat ledger verify: " + publicKey
                            + " is not an Ed25519 public key (base64 X.509): " + e.getMessage());
                    return 1;
                }
            }
            try (LogStore st = ledger.openExisting()) {
                SignedCheckpoint from = null;
                if (fromCheckpoint != null) {
                    from = findCheckpoint(st, fromCheckpoint);
                    if (from == null) {
                        spec.commandLine().getErr().println("audiocat ledger verify: " + ledger.describe()
                                + " has no signed checkpoint " + fromCheckpoint + " (see its checkpoints/ folder)");
                        return 1;
                    }
                }
                Verifier.Report r = Verifier.verify(st, pinned, from);
                if (r.ok()) {
                    out.printf("OK: %s: %d entries verify; %d signed checkpoint(s) match; root %s (%d ms)%n",
                            r.location(), r.validEntries(), r.checkpointsChecked(), r.rootHash(), r.millis());
                    if (r.tornTailBytes() > 0) {
                        out.printf("note: %d bytes of an interrupted append at the end are ignored; the next append "
                                + "removes them%n", r.tornTailBytes());
                    }
                    return 0;
                }
                out.printf("DAMAGED: %s: first bad entry %d: %s%n", r.location(), r.firstBadSeq(), r.problem());
                out.printf("entries 0..%d verify (root of that prefix %s)%n", r.validEntries() - 1, r.rootHash());
                return 2;
            }
        }

        private static SignedCheckpoint findCheckpoint(LogStore st, String which) throws IOException {
            SignedCheckpoint found = null;
            for (byte[] b : st.checkpoints()) {
                SignedCheckpoint c = SignedCheckpoint.parse(b);
                if ("latest".equals(which) ? found == null || c.treeSize() > found.treeSize()
                        : String.valueOf(c.treeSize()).equals(which)) {
                    found = c;
                }
            }
            return found;
        }
    }

    @Command(name = "checkpoint", mixinStandardHelpOptions = true,
            description = "Sign the current tree head (tree size + Merkle root) with the ledger's Ed25519 key and store it.")
    static final class Checkpoint implements Callable<Integer> {
        @Mixin
        Location ledger;

        @Option(names = "--key", paramLabel = "FILE",
                description = "private key file (created on first use, with FILE.pub). Default: $AUDIOCAT_HOME/keys/ledger-ed25519.key")
        Path key;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            KeyPair kp = CheckpointKeys.loadOrCreate(key == null ? CheckpointKeys.defaultKeyFile() : key);
            try (Ledger l = ledger.open()) {
                SignedCheckpoint cp = l.checkpoint(kp);
                spec.commandLine().getOut().printf("checkpoint: tree size %d, root %s, signed by key %s at %s%n",
                        cp.treeSize(), cp.rootHash(), cp.keyId(), cp.time());
            }
            return 0;
        }
    }

    @Command(name = "prove", mixinStandardHelpOptions = true,
            description = "Print the inclusion proof (RFC 9162 audit path) of an entry in a tree head, as JSON, and check it.")
    static final class Prove implements Callable<Integer> {
        @Mixin
        Location ledger;

        @Parameters(paramLabel = "SEQ", description = "sequence number of the entry")
        long seq;

        @Option(names = "--tree-size", description = "tree head to prove against; default: the latest signed "
                + "checkpoint that includes the entry, else the current head")
        Long treeSize;

        @Option(names = "--consistent-with", paramLabel = "TREE_SIZE",
                description = "also prove that the tree head of this earlier size (e.g. an older checkpoint, or the "
                        + "ledger_tree_size of a catalog row) is a prefix of the one proved against")
        Long earlier;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            try (Ledger l = ledger.openExistingLedger()) {
                if (seq < 0 || seq >= l.size()) {
                    spec.commandLine().getErr().printf("audiocat ledger prove: entry %d does not exist; %s has entries "
                            + "0..%d%n", seq, ledger.describe(), l.size() - 1);
                    return 1;
                }
                SignedCheckpoint signed = null;
                for (SignedCheckpoint c : l.checkpoints()) {
                    if (c.treeSize() > seq && c.treeSize() <= l.size()
                            && (treeSize == null ? signed == null || c.treeSize() > signed.treeSize() : c.treeSize() == treeSize)) {
                        signed = c;
                    }
                }
                long size = treeSize != null ? treeSize : signed != null ? signed.treeSize() : l.size();
                if (size <= seq || size > l.size()) {
                    spec.commandLine().getErr().printf("audiocat ledger prove: --tree-size must be in %d..%d%n", seq + 1, l.size());
                    return 1;
                }
                Ledger.InclusionProof p = l.prove(seq, size);
                boolean ok = p.verify();
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("seq", p.seq());
                json.put("tree_size", p.treeSize());
                json.put("leaf_hash", p.leafHash());
                json.put("audit_path", p.path());
                json.put("root_hash", p.rootHash());
                json.put("verified", ok);
                if (earlier != null) {
                    if (earlier < 0 || earlier > size) {
                        spec.commandLine().getErr().printf("audiocat ledger prove: --consistent-with must be in 0..%d%n", size);
                        return 1;
                    }
                    List<String> c = l.consistency(earlier, size);
                    String firstRoot = l.head(earlier).rootHash();
                    boolean consistent = MerkleTree.verifyConsistency(earlier, size, Hex.decode(firstRoot),
                            Hex.decode(p.rootHash()), c.stream().map(Hex::decode).toList());
                    ok &= consistent;
                    json.put("consistency", Map.of("from_tree_size", earlier, "from_root_hash", firstRoot,
                            "proof", c, "verified", consistent));
                }
                if (signed != null && signed.treeSize() == size) {
                    json.put("signed_checkpoint", Map.of("key_id", signed.keyId(), "time", signed.time().toString(),
                            "root_matches", signed.rootHash().equals(p.rootHash())));
                }
                spec.commandLine().getOut().println(Json.canonical(json));
                return ok ? 0 : 2;
            }
        }
    }

    @Command(name = "statement", mixinStandardHelpOptions = true,
            description = {"Royalty statement (CSV) of one party for a period, from the usage events delivered in it.",
                "Revenue of a usage is divided equally over its assets, then over the right types with a split in "
                        + "force; each party gets its exact share (see docs/ledger.md)."})
    static final class Statement implements Callable<Integer> {
        @Mixin
        Location ledger;

        @Option(names = "--party", required = true, description = "party id")
        String party;

        @Option(names = "--period", required = true, paramLabel = "PERIOD",
                description = "2024-03 (a month), 2024-01..2024-03 (months), or 2024-01-01..2024-04-01 (dates, end exclusive)")
        String period;

        @Option(names = "--out", paramLabel = "FILE", description = "write the CSV here instead of standard output")
        Path outFile;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Instant[] range;
            try {
                range = parsePeriod(period);
            } catch (DateTimeParseException | IllegalArgumentException e) {
                spec.commandLine().getErr().println("audiocat ledger statement: --period " + period
                        + " is not 2024-03, 2024-01..2024-03 or 2024-01-01..2024-04-01");
                return 1;
            }
            try (Ledger l = ledger.openExistingLedger()) {
                if (l.state().party(party) == null) {
                    spec.commandLine().getErr().println("audiocat ledger statement: " + ledger.describe()
                            + " has no party " + party);
                    return 1;
                }
                String csv = RoyaltyStatement.compute(l.state(), party, range[0], range[1], Horizon.all()).toCsv();
                if (outFile != null) {
                    Files.writeString(outFile, csv, StandardCharsets.UTF_8);
                    spec.commandLine().getOut().println("wrote " + outFile);
                } else {
                    spec.commandLine().getOut().print(csv);
                }
            }
            return 0;
        }

        static Instant[] parsePeriod(String p) {
            String[] parts = p.split("\\.\\.", -1);
            if (parts.length > 2) {
                throw new IllegalArgumentException(p);
            }
            String a = parts[0].trim();
            String b = parts.length == 2 ? parts[1].trim() : a;
            Instant from;
            Instant until;
            if (a.length() == 7) {
                from = YearMonth.parse(a).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
                until = YearMonth.parse(b).plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
            } else {
                from = LocalDate.parse(a).atStartOfDay(ZoneOffset.UTC).toInstant();
                until = parts.length == 2 ? LocalDate.parse(b).atStartOfDay(ZoneOffset.UTC).toInstant()
                        : LocalDate.parse(a).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            if (!until.isAfter(from)) {
                throw new IllegalArgumentException(p);
            }
            return new Instant[] {from, until};
        }
    }

    @Command(name = "bench", mixinStandardHelpOptions = true,
            description = {"Measure the ledger: appends/s (local with and without fsync, and --s3), verify rate and "
                    + "point-in-time consent query latency over --entries single-event entries.",
                "Works under $AUDIOCAT_HOME/bench/ledger (deleted first). Figures: docs/benchmarks.md."})
    static final class Bench implements Callable<Integer> {
        @Option(names = "--entries", defaultValue = "1000000", description = "log size (default ${DEFAULT-VALUE})")
        int entries;

        @Option(names = "--queries", defaultValue = "200000", description = "timed consent queries (default ${DEFAULT-VALUE})")
        int queries;

        @Option(names = "--s3", paramLabel = "s3://BUCKET/PREFIX", description = "also measure appends to this (empty) S3 location")
        String s3;

        @Option(names = "--s3-appends", defaultValue = "500", description = "appends per S3 writer (default ${DEFAULT-VALUE})")
        int s3Appends;

        @Option(names = "--s3-writers", defaultValue = "1", description = "concurrent S3 writers after the single-writer run (default ${DEFAULT-VALUE})")
        int s3Writers;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter w = spec.commandLine().getOut();
            java.io.PrintStream ps = new java.io.PrintStream(new java.io.OutputStream() {
                @Override
                public void write(int b) {
                    w.write(b);
                }

                @Override
                public void flush() {
                    w.flush();
                }
            }, true, StandardCharsets.UTF_8);
            new LedgerBench(ps, AudiocatHome.dir().resolve("bench").resolve("ledger"), entries, queries, s3, s3Appends,
                    s3Writers).run();
            ps.flush();
            return 0;
        }
    }
}
