package dev.audiocat.ledger.bench;

import dev.audiocat.ledger.ConsentGate;
import dev.audiocat.ledger.Ledger;
import dev.audiocat.ledger.LedgerLocation;
import dev.audiocat.ledger.Purpose;
import dev.audiocat.ledger.SourcedEvent;
import dev.audiocat.ledger.ValidationException;
import dev.audiocat.ledger.Verifier;
import dev.audiocat.ledger.store.LocalFolderStore;
import dev.audiocat.ledger.store.LogStore;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Measures the ledger: appends per second per backend, full verification of a log of
 * {@code entries} single-event entries, and point-in-time {@link ConsentGate} latency over the
 * same log once replayed (a realistic mix: parties, assets, consents per purpose and territory,
 * revocations, licenses, splits). Everything lives under {@code workDir}, which is deleted first.
 */
public final class LedgerBench {
    private final PrintStream out;
    private final Path workDir;
    private final int entries;
    private final int queries;
    private final String s3Location;
    private final int s3Appends;
    private final int s3Writers;

    public LedgerBench(PrintStream out, Path workDir, int entries, int queries, String s3Location, int s3Appends,
            int s3Writers) {
        if (entries < 10_000) {
            throw new IllegalArgumentException("--entries must be at least 10000, got " + entries);
        }
        this.out = out;
        this.workDir = workDir;
        this.entries = entries;
        this.queries = queries;
        this.s3Location = s3Location;
        this.s3Appends = s3Appends;
        this.s3Writers = s3Writers;
    }

    /** Moves one second per entry, so that entries spread over years of history. */
    static final class SteppingClock extends Clock {
        private Instant now = Instant.parse("2020-01-01T00:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public synchronized Instant instant() {
            now = now.plusSeconds(1);
            return now;
        }
    }

    public void run() throws IOException, ValidationException {
        deleteTree(workDir);
        Files.createDirectories(workDir);
        out.printf(Locale.ROOT, "ledger bench: %,d entries, %,d queries, work dir %s, %d cores visible%n", entries,
                queries, workDir, Runtime.getRuntime().availableProcessors());

        // 1. durable appends (fsync per entry) on the local folder
        int durable = 2_000;
        try (Ledger l = Ledger.open(new LocalFolderStore(workDir.resolve("fsync"), true))) {
            long t0 = System.nanoTime();
            long c0 = cpuNanos();
            for (int i = 0; i < durable; i++) {
                l.append(party("p" + i));
            }
            report("local folder, fsync per append", durable, System.nanoTime() - t0, cpuNanos() - c0);
        }

        // 2. the big log, without fsync (what an import does before its final sync)
        Path big = workDir.resolve("big");
        Random rnd = new Random(42);
        long t0 = System.nanoTime();
        long bc = cpuNanos();
        List<String> assetIds = new ArrayList<>();
        try (Ledger l = Ledger.open(new LocalFolderStore(big, false), new SteppingClock())) {
            build(l, rnd, assetIds);
            report("local folder, no fsync (building the log)", entries, System.nanoTime() - t0, cpuNanos() - bc);
            out.printf(Locale.ROOT, "  log: %,d bytes, root %s%n", Files.size(big.resolve("ledger.log")),
                    l.head().rootHash());
        }

        // 3. verify every entry (one thread)
        for (int run = 1; run <= 2; run++) {
            try (LogStore st = new LocalFolderStore(big, false)) {
                long v0 = System.nanoTime();
                long c0 = cpuNanos();
                Verifier.Report r = Verifier.verify(st);
                long cpu = cpuNanos() - c0;
                long ns = System.nanoTime() - v0;
                if (!r.ok()) {
                    throw new IllegalStateException("bench log does not verify: " + r);
                }
                out.printf(Locale.ROOT, "verify run %d: %,d entries in %.2f s wall, %.2f s CPU of its one thread"
                        + " = %,.0f entries per CPU second%n", run, r.validEntries(), ns / 1e9, cpu / 1e9,
                        r.validEntries() / (cpu / 1e9));
            }
        }

        // 4. replay, then point-in-time consent queries from the warm index
        long o0 = System.nanoTime();
        long oc = cpuNanos();
        try (Ledger l = Ledger.open(new LocalFolderStore(big, false))) {
            out.printf(Locale.ROOT, "open + replay %,d entries (%,d events): %.2f s wall, %.2f s CPU, heap used %,d MB%n",
                    l.size(), l.state().eventCount(), (System.nanoTime() - o0) / 1e9, (cpuNanos() - oc) / 1e9,
                    usedHeapMb());
            ConsentGate gate = l.gate();
            Purpose[] purposes = Purpose.values();
            String[] territories = {"US", "DE", "FR", "GB", "JP", "BR"};
            Instant start = Instant.parse("2020-01-01T00:00:00Z");
            long span = (long) entries * 2;
            Random q = new Random(7);
            long allowed = 0;
            for (int i = 0; i < queries; i++) { // warm-up
                allowed += gate.decide(assetIds.get(q.nextInt(assetIds.size())), purposes[q.nextInt(4)], "lic0",
                        territories[q.nextInt(territories.length)], start.plusSeconds(q.nextLong(span))).allowed() ? 1 : 0;
            }
            long[] ns = new long[queries];
            allowed = 0;
            for (int i = 0; i < queries; i++) {
                String a = assetIds.get(q.nextInt(assetIds.size()));
                Purpose p = purposes[q.nextInt(4)];
                String t = territories[q.nextInt(territories.length)];
                Instant at = start.plusSeconds(q.nextLong(span));
                long s = System.nanoTime();
                boolean ok = gate.decide(a, p, "lic0", t, at).allowed();
                ns[i] = System.nanoTime() - s;
                allowed += ok ? 1 : 0;
            }
            Arrays.sort(ns);
            out.printf(Locale.ROOT, "point-in-time consent query (warm, %,d queries, %.1f%% allowed): p50 %.1f us,"
                    + " p99 %.1f us, max %.1f us%n", queries, 100.0 * allowed / queries, ns[queries / 2] / 1e3,
                    ns[(int) (queries * 0.99)] / 1e3, ns[queries - 1] / 1e3);
        }

        if (s3Location != null) {
            runS3();
        }
    }

    /** Appends to {@code s3Location}: one writer, then {@code s3Writers} concurrent writers. */
    public void runS3() throws IOException, ValidationException {
        {
            long before;
            try (Ledger l = Ledger.open(LedgerLocation.open(s3Location))) {
                long s0 = System.nanoTime();
                for (int i = 0; i < s3Appends; i++) {
                    l.append(party("s3-" + System.nanoTime() + "-" + i));
                }
                report(s3Location + ", one writer", s3Appends, System.nanoTime() - s0);
                before = l.size();
            }
            if (s3Writers > 1) {
                ExecutorService pool = Executors.newFixedThreadPool(s3Writers);
                List<Future<Long>> fs = new ArrayList<>();
                long s0 = System.nanoTime();
                for (int w = 0; w < s3Writers; w++) {
                    int id = w;
                    fs.add(pool.submit(() -> {
                        try (Ledger l = Ledger.open(LedgerLocation.open(s3Location))) {
                            for (int i = 0; i < s3Appends; i++) {
                                l.append(party("s3w" + id + "-" + System.nanoTime() + "-" + i));
                            }
                            return l.conflicts();
                        }
                    }));
                }
                long conflicts = 0;
                for (Future<Long> f : fs) {
                    try {
                        conflicts += f.get();
                    } catch (Exception e) {
                        throw new IOException("S3 writer failed: " + e.getMessage(), e);
                    }
                }
                pool.shutdown();
                report(s3Location + ", " + s3Writers + " concurrent writers (" + conflicts + " conflicts)",
                        (long) s3Writers * s3Appends, System.nanoTime() - s0);
                try (LogStore st = LedgerLocation.open(s3Location)) {
                    Verifier.Report r = Verifier.verify(st);
                    out.printf(Locale.ROOT, "  S3 log after the writers: %,d entries, %s%n", r.validEntries(),
                            r.ok() ? "verifies" : "DOES NOT VERIFY: " + r.problem());
                }
                try (Ledger l = Ledger.open(LedgerLocation.open(s3Location))) {
                    // every writer's append exactly once: party ids are unique per append
                    java.util.Map<String, Integer> seen = new java.util.HashMap<>();
                    long entries = 0;
                    for (dev.audiocat.ledger.Party p : l.state().parties()) {
                        if (p.id().startsWith("s3w")) {
                            entries++;
                            seen.merge(p.id().substring(0, p.id().indexOf('-')), 1, Integer::sum);
                        }
                    }
                    long expected = (long) s3Writers * s3Appends;
                    long added = l.size() - before;
                    boolean each = seen.size() == s3Writers
                            && seen.values().stream().allMatch(n -> n == s3Appends);
                    out.printf(Locale.ROOT, "  writers' appends: %,d distinct in %,d new entries, %,d expected: %s%n",
                            entries, added, expected, entries == expected && added == expected && each
                                    ? "none lost, none duplicated" : "MISMATCH (per writer " + seen + ")");
                }
            }
        }
    }

    private void build(Ledger l, Random rnd, List<String> assetIds) throws IOException, ValidationException {
        int parties = Math.max(100, entries / 100);
        int assets = entries / 5;
        int done = 0;
        for (int i = 0; i < parties; i++, done++) {
            Map<String, Object> e = party(i < 10 ? "lic" + i : "p" + i);
            e.put("kind", i < 10 ? "licensee" : i % 10 == 0 ? "label" : "artist");
            l.append(e);
        }
        String evidence = "ab".repeat(32);
        String[][] territorySets = {{"WORLD"}, {"US", "CA"}, {"DE", "FR", "GB"}, {"JP"}};
        String[] values = {"allowed", "allowed", "allowed", "notAllowed", "constrained"};
        int consentSeq = 0;
        List<String> consents = new ArrayList<>();
        for (int a = 0; a < assets && done < entries; a++) {
            String id = String.format("%064x", a * 2654435761L);
            assetIds.add(id);
            Map<String, Object> asset = ev("type", "asset", "asset_id", id, "audio_id", "pcm-" + a, "owner",
                    "p" + (10 + rnd.nextInt(parties - 10)));
            l.append(asset);
            done++;
            // about three consents per asset: distinct purposes, so they never overlap
            List<Purpose> ps = new ArrayList<>(List.of(Purpose.values()));
            java.util.Collections.shuffle(ps, rnd);
            int n = 2 + rnd.nextInt(3);
            for (int k = 0; k < n && done < entries; k++) {
                String cid = "c" + consentSeq++;
                String value = values[rnd.nextInt(values.length)];
                Map<String, Object> c = ev("type", "consent", "consent_id", cid, "asset_id", id, "purpose",
                        ps.get(k).wire(), "value", value, "territories",
                        List.of(territorySets[rnd.nextInt(territorySets.length)]), "valid_from",
                        "20" + (19 + rnd.nextInt(4)) + "-01-01", "evidence_sha256", evidence);
                if (value.equals("constrained")) {
                    c.put("constraints", ev("licensees", List.of("lic" + rnd.nextInt(10))));
                }
                l.append(c);
                consents.add(cid);
                done++;
            }
            if (done < entries && rnd.nextInt(4) == 0) {
                l.append(ev("type", "split", "split_id", "s" + a, "asset_id", id, "right_type", "master",
                        "valid_from", "2019-01-01", "shares", List.of(
                                ev("party_id", "p" + (10 + rnd.nextInt(parties - 10)), "share", "0.75"),
                                ev("party_id", "p" + (10 + rnd.nextInt(parties - 10)), "role", "label", "share",
                                        "0.25"))));
                done++;
            }
        }
        // fill the rest with revocations (effective at a random later time), then parties
        int r = 0;
        while (done < entries && r < consents.size()) {
            String cid = consents.get(rnd.nextInt(consents.size()));
            if (l.state().revocation(cid) == null) {
                l.append(ev("type", "revocation", "consent_id", cid, "effective",
                        "202" + (3 + rnd.nextInt(3)) + "-06-01"));
                done++;
            }
            r++;
        }
        for (int i = 0; done < entries; i++, done++) {
            l.append(party("late" + i));
        }
    }

    private void report(String what, long n, long ns) {
        out.printf(Locale.ROOT, "appends, %s: %,d in %.2f s = %,.0f appends/s%n", what, n, ns / 1e9, n / (ns / 1e9));
    }

    private void report(String what, long n, long ns, long cpu) {
        out.printf(Locale.ROOT, "appends, %s: %,d in %.2f s wall (%.2f s CPU of the writing thread) = %,.0f appends/s"
                + " wall, %,.0f per CPU second%n", what, n, ns / 1e9, cpu / 1e9, n / (ns / 1e9), n / (cpu / 1e9));
    }

    /** CPU time of the calling thread: fair figures on a machine shared with other work. */
    private static long cpuNanos() {
        return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    private static long usedHeapMb() {
        Runtime rt = Runtime.getRuntime();
        System.gc();
        return (rt.totalMemory() - rt.freeMemory()) >> 20;
    }

    static Map<String, Object> party(String id) {
        return ev("type", "party", "party_id", id, "name", "Party " + id, "kind", "artist");
    }

    static Map<String, Object> ev(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(x);
            }
        }
    }

    /** {@code java ... LedgerBench [entries] [queries] [s3://bucket/prefix [appends [writers]]]}. */
    public static void main(String[] args) throws Exception {
        int entries = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int queries = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
        String s3 = args.length > 2 ? args[2] : null;
        int s3Appends = args.length > 3 ? Integer.parseInt(args[3]) : 500;
        int s3Writers = args.length > 4 ? Integer.parseInt(args[4]) : 1;
        new LedgerBench(System.out, dev.audiocat.ledger.AudiocatHome.dir().resolve("bench").resolve("ledger"), entries,
                queries, s3, s3Appends, s3Writers).run();
    }

}
