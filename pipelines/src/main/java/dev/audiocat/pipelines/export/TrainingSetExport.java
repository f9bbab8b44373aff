package dev.audiocat.pipelines.export;

import dev.audiocat.features.AudioAnalyzer;
import dev.audiocat.ledger.Consent;
import dev.audiocat.ledger.ConsentGate;
import dev.audiocat.ledger.Ledger;
import dev.audiocat.ledger.License;
import dev.audiocat.ledger.Purpose;
import dev.audiocat.ledger.RightsSnapshot;
import dev.audiocat.ledger.RightsSummary;
import dev.audiocat.ledger.ValidationException;
import dev.audiocat.pipelines.S3Library;
import dev.audiocat.pipelines.catalog.CatalogFile;
import dev.audiocat.pipelines.catalog.CatalogReader;
import dev.audiocat.pipelines.catalog.CatalogSchema;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericRecord;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Packages a consent-clean training set from a catalog: every asset the ledger allows for the
 * purpose, licensee and territory at the export time goes in; everything else is listed with the
 * reason it was left out. Deny by default ({@link ConsentGate}); the licence named by the request
 * must be in force for the purpose, territory and time, and cover each asset (so the delivery can
 * be recorded as a usage of it).
 *
 * <p>The package: {@code audio/<asset_id>.<ext>} (bytes checked against the asset id, the SHA-256
 * catalogued), {@code metadata/catalog.parquet} (the catalog rows of the included assets),
 * {@code metadata/clips.csv} (per clip: file, hash, consent and its evidence hash, licence, royalty
 * split), {@code metadata/excluded.csv}, {@code croissant.json} (MLCommons Croissant 1.0),
 * {@code DATASET_CARD.md} and {@code SHA256SUMS} (over every other file, for {@code sha256sum -c}).
 * It is written to a hidden sibling folder, recorded in the ledger as one {@code usage} event, and
 * only then renamed into place: a package that exists was delivered and recorded.
 */
public final class TrainingSetExport {

    /** What to export. {@code at} is the instant consents are judged at (normally now). */
    public record Request(Path catalog, String licenseId, Purpose purpose, String territory, Instant at, String out,
            String name, boolean dryRun) {

        /** The dataset's name: {@code name}, or the last segment of {@code out}. */
        public String displayName() {
            if (name != null) {
                return name;
            }
            String o = out.replaceAll("/+$", "");
            return o.substring(o.lastIndexOf('/') + 1);
        }
    }

    /** One catalog asset that stays out, and why ({@code kind}: a short category for counts; {@code reason}: the detail). */
    public record Excluded(String assetId, String uri, String kind, String reason) {
    }

    /**
     * The category of the catalog's assets that the license does not list. The seller sees them (the dry run,
     * the command's counts); the package does not list them: a licensee learns nothing of the rest of the catalog,
     * its paths or other contributors' consent decisions.
     */
    public static final String NOT_COVERED = "not covered by the license";

    /** One clip of the package. */
    public record Clip(GenericRecord row, String file, long bytes, String consentId, String evidenceSha256, RightsSummary rights) {
    }

    public record Result(String exportId, String out, List<Clip> included, List<Excluded> excluded, long treeSize, String rootHash,
            String usageId, String licensee) {

        public Map<String, Long> excludedByReason() {
            return byKind(excluded);
        }

        /** The assets the license lists that stay out: what the package's {@code metadata/excluded.csv} and card report. */
        public List<Excluded> excludedOfLicense() {
            return excluded.stream().filter(e -> !NOT_COVERED.equals(e.kind())).toList();
        }

        /** Total duration of the included clips, from their catalog rows. */
        public double audioSeconds() {
            return included.stream().mapToDouble(c -> {
                Object d = c.row().get("duration_seconds");
                return d == null ? 0 : (double) d;
            }).sum();
        }
    }

    private TrainingSetExport() {
    }

    /**
     * Runs the export. {@code s3} supplies a client for catalog rows whose source is {@code s3://}
     * (called at most once).
     *
     * @throws IllegalArgumentException for a request that cannot be served (unknown licence, licence
     *                                  not in force, empty catalog, output folder not empty), with what to do
     */
    public static Result run(Request req, Ledger ledger, Supplier<S3Client> s3) throws IOException {
        // the decisions need each row's asset id only; whole rows are read for the allowed ones, so a large
        // catalog is not held in memory with its embeddings, fingerprints and QC
        List<GenericRecord> rows = CatalogReader.latestRows(req.catalog(), Set.of("asset_id"));
        if (rows.isEmpty()) {
            throw new IllegalArgumentException(req.catalog() + ": no catalog rows here; run 'audiocat ingest' into this folder first");
        }
        License license = ledger.state().license(req.licenseId());
        if (license == null) {
            throw new IllegalArgumentException("unknown license '" + req.licenseId() + "': the ledger has no license with this id; "
                    + "import it first ('audiocat ledger import licenses.csv')");
        }
        String problem = licenseProblem(license, req);
        if (problem != null) {
            throw new IllegalArgumentException("license " + license.id() + " " + problem);
        }
        boolean toS3 = S3Library.isS3(req.out());
        if (!req.dryRun() && !toS3 && Files.exists(Path.of(req.out())) && !isEmptyDir(Path.of(req.out()))) {
            throw new IllegalArgumentException(req.out() + " already exists and is not empty; choose a new --out folder "
                    + "(an export is never written over another)");
        }
        S3Client client = null;
        if (!req.dryRun() && toS3) {
            client = s3.get();
            if (!S3Library.isEmptyPrefix(client, req.out())) {
                client.close();
                throw new IllegalArgumentException(req.out() + " already holds objects; choose a new --out prefix "
                        + "(an export is never written over another)");
            }
        }
        Ledger.TreeHead head = ledger.head();
        RightsSnapshot rights = RightsSnapshot.of(ledger, head.treeSize(), req.at());
        ConsentGate gate = ledger.gate();
        String exportId = "exp-" + req.at().truncatedTo(ChronoUnit.SECONDS).toString().replace(":", "").replace("-", "")
                + "-" + UUID.randomUUID().toString().substring(0, 8);
        String usageId = "usage-" + exportId;

        // decisions first: nothing is copied for an asset the gate refuses
        List<GenericRecord> allowed = new ArrayList<>();
        Map<String, ConsentGate.Decision> decisions = new LinkedHashMap<>();
        List<Excluded> excluded = new ArrayList<>();
        Map<String, String> firstUriOfAsset = new LinkedHashMap<>();
        for (GenericRecord r : rows) {
            String asset = r.get("asset_id").toString();
            String uri = r.get("uri").toString();
            if (!license.assetIds().contains(asset)) {
                excluded.add(new Excluded(asset, uri, NOT_COVERED, "license " + license.id() + " does not list this asset"));
                continue;
            }
            String earlier = firstUriOfAsset.putIfAbsent(asset, uri);
            if (earlier != null) {
                excluded.add(new Excluded(asset, uri, "duplicate", "the same bytes as " + earlier + ", which is exported once"));
                continue;
            }
            ConsentGate.Decision d = gate.decide(asset, req.purpose(), license.licensee(), req.territory(), req.at());
            if (!d.allowed()) {
                excluded.add(new Excluded(asset, uri, "no consent", d.reason()));
                continue;
            }
            allowed.add(r);
            decisions.put(asset, d);
        }
        allowed = wholeRows(req.catalog(), allowed);
        if (req.dryRun()) {
            // local sources are hashed as the export would; s3:// ones are not downloaded for a dry run
            List<Clip> clips = new ArrayList<>();
            for (GenericRecord r : allowed) {
                String asset = r.get("asset_id").toString();
                String uri = r.get("uri").toString();
                if (!S3Library.isS3(uri)) {
                    Path source = Path.of(URI.create(uri));
                    if (!Files.isRegularFile(source)) {
                        excluded.add(missing(asset, uri));
                        continue;
                    }
                    String sha = AudioAnalyzer.sha256(source);
                    if (!sha.equals(asset)) {
                        excluded.add(changed(asset, uri, sha));
                        continue;
                    }
                }
                clips.add(clip(r, null, -1, decisions, ledger, rights));
            }
            return new Result(exportId, req.out(), clips, excluded, head.treeSize(), head.rootHash(), null, license.licensee());
        }

        // built in a hidden sibling folder (or, for s3://, a local staging folder), renamed or uploaded when recorded
        Path out = toS3 ? null : Path.of(req.out()).toAbsolutePath().normalize();
        Path parent = toS3 ? Path.of(System.getProperty("java.io.tmpdir")) : out.getParent();
        Files.createDirectories(parent);
        Path work = parent.resolve("." + req.displayName() + ".partial-" + exportId);
        Files.createDirectories(work.resolve("audio"));
        Files.createDirectories(work.resolve("metadata"));
        boolean done = false;
        List<String> uploaded = new ArrayList<>();
        // SHA-256 of each package file, computed once: the audio's is its asset id (checked while copying)
        Map<String, String> hashes = new HashMap<>();
        try {
            List<Clip> clips = new ArrayList<>();
            for (GenericRecord r : allowed) {
                String asset = r.get("asset_id").toString();
                String uri = r.get("uri").toString();
                String file = "audio/" + asset + extension(uri);
                Path target = work.resolve(file);
                String sha;
                try {
                    if (S3Library.isS3(uri)) {
                        if (client == null) {
                            client = s3.get();
                        }
                        Path fetched = S3Library.fetch(client, uri, work);
                        Files.move(fetched, target, StandardCopyOption.ATOMIC_MOVE);
                        sha = AudioAnalyzer.sha256(target);
                    } else {
                        sha = copyHashing(Path.of(URI.create(uri)), target);
                    }
                } catch (NoSuchFileException e) {
                    excluded.add(missing(asset, uri));
                    continue;
                } catch (IOException e) {
                    excluded.add(new Excluded(asset, uri, "source unreadable", e.getMessage()));
                    Files.deleteIfExists(target);
                    continue;
                }
                if (!sha.equals(asset)) {
                    Files.delete(target);
                    excluded.add(changed(asset, uri, sha));
                    continue;
                }
                hashes.put(file, sha);
                clips.add(clip(r, file, Files.size(target), decisions, ledger, rights));
            }
            if (clips.isEmpty()) {
                throw new IllegalArgumentException("nothing to export: all " + excluded.size() + " catalog assets are excluded "
                        + reasonsLine(excluded) + "; see 'audiocat export --dry-run' for each asset's reason");
            }
            Result result = new Result(exportId, toS3 ? req.out() : out.toString(), clips, excluded, head.treeSize(), head.rootHash(), usageId, license.licensee());
            CatalogFile.write(work.resolve("metadata/catalog.parquet"), CatalogSchema.CATALOG, clips.stream().map(Clip::row).toList());
            Files.writeString(work.resolve("metadata/clips.csv"), clipsCsv(clips));
            Files.writeString(work.resolve("metadata/excluded.csv"), excludedCsv(result.excludedOfLicense()));
            Files.writeString(work.resolve("croissant.json"), Croissant.json(req, license, result, rel -> hashOf(work, rel, hashes)));
            Files.writeString(work.resolve("DATASET_CARD.md"), card(req, license, result));
            Files.writeString(work.resolve("SHA256SUMS"), sums(work, hashes));
            if (toS3) {
                // everything but SHA256SUMS goes up first; SHA256SUMS, uploaded once the delivery is recorded, marks it complete
                for (String rel : relativeFiles(work)) {
                    if (!rel.equals("SHA256SUMS")) {
                        uploaded.add(S3Library.upload(client, work.resolve(rel), req.out(), rel));
                    }
                }
            }
            // the delivery is recorded before the package appears under its name
            Map<String, Object> usage = new LinkedHashMap<>();
            usage.put("type", "usage");
            usage.put("usage_id", usageId);
            usage.put("license_id", license.id());
            usage.put("licensee", license.licensee());
            usage.put("asset_ids", clips.stream().map(c -> c.row().get("asset_id").toString()).toList());
            usage.put("delivered_at", req.at().truncatedTo(ChronoUnit.SECONDS).toString());
            usage.put("export_id", exportId);
            try {
                ledger.append(usage);
            } catch (ValidationException e) {
                throw new IllegalStateException("the ledger refused to record this export (" + e.getMessage()
                        + "); nothing was delivered", e);
            }
            if (toS3) {
                S3Library.upload(client, work.resolve("SHA256SUMS"), req.out(), "SHA256SUMS");
                done = true;
                deleteTree(work);
                return result;
            }
            if (Files.exists(out)) {
                Files.delete(out); // empty, checked above
            }
            Files.move(work, out, StandardCopyOption.ATOMIC_MOVE);
            done = true;
            return result;
        } finally {
            if (!done) {
                deleteTree(work);
                if (client != null) {
                    for (String u : uploaded) {
                        S3Library.deleteQuietly(client, u);
                    }
                }
            }
            if (client != null) {
                client.close();
            }
        }
    }

    /** The whole catalog rows of {@code projected} (latest rows holding a few fields), in the same order. */
    private static List<GenericRecord> wholeRows(Path catalog, List<GenericRecord> projected) {
        Set<String> uris = new java.util.HashSet<>();
        projected.forEach(r -> uris.add(r.get("uri").toString()));
        Map<String, GenericRecord> whole = CatalogReader.latestWhere(CatalogReader.files(catalog, CatalogSchema.CATALOG_DIR), null,
                r -> uris.contains(r.get("uri").toString()));
        List<GenericRecord> out = new ArrayList<>(projected.size());
        for (GenericRecord r : projected) {
            GenericRecord w = whole.get(r.get("uri").toString());
            if (w == null || !w.get("asset_id").toString().equals(r.get("asset_id").toString())) {
                throw new IllegalStateException(r.get("uri") + ": its catalog row changed while the export read the catalog "
                        + "(an ingest into " + catalog + " running?); run the export again when it has finished");
            }
            out.add(w);
        }
        return out;
    }

    private static Excluded missing(String asset, String uri) {
        return new Excluded(asset, uri, "source missing", "the file is gone since it was catalogued; ingest its new location");
    }

    private static Excluded changed(String asset, String uri, String sha) {
        return new Excluded(asset, uri, "source changed", "the bytes changed since they were catalogued (SHA-256 now " + sha
                + "); re-ingest the file so its rights are checked for the new content");
    }

    private static Clip clip(GenericRecord r, String file, long bytes, Map<String, ConsentGate.Decision> decisions, Ledger ledger,
            RightsSnapshot rights) {
        String asset = r.get("asset_id").toString();
        ConsentGate.Decision d = decisions.get(asset);
        Consent c = d.consentId() == null ? null : ledger.state().consent(d.consentId());
        Object audioId = r.get("audio_id");
        return new Clip(r, file, bytes, d.consentId(), c == null ? null : c.evidenceSha256(),
                rights.summarize(asset, audioId == null ? null : audioId.toString()));
    }

    /** Why the licence cannot carry this export, or null. */
    static String licenseProblem(License l, Request req) {
        if (!l.purposes().contains(req.purpose())) {
            return "does not grant " + req.purpose().wire() + " (it grants "
                    + l.purposes().stream().map(Purpose::wire).collect(Collectors.joining(", ")) + ")";
        }
        if (!l.territories().contains("WORLD") && !l.territories().contains(req.territory())) {
            return "does not cover territory " + req.territory() + " (it covers " + String.join(", ", l.territories()) + ")";
        }
        if (!l.validity().contains(req.at())) {
            return "is not in force at " + req.at() + " (valid " + l.validity().from() + " to "
                    + (l.validity().until() == null ? "open end" : l.validity().until()) + ")";
        }
        return null;
    }

    private static Map<String, Long> byKind(List<Excluded> excluded) {
        return excluded.stream().collect(Collectors.groupingBy(Excluded::kind, TreeMap::new, Collectors.counting()));
    }

    private static String reasonsLine(List<Excluded> excluded) {
        Map<String, Long> byKind = byKind(excluded);
        return "(" + byKind.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", ")) + ")";
    }

    static String extension(String uri) {
        String name = uri.substring(uri.lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        if (dot <= 0) {
            return "";
        }
        String ext = name.substring(dot).toLowerCase(Locale.ROOT);
        return ext.matches("\\.[a-z0-9]{1,8}") ? ext : "";
    }

    static String clipsCsv(List<Clip> clips) {
        StringBuilder b = new StringBuilder(
                "file,asset_id,sha256,bytes,duration_seconds,source_uri,consent_id,consent_evidence_sha256,license_ids,royalty_split\n");
        for (Clip c : clips) {
            GenericRecord r = c.row();
            String split = c.rights() == null ? "" : c.rights().royaltySplit().stream()
                    .map(s -> s.rightType() + ":" + s.partyId() + ":" + s.role() + ":" + s.share())
                    .collect(Collectors.joining(";"));
            String licenses = c.rights() == null ? "" : String.join(";", c.rights().licenseIds());
            Object duration = r.get("duration_seconds");
            b.append(csv(c.file())).append(',').append(csv(r.get("asset_id").toString())).append(',')
                    .append(csv(r.get("asset_id").toString())).append(',').append(c.bytes()).append(',')
                    .append(duration == null ? "" : String.format(Locale.ROOT, "%.3f", (double) duration)).append(',')
                    .append(csv(r.get("uri").toString())).append(',').append(csv(c.consentId())).append(',')
                    .append(csv(c.evidenceSha256())).append(',').append(csv(licenses)).append(',').append(csv(split)).append('\n');
        }
        return b.toString();
    }

    static String excludedCsv(List<Excluded> excluded) {
        StringBuilder b = new StringBuilder("asset_id,source_uri,kind,reason\n");
        for (Excluded e : excluded) {
            b.append(csv(e.assetId())).append(',').append(csv(e.uri())).append(',').append(csv(e.kind())).append(',')
                    .append(csv(e.reason())).append('\n');
        }
        return b.toString();
    }

    static String csv(String v) {
        if (v == null) {
            return "";
        }
        if (v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r")) {
            return '"' + v.replace("\"", "\"\"") + '"';
        }
        return v;
    }

    private static String card(Request req, License license, Result r) {
        StringBuilder b = new StringBuilder();
        double seconds = r.audioSeconds();
        String name = req.displayName();
        b.append("# ").append(name).append("\n\n");
        b.append("A training set exported by audiocat from the catalog `").append(req.catalog().toAbsolutePath()).append("`.\n\n");
        b.append("| | |\n|---|---|\n");
        b.append("| export id | `").append(r.exportId()).append("` |\n");
        b.append("| purpose | `").append(req.purpose().wire()).append("` |\n");
        b.append("| licensee | `").append(license.licensee()).append("` |\n");
        b.append("| license | `").append(license.id()).append("`").append(license.terms() == null ? "" : " — " + license.terms()).append(" |\n");
        b.append("| territory | `").append(req.territory()).append("` |\n");
        b.append("| consents judged at | ").append(req.at()).append(" |\n");
        b.append("| ledger tree head | size ").append(r.treeSize()).append(", root `").append(r.rootHash()).append("` |\n");
        b.append("| recorded in the ledger as | usage `").append(r.usageId()).append("` |\n");
        b.append(String.format(Locale.ROOT, "| clips | %d (%.1f min of audio) |%n", r.included().size(), seconds / 60));
        List<Excluded> leftOut = r.excludedOfLicense();
        b.append("| left out | ").append(leftOut.size()).append(" of the license's assets (`metadata/excluded.csv`) |\n\n");
        b.append("## The consent rule\n\n");
        b.append("Deny by default: a clip is in this set only if the license ledger, replayed as it was known at the time above, held a ")
                .append("consent for this purpose covering the territory and the time, not revoked, whose value is `allowed` (or `constrained` ")
                .append("with terms the licensee meets), and the license above covers the clip. Unknown assets, missing consents and ")
                .append("constraints that cannot be checked keep a clip out. Each clip's consent id and the SHA-256 of its signed evidence ")
                .append("document are in `metadata/clips.csv`, with the royalty split in force (right type, party, role, exact share).\n\n");
        if (!leftOut.isEmpty()) {
            b.append("## Left out, by reason\n\n| reason | assets |\n|---|---|\n");
            byKind(leftOut).forEach((k, v) -> b.append("| ").append(k).append(" | ").append(v).append(" |\n"));
            b.append('\n');
        }
        b.append("## Files\n\n");
        b.append("- `audio/<asset_id>.<ext>`: the catalogued bytes, unchanged (their SHA-256 is the asset id; checked when copied)\n");
        b.append("- `metadata/catalog.parquet`: the audiocat catalog rows of the clips (schema: audiocat docs/catalog-schema.md)\n");
        b.append("- `metadata/clips.csv`: file, asset id, consent and evidence hash, licenses, royalty split per clip\n");
        b.append("- `metadata/excluded.csv`: every asset of the license left out, with the reason (the catalog's other assets are not part of this delivery and are not listed)\n");
        b.append("- `croissant.json`: MLCommons Croissant 1.0 description of the set\n");
        b.append("- `SHA256SUMS`: `sha256sum -c SHA256SUMS` checks every file above\n");
        return b.toString();
    }

    private static String sums(Path dir, Map<String, String> hashes) throws IOException {
        StringBuilder b = new StringBuilder();
        for (String rel : relativeFiles(dir)) {
            b.append(hashOf(dir, rel, hashes)).append("  ").append(rel).append('\n');
        }
        return b.toString();
    }

    /** The SHA-256 of package file {@code rel}, from {@code hashes} or computed once and remembered there. */
    static String hashOf(Path dir, String rel, Map<String, String> hashes) {
        return hashes.computeIfAbsent(rel, k -> {
            try {
                return AudioAnalyzer.sha256(dir.resolve(k));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Copies {@code source} to {@code target} (which must not exist) and returns the SHA-256 of the bytes copied. */
    private static String copyHashing(Path source, Path target) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(source), md)) {
            Files.copy(in, target);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** The files under {@code dir}, as sorted '/'-separated relative paths. */
    private static List<String> relativeFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(f -> dir.relativize(f).toString().replace('\\', '/')).sorted().toList();
        }
    }

    private static boolean isEmptyDir(Path p) throws IOException {
        if (!Files.isDirectory(p)) {
            return false;
        }
        try (Stream<Path> s = Files.list(p)) {
            return s.findAny().isEmpty();
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // best effort: a leftover hidden .partial folder is named as such
        }
    }

}
