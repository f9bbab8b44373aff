package dev.audiocat.ledger;

import dev.audiocat.ledger.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads events to append from CSV or JSON files, remembering the input line of each so that
 * validation errors point at it.
 *
 * <ul>
 *   <li>JSON: an array of event objects, or JSON Lines (one object per line); each has a
 *       {@code type}.
 *   <li>CSV: one kind per file, with a header row; the kind is given, or taken from the file name
 *       (parties, assets, consents, revocations, licenses, splits, usage). List columns
 *       (territories, asset_ids, purposes, licensees) separate items with ';'. A split is one row
 *       per share; rows with the same split_id form one split.
 * </ul>
 */
public final class Importer {
    public static final Set<String> KINDS =
            Set.of("parties", "assets", "consents", "revocations", "licenses", "splits", "usage");

    private Importer() {}

    /** A file that cannot be read as events at all (as opposed to invalid event values). */
    public static final class ImportException extends Exception {
        private static final long serialVersionUID = 1L;

        public ImportException(String message) {
            super(message);
        }
    }

    public static List<SourcedEvent> read(Path file, String kind) throws IOException, ImportException {
        String name = file.getFileName().toString();
        String text = Files.readString(file, StandardCharsets.UTF_8);
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".json") || lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) {
            return json(name, text);
        }
        if (!lower.endsWith(".csv")) {
            throw new ImportException(file + ": use a .csv, .json or .jsonl file");
        }
        String k = kind;
        if (k == null) {
            String stem = lower.substring(0, lower.length() - 4);
            for (String candidate : KINDS) {
                if (stem.equals(candidate) || stem.endsWith("-" + candidate) || stem.endsWith("_" + candidate)) {
                    k = candidate;
                }
            }
            if (k == null) {
                throw new ImportException(file + ": cannot tell what the CSV holds from its name; name it "
                        + "parties.csv, assets.csv, consents.csv, revocations.csv, licenses.csv, splits.csv "
                        + "or usage.csv, or pass --kind");
            }
        }
        if (!KINDS.contains(k)) {
            throw new ImportException("--kind " + k + " is not one of " + new java.util.TreeSet<>(KINDS));
        }
        return csv(name, text, k);
    }

    static List<SourcedEvent> json(String name, String text) throws ImportException {
        List<SourcedEvent> out = new ArrayList<>();
        String trimmed = text.strip();
        if (trimmed.startsWith("[")) {
            Object v;
            try {
                v = Json.parse(text);
            } catch (Json.ParseException e) {
                throw new ImportException(name + " line " + lineOf(text, e.offset()) + ": " + e.getMessage());
            }
            // line of each element: find each top-level object start
            List<Integer> starts = topLevelObjectStarts(text);
            List<?> list = (List<?>) v;
            for (int i = 0; i < list.size(); i++) {
                if (!(list.get(i) instanceof Map)) {
                    throw new ImportException(name + ": element " + (i + 1) + " is not a JSON object");
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> m = (Map<String, Object>) list.get(i);
                int line = i < starts.size() ? lineOf(text, starts.get(i)) : 0;
                out.add(new SourcedEvent(m, name + " line " + line));
            }
            return out;
        }
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i].strip();
            if (l.isEmpty()) {
                continue;
            }
            try {
                out.add(new SourcedEvent(Json.parseObject(l), name + " line " + (i + 1)));
            } catch (Json.ParseException e) {
                throw new ImportException(name + " line " + (i + 1) + ": " + e.getMessage());
            }
        }
        return out;
    }

    private static int lineOf(String text, int offset) {
        int line = 1;
        for (int i = 0; i < offset && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    private static List<Integer> topLevelObjectStarts(String text) {
        List<Integer> starts = new ArrayList<>();
        int depth = 0;
        boolean inString = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
                continue;
            }
            if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                if (c == '{' && depth == 1) {
                    starts.add(i);
                }
                depth++;
            } else if (c == '}' || c == ']') {
                depth--;
            }
        }
        return starts;
    }

    static List<SourcedEvent> csv(String name, String text, String kind) throws ImportException {
        List<Csv.Record> records = Csv.parse(text);
        if (records.isEmpty()) {
            throw new ImportException(name + " is empty: it needs a header row");
        }
        List<String> header = new ArrayList<>();
        for (String h : records.get(0).fields()) {
            header.add(h.strip().toLowerCase(Locale.ROOT));
        }
        List<SourcedEvent> out = new ArrayList<>();
        Map<String, Map<String, Object>> splits = new LinkedHashMap<>();
        for (int r = 1; r < records.size(); r++) {
            Csv.Record rec = records.get(r);
            String origin = name + " line " + rec.line();
            if (rec.fields().size() != header.size()) {
                throw new ImportException(origin + ": " + rec.fields().size() + " fields where the header has "
                        + header.size());
            }
            Map<String, String> row = new LinkedHashMap<>();
            for (int c = 0; c < header.size(); c++) {
                String v = rec.fields().get(c).strip();
                if (!v.isEmpty()) {
                    row.put(header.get(c), v);
                }
            }
            Map<String, Object> e = new LinkedHashMap<>();
            switch (kind) {
                case "parties" -> {
                    e.put("type", "party");
                    copy(row, e, "party_id", "name", "kind", "ipi", "isni");
                }
                case "assets" -> {
                    e.put("type", "asset");
                    copy(row, e, "asset_id", "audio_id", "isrc", "iswc", "title", "owner");
                }
                case "consents" -> {
                    e.put("type", "consent");
                    copy(row, e, "consent_id", "asset_id", "party_id", "purpose", "value", "valid_from",
                            "valid_until", "evidence_sha256");
                    list(row, e, "territories");
                    Map<String, Object> constraints = new LinkedHashMap<>();
                    if (row.containsKey("licensees")) {
                        constraints.put("licensees", split(row.get("licensees")));
                    }
                    if (row.containsKey("requires_license")) {
                        constraints.put("requires_license", Boolean.parseBoolean(row.get("requires_license")));
                    }
                    if (row.containsKey("terms")) {
                        constraints.put("terms", row.get("terms")); // free text: not machine-checkable
                    }
                    if (!constraints.isEmpty()) {
                        e.put("constraints", constraints);
                    }
                }
                case "revocations" -> {
                    e.put("type", "revocation");
                    copy(row, e, "consent_id", "effective", "reason");
                }
                case "licenses" -> {
                    e.put("type", "license");
                    copy(row, e, "license_id", "licensee", "valid_from", "valid_until", "terms");
                    list(row, e, "asset_ids");
                    list(row, e, "purposes");
                    list(row, e, "territories");
                    money(row, e, "fee");
                }
                case "usage" -> {
                    e.put("type", "usage");
                    copy(row, e, "usage_id", "license_id", "licensee", "delivered_at", "export_id");
                    list(row, e, "asset_ids");
                    money(row, e, "revenue");
                }
                case "splits" -> {
                    String id = row.get("split_id");
                    if (id == null) {
                        throw new ImportException(origin + ", field split_id: is required");
                    }
                    Map<String, Object> s = splits.get(id);
                    if (s == null) {
                        s = new LinkedHashMap<>();
                        s.put("type", "split");
                        copy(row, s, "split_id", "asset_id", "right_type", "valid_from", "valid_until", "replaces");
                        s.put("shares", new ArrayList<Map<String, Object>>());
                        splits.put(id, s);
                        out.add(new SourcedEvent(s, origin));
                    } else {
                        for (String f : List.of("asset_id", "right_type", "valid_from", "valid_until", "replaces")) {
                            if (!java.util.Objects.equals(s.get(f), row.get(f))) {
                                throw new ImportException(origin + ", field " + f + ": '" + row.get(f)
                                        + "' differs from the first row of split " + id + " ('" + s.get(f) + "')");
                            }
                        }
                    }
                    Map<String, Object> share = new LinkedHashMap<>();
                    copy(row, share, "party_id", "role", "share");
                    @SuppressWarnings("unchecked")
                    List<Map<String, Object>> shares = (List<Map<String, Object>>) s.get("shares");
                    shares.add(share);
                    continue;
                }
                default -> throw new ImportException("unknown kind " + kind);
            }
            out.add(new SourcedEvent(e, origin));
        }
        return out;
    }

    private static void copy(Map<String, String> row, Map<String, Object> e, String... fields) {
        for (String f : fields) {
            String v = row.get(f);
            if (v != null) {
                e.put(f, v);
            }
        }
    }

    private static void list(Map<String, String> row, Map<String, Object> e, String field) {
        String v = row.get(field);
        if (v != null) {
            e.put(field, split(v));
        }
    }

    private static List<String> split(String v) {
        List<String> out = new ArrayList<>();
        for (String s : v.split(";")) {
            if (!s.isBlank()) {
                out.add(s.strip());
            }
        }
        return out;
    }

    private static void money(Map<String, String> row, Map<String, Object> e, String prefix) {
        String amount = row.get(prefix + "_amount");
        String currency = row.get(prefix + "_currency");
        if (amount != null || currency != null) {
            Map<String, Object> m = new LinkedHashMap<>();
            if (amount != null) {
                m.put("amount", amount);
            }
            if (currency != null) {
                m.put("currency", currency);
            }
            e.put(prefix, m);
        }
    }
}
