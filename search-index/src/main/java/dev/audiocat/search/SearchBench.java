package dev.audiocat.search;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.IntFunction;

/**
 * Bulk indexing rate and query latency on synthetic catalog documents (fixed seed): text + filters,
 * kNN "sounds like" + filters (k = 20), and facet counts. Latency is measured client-side, around
 * the Java client call, so it includes HTTP and JSON on both ends.
 */
public final class SearchBench {
    static final String[] TONICS = {"C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"};
    static final String[] INSTRUMENTS = {"drums", "bass", "guitar", "piano", "synth", "strings", "brass", "woodwinds", "vocals", "percussion"};
    static final String[] MOODS = {"happy", "sad", "calm", "tense", "energetic", "dark"};
    static final String[] CONSENT = {"allowed", "allowed", "allowed", "notAllowed", "constrained", "unknown"};
    static final String[][] FORMATS = {{"mp3", "mp3float", "44100"}, {"flac", "flac", "44100"}, {"wav", "pcm_s16le", "48000"},
        {"wav", "pcm_s24le", "96000"}, {"ogg", "vorbis", "44100"}, {"mov,mp4,m4a,3gp,3g2,mj2", "aac", "44100"}};
    static final String[] QC = {"clipping", "silence", "dc_offset", "hum", "dropout", "band_limited"};
    static final String[] WORDS = {"night", "drive", "harbour", "lights", "granite", "lantern", "river", "echo", "signal", "dust",
        "glass", "ember", "north", "static", "velvet", "orbit", "meadow", "circuit", "tide", "paper", "winter", "neon", "hollow", "shore"};

    private SearchBench() {}

    /** A deterministic synthetic catalog document; vectors cluster around 64 centres. */
    static CatalogDocument document(int i, int dims, float[][] centres) {
        Random r = new Random(1_000_003L * i);
        Map<String, Object> d = new HashMap<>();
        String id = String.format(Locale.ROOT, "%064x", (long) i * 2_654_435_761L);
        d.put("schema_version", 1);
        d.put("asset_id", id);
        String title = cap(WORDS[r.nextInt(WORDS.length)]) + " " + cap(WORDS[r.nextInt(WORDS.length)]);
        String[] fmt = FORMATS[r.nextInt(FORMATS.length)];
        d.put("uri", "file:///library/" + i + "." + fmt[0].split(",")[0]);
        d.put("file_name", i + "_" + title.toLowerCase(Locale.ROOT).replace(' ', '_') + "." + fmt[0].split(",")[0]);
        d.put("size_bytes", 1_000_000L + r.nextInt(9_000_000));
        d.put("container", fmt[0]);
        d.put("codec", fmt[1]);
        d.put("sample_rate", Integer.parseInt(fmt[2]));
        d.put("channels", 2);
        d.put("duration_seconds", 10 + r.nextDouble() * 290);
        d.put("title", title);
        d.put("artist", "Artist " + (i % 997));
        d.put("album", "Album " + (i % 5003));
        d.put("description", WORDS[r.nextInt(WORDS.length)] + " " + WORDS[r.nextInt(WORDS.length)] + " cue");
        d.put("integrated_lufs", -30 + r.nextDouble() * 25);
        d.put("true_peak_dbtp", -6 + r.nextDouble() * 6);
        List<Map<String, Object>> qc = new ArrayList<>();
        if (r.nextInt(10) == 0) {
            qc.add(Map.of("type", QC[r.nextInt(QC.length)], "severity", "warning", "start_seconds", 1.0, "end_seconds", 2.0));
        }
        d.put("qc_flags", qc);
        d.put("key_tonic", TONICS[r.nextInt(12)]);
        d.put("key_mode", r.nextBoolean() ? "major" : "minor");
        d.put("key_confidence", r.nextDouble());
        d.put("bpm", 60 + r.nextDouble() * 120);
        d.put("bpm_confidence", r.nextDouble());
        List<Map<String, Object>> inst = new ArrayList<>();
        for (String s : INSTRUMENTS) {
            inst.add(Map.of("label", s, "score", r.nextDouble() * r.nextDouble()));
        }
        d.put("instruments", inst);
        List<Map<String, Object>> moods = new ArrayList<>();
        for (String s : MOODS) {
            moods.add(Map.of("label", s, "score", r.nextDouble() * 0.8));
        }
        d.put("moods", moods);
        d.put("content_class", "music");
        int c = r.nextInt(centres.length);
        float[] v = new float[dims];
        double n = 0;
        for (int k = 0; k < dims; k++) {
            v[k] = centres[c][k] + (float) (r.nextGaussian() * 0.3 / Math.sqrt(dims));
            n += v[k] * v[k];
        }
        for (int k = 0; k < dims; k++) {
            v[k] /= (float) Math.sqrt(n);
        }
        d.put("embedding", v);
        d.put("embedding_model", "bench@1");
        d.put("chromaprint", "AQAA" + Long.toHexString(r.nextLong()));
        if (r.nextInt(50) == 0) {
            d.put("reference_matches", List.of(Map.of("reference_id", "ref-" + r.nextInt(100), "score", 0.9,
                "query_offset_seconds", 0.0, "reference_offset_seconds", 12.0, "time_scale", 1.0)));
        }
        d.put("rights_status", r.nextInt(5) == 0 ? "unknown" : "known");
        d.put("consent_catalog", "allowed");
        d.put("consent_commercial_license", CONSENT[r.nextInt(CONSENT.length)]);
        d.put("consent_ai_training", CONSENT[r.nextInt(CONSENT.length)]);
        d.put("consent_ai_generative_training", CONSENT[r.nextInt(CONSENT.length)]);
        d.put("license_ids", List.of("lic-" + (i % 40)));
        d.put("pipeline_version", "bench");
        d.put("analysis_time", 1_760_000_000_000L + i);
        d.put("run_id", "bench");
        return new CatalogDocument(id, DerivedFields.addTo(d));
    }

    static float[][] centres(int dims) {
        Random r = new Random(7);
        float[][] c = new float[64][dims];
        for (float[] row : c) {
            double n = 0;
            for (int k = 0; k < dims; k++) {
                row[k] = (float) r.nextGaussian();
                n += row[k] * row[k];
            }
            for (int k = 0; k < dims; k++) {
                row[k] /= (float) Math.sqrt(n);
            }
        }
        return c;
    }

    public static void run(SearchConnection c, String alias, int docs, int dims, int queries, boolean keep, PrintStream out)
            throws IOException {
        CatalogIndex index = new CatalogIndex(c.client(), alias, dims);
        index.drop();
        String concrete = index.ensure();
        index.beginBulkLoad(concrete);
        float[][] centres = centres(dims);
        BulkWriter writer = new BulkWriter(c.client(), alias);
        int batch = 1000;
        long t0 = System.nanoTime();
        int failed = 0;
        for (int i = 0; i < docs; i += batch) {
            List<CatalogDocument> b = new ArrayList<>(batch);
            for (int j = i; j < Math.min(docs, i + batch); j++) {
                b.add(document(j, dims, centres));
            }
            failed += writer.write(b).failed().size();
        }
        double bulkSeconds = (System.nanoTime() - t0) / 1e9;
        index.endBulkLoad(concrete);
        double withRefresh = (System.nanoTime() - t0) / 1e9;
        long count = index.count();
        out.printf(Locale.ROOT, "bulk: %d docs (%d dims, batches of %d, refresh off) in %.1f s = %.0f docs/s (%.0f docs/s incl. final refresh); %d failed; count %d; %d segments%n",
            docs, dims, batch, bulkSeconds, docs / bulkSeconds, docs / withRefresh, failed, count, index.segments(concrete));

        CatalogSearch search = new CatalogSearch(c.client(), alias);
        Random r = new Random(42);
        IntFunction<SearchQuery> text = i -> new SearchQuery().facets(false)
            .text(WORDS[r.nextInt(WORDS.length)])
            .filter(Facet.KEY, TONICS[r.nextInt(12)] + " minor")
            .bpm(100.0, 140.0);
        IntFunction<SearchQuery> knn = i -> {
            float[] q = centres[r.nextInt(centres.length)].clone();
            q[r.nextInt(dims)] += 0.05f;
            double lo = 70 + r.nextInt(60);
            return new SearchQuery().facets(false).likeVector(q).k(20)
                .filter(Facet.CONSENT_AI_TRAINING, "allowed").bpm(lo, lo + 30);
        };
        IntFunction<SearchQuery> facets = i -> new SearchQuery().facets(true).size(20)
            .filter(Facet.INSTRUMENTS, INSTRUMENTS[r.nextInt(INSTRUMENTS.length)]);
        measure("kNN k=20 + filters, unmerged", search, knn, queries, out);
        long m0 = System.nanoTime();
        int segs = index.forceMerge(concrete, java.time.Duration.ofMinutes(30));
        out.printf(Locale.ROOT, "force merge to %d segment(s) in %.1f s%n", segs, (System.nanoTime() - m0) / 1e9);
        measure("text + filters", search, text, queries, out);
        measure("kNN k=20 + filters", search, knn, queries, out);
        measure("facets (16 terms aggs) + filter", search, facets, queries, out);
        if (!keep) {
            index.drop();
        }
    }

    /**
     * {@code SearchBench [DOCS [DIMS [QUERIES]]]} on the local node of $AUDIOCAT_HOME (the same as
     * {@code audiocat index bench}, without the rest of audiocat on the classpath).
     */
    public static void main(String[] args) throws IOException {
        int docs = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int dims = args.length > 1 ? Integer.parseInt(args[1]) : 128;
        int queries = args.length > 2 ? Integer.parseInt(args[2]) : 300;
        LocalElasticsearch.Node node = LocalElasticsearch.startOrReuse(LocalElasticsearch.defaultHome());
        System.out.println("local Elasticsearch " + node.url() + " heap " + node.heap());
        try (SearchConnection c = SearchConnection.remote(node.url(), SearchConnection.Credentials.none())) {
            run(c, "audiocat-bench", docs, dims, queries, false, System.out);
        }
    }

    private static void measure(String name, CatalogSearch search, IntFunction<SearchQuery> make, int n, PrintStream out)
            throws IOException {
        for (int i = 0; i < Math.max(20, n / 10); i++) {
            search.search(make.apply(i)); // warm-up: caches and JIT on both sides
        }
        double[] ms = new double[n];
        double[] took = new double[n];
        long hits = 0;
        for (int i = 0; i < n; i++) {
            SearchQuery q = make.apply(i);
            long t = System.nanoTime();
            CatalogSearch.Results res = search.search(q);
            ms[i] = (System.nanoTime() - t) / 1e6;
            took[i] = res.tookMillis();
            hits += res.hits().size();
        }
        Arrays.sort(ms);
        Arrays.sort(took);
        out.printf(Locale.ROOT, "%-32s n=%d  p50 %.1f ms  p95 %.1f ms  p99 %.1f ms  (server took p50 %.0f p95 %.0f ms; %.1f hits/query)%n",
            name, n, pct(ms, 50), pct(ms, 95), pct(ms, 99), pct(took, 50), pct(took, 95), hits / (double) n);
    }

    static double pct(double[] sorted, double p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static String cap(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
