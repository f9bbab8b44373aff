package dev.audiocat.pipelines.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.audiocat.features.AudioAnalyzer;
import dev.audiocat.features.decode.DecodeException;
import dev.audiocat.pipelines.AudiocatHome;
import dev.audiocat.tagging.Tagger;
import dev.audiocat.tagging.TrackTags;
import dev.audiocat.tagging.inference.InferenceDevice;
import dev.audiocat.tagging.registry.ModelRegistry;
import dev.audiocat.search.CatalogSearch;
import dev.audiocat.search.Facet;
import dev.audiocat.search.SearchConnection;
import dev.audiocat.search.SearchQuery;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code audiocat search [QUERY] [filters] [--like ASSET_ID | --like-file AUDIO] [--json]}.
 */
@Command(name = "search", mixinStandardHelpOptions = true,
        description = {"Search the catalog index: full text, filters, \"sounds like\", fingerprint lookup.",
            "Prints a table and facet counts, or one JSON object per hit with --json.",
            "Example: audiocat search --key 'A minor' --bpm 120-128 --instrument drums --instrument synth "
                + "--consent ai-training=allowed --like-file clip.wav"})
public final class SearchCommand implements Callable<Integer> {

    /** Computes the "sounds like" vector of an audio file with the catalog's embedding model. */
    @FunctionalInterface
    public interface AudioEmbedder {
        Embedding embed(Path audio) throws IOException;
    }

    /** A "sounds like" vector and the {@code id@version} of the model that made it (null: unknown, no model filter). */
    public record Embedding(float[] vector, String model) {
    }

    /**
     * How {@code --like-file} turns audio into a query vector: the registry's embedding model (the
     * one the ingest used, so the vector is comparable with the catalog's), on the CPU. Replaceable
     * for tests and for other models.
     */
    static volatile AudioEmbedder embedder = SearchCommand::embedWithRegistryModel;

    static Embedding embedWithRegistryModel(Path audio) throws IOException {
        ModelRegistry registry = ModelRegistry.load(List.of(AudiocatHome.get().resolve("models")), AudiocatHome.dir("cache", "models"));
        try (Tagger tagger = Tagger.open(registry, InferenceDevice.parse("cpu"), 0, System.err::println)) {
            Tagger.Request request;
            try {
                request = new Tagger.Request(tagger.analyze(AudioAnalyzer.builder().build(), audio, null), null, null, null);
            } catch (DecodeException e) {
                throw new IllegalArgumentException("--like-file " + audio + ": cannot decode this file (" + e.getMessage() + ")");
            }
            TrackTags t = tagger.tag(List.of(request), 128).get(0);
            if (t.embedding() == null) {
                throw new IllegalStateException("--like-file: the model registry has no embedding model; see audiocat models list");
            }
            return new Embedding(t.embedding(), t.embeddingModel());
        }
    }

    @Parameters(arity = "0..*", paramLabel = "QUERY", description = "words to look for in titles, artists, albums, tags, file names, descriptions")
    List<String> words = new ArrayList<>();

    @Option(names = "--key", paramLabel = "KEY", description = "musical key, e.g. 'A minor' (repeatable: any of)")
    List<String> keys = new ArrayList<>();

    @Option(names = "--mode", paramLabel = "MODE", description = "major or minor")
    List<String> modes = new ArrayList<>();

    @Option(names = "--bpm", paramLabel = "MIN-MAX", description = "tempo range, e.g. 120-128 (or 120- / -90)")
    String bpm;

    @Option(names = "--duration", paramLabel = "MIN-MAX", description = "duration range in seconds, e.g. 10-60")
    String duration;

    @Option(names = "--instrument", paramLabel = "LABEL", description = "instrument tag (repeatable: any of)")
    List<String> instruments = new ArrayList<>();

    @Option(names = "--mood", paramLabel = "LABEL", description = "mood tag (repeatable: any of)")
    List<String> moods = new ArrayList<>();

    @Option(names = "--consent", paramLabel = "PURPOSE=VALUE",
            description = "consent per purpose: catalog, commercial, ai-training, genai-training = allowed|notAllowed|constrained|unknown")
    Map<String, String> consent = new LinkedHashMap<>();

    @Option(names = "--filter", paramLabel = "FACET=VALUE",
            description = "any facet: key, mode, instrument, mood, qc, container, codec, sample-rate, content, rights, "
                    + "consent-catalog, consent-commercial, consent-ai-training, consent-genai-training, license, reference")
    List<String> filters = new ArrayList<>();

    @Option(names = "--reference-match", paramLabel = "yes|no", description = "only assets with (yes) or without (no) a reference match")
    String referenceMatch;

    static final class Like {
        @Option(names = "--like", paramLabel = "ASSET_ID", description = "sounds like this catalogued asset (kNN on its embedding)")
        String assetId;

        @Option(names = "--like-file", paramLabel = "AUDIO", description = "sounds like this audio file (analysed now)")
        Path file;

        @Option(names = "--fingerprint", paramLabel = "CHROMAPRINT", description = "assets with exactly this Chromaprint fingerprint (fpcalc -raw not needed: the compressed string)")
        String fingerprint;
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Like like;

    @Option(names = {"-k", "--neighbours"}, defaultValue = "20", description = "nearest neighbours for --like/--like-file (default: ${DEFAULT-VALUE})")
    int k;

    @Option(names = {"-n", "--size"}, defaultValue = "20", description = "results to show (default: ${DEFAULT-VALUE})")
    int size;

    @Option(names = "--json", description = "one JSON object per hit (with asset_id), no table, no facets")
    boolean json;

    @Mixin
    IndexCommand.EsOptions es = new IndexCommand.EsOptions();

    @Override
    public Integer call() throws IOException {
        SearchQuery q = query();
        try (SearchConnection c = es.connect()) {
            es.requireIndex(c);
            if (likeFileDims > 0) {
                Integer indexed = new dev.audiocat.search.CatalogIndex(c.client(), es.alias(), likeFileDims).liveEmbeddingDims().orElse(null);
                if (indexed != null && indexed != likeFileDims) {
                    throw new IllegalStateException("--like-file: the embedding model gives " + likeFileDims + "-d vectors, the index "
                            + es.alias() + " holds " + indexed + "-d ones (another model); rebuild the index from a catalog made with this model");
                }
            }
            CatalogSearch search = new CatalogSearch(c.client(), es.alias());
            if (like != null && like.fingerprint != null) {
                print(new CatalogSearch.Results(-1, 0, search.byChromaprint(like.fingerprint, size), Map.of()), System.out);
            } else {
                CatalogSearch.Results r = search.search(q);
                String model = r.embeddingModel();
                long others = model == null ? 0 : search.embeddedByOtherModels(model);
                if (others > 0) {
                    System.err.printf(Locale.ROOT, "audiocat: %d asset(s) of %s were embedded by another model than %s and are not compared; "
                            + "re-tag them (audiocat ingest LIBRARY --retag) to include them%n", others, es.alias(), model);
                }
                print(r, System.out);
            }
        }
        return 0;
    }

    /** Dimension of the --like-file vector, checked against the index before searching. */
    private int likeFileDims = -1;

    SearchQuery query() throws IOException {
        SearchQuery q = new SearchQuery().text(String.join(" ", words)).k(k).size(size).facets(!json);
        keys.forEach(v -> q.filter(Facet.KEY, v));
        modes.forEach(v -> q.filter(Facet.MODE, v));
        instruments.forEach(v -> q.filter(Facet.INSTRUMENTS, v));
        moods.forEach(v -> q.filter(Facet.MOODS, v));
        consent.forEach((purpose, value) -> {
            String p = purpose.toLowerCase(Locale.ROOT);
            Facet f = Facet.byParam(p.startsWith("consent-") ? p : "consent-" + p).orElseThrow(() -> new IllegalArgumentException(
                    "--consent " + purpose + "=" + value + ": unknown purpose; use catalog, commercial, ai-training or genai-training"));
            q.filter(f, value);
        });
        for (String f : filters) {
            int eq = f.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--filter " + f + ": expected FACET=VALUE, e.g. --filter qc=clipping");
            }
            Facet facet = Facet.byParam(f.substring(0, eq)).orElseThrow(() -> new IllegalArgumentException("--filter " + f
                    + ": unknown facet; one of " + java.util.Arrays.stream(Facet.values()).map(Facet::param).collect(Collectors.joining(", "))));
            q.filter(facet, f.substring(eq + 1));
        }
        double[] b = range("--bpm", bpm);
        if (b != null) {
            q.bpm(nan(b[0]), nan(b[1]));
        }
        double[] d = range("--duration", duration);
        if (d != null) {
            q.duration(nan(d[0]), nan(d[1]));
        }
        if (referenceMatch != null) {
            q.hasReferenceMatch(switch (referenceMatch.toLowerCase(Locale.ROOT)) {
                case "yes", "true" -> true;
                case "no", "false" -> false;
                default -> throw new IllegalArgumentException("--reference-match " + referenceMatch + ": use yes or no");
            });
        }
        if (like != null && like.assetId != null) {
            q.likeAsset(like.assetId);
        }
        if (like != null && like.file != null) {
            if (!Files.isRegularFile(like.file)) {
                throw new IllegalArgumentException("--like-file " + like.file + ": no such file");
            }
            Embedding e = embedder.embed(like.file);
            q.likeVector(e.vector()).likeModel(e.model());
            likeFileDims = q.likeVector().length;
        }
        return q;
    }

    /** "120-128", "120-", "-90" → {min, max} with NaN for an open end; null when absent. */
    static double[] range(String option, String s) {
        if (s == null) {
            return null;
        }
        String[] parts = s.trim().split("-", -1);
        try {
            if (parts.length == 1) {
                double v = Double.parseDouble(parts[0]);
                return new double[] {v, v};
            }
            if (parts.length != 2) {
                throw new NumberFormatException();
            }
            return new double[] {parts[0].isBlank() ? Double.NaN : Double.parseDouble(parts[0]),
                parts[1].isBlank() ? Double.NaN : Double.parseDouble(parts[1])};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " " + s + ": expected MIN-MAX, e.g. 120-128, 120- or -90");
        }
    }

    private static Double nan(double v) {
        return Double.isNaN(v) ? null : v;
    }

    void print(CatalogSearch.Results r, PrintStream out) throws IOException {
        if (json) {
            ObjectMapper m = new ObjectMapper();
            for (CatalogSearch.Result h : r.hits()) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("asset_id", h.assetId());
                o.put("score", h.score());
                o.putAll(h.source());
                out.println(m.writeValueAsString(o));
            }
            return;
        }
        Table t = new Table("asset_id", "title", "artist", "key", "bpm", "duration", "tags", "AI training", "score");
        for (CatalogSearch.Result h : r.hits()) {
            Map<String, Object> s = h.source();
            List<String> tags = new ArrayList<>();
            tags.addAll(strings(s.get("instrument_tags")));
            tags.addAll(strings(s.get("mood_tags")));
            t.row(h.assetId().substring(0, Math.min(12, h.assetId().length())),
                    str(s.get("title") != null ? s.get("title") : s.get("file_name")), str(s.get("artist")), str(s.get("key")),
                    s.get("bpm") instanceof Number n ? String.format(Locale.ROOT, "%.1f", n.doubleValue()) : "",
                    s.get("duration_seconds") instanceof Number n ? String.format(Locale.ROOT, "%.1f s", n.doubleValue()) : "",
                    String.join(", ", tags), str(s.get("consent_ai_training")), String.format(Locale.ROOT, "%.3f", h.score()));
        }
        t.print(out);
        if (r.total() >= 0) {
            out.printf(Locale.ROOT, "%d matching, %d shown (%d ms)%n", r.total(), r.hits().size(), r.tookMillis());
        } else {
            out.printf(Locale.ROOT, "%d with this fingerprint%n", r.hits().size());
        }
        r.facets().forEach((f, counts) -> {
            if (!counts.isEmpty()) {
                out.printf(Locale.ROOT, "  %-44s %s%n", f.label() + " (--filter " + f.param() + "=…)",
                        counts.stream().map(c -> c.value().replaceAll("\\p{Cntrl}", " ") + " " + c.count()).collect(Collectors.joining(", ")));
            }
        });
    }

    private static List<String> strings(Object o) {
        return o instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
    }

    private static String str(Object o) {
        return o == null ? "" : o.toString();
    }
}
