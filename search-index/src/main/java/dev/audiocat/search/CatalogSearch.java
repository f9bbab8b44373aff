package dev.audiocat.search;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.aggregations.Aggregate;
import co.elastic.clients.elasticsearch._types.query_dsl.BoolQuery;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch._types.query_dsl.TextQueryType;
import co.elastic.clients.elasticsearch.core.GetResponse;
import co.elastic.clients.elasticsearch.core.SearchRequest;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Queries on the catalog alias: full text, facet filters and counts, kNN "sounds like" combined
 * with the same filters, fingerprint lookup, and single assets.
 */
public final class CatalogSearch {
    /** Text fields searched by free text, with boosts. */
    static final List<String> TEXT_FIELDS = List.of("title^3", "artist^2", "album^1.5", "file_name^2",
            "genre", "description", "tag_text", "instrument_tags", "mood_tags");
    /** Large fields left out of result lists (still in {@link #get}). */
    static final List<String> LIST_EXCLUDES = List.of("embedding", "chromaprint", "tags", "content_scores");

    /** One result: the asset id, its score and its catalog fields. */
    public record Result(String assetId, double score, Map<String, Object> source) {}

    public record FacetCount(String value, long count) {}

    /**
     * @param embeddingModel the {@code embedding_model} that "sounds like" compared (the query's), else null
     */
    public record Results(long total, long tookMillis, List<Result> hits, Map<Facet, List<FacetCount>> facets, String embeddingModel) {
        public Results(long total, long tookMillis, List<Result> hits, Map<Facet, List<FacetCount>> facets) {
            this(total, tookMillis, hits, facets, null);
        }
    }

    /** An asset's embedding and the {@code id@version} of the model that made it (null when the row has none). */
    public record Embedded(float[] vector, String model) {}

    private final ElasticsearchClient client;
    private final String alias;

    public CatalogSearch(ElasticsearchClient client, String alias) {
        this.client = client;
        this.alias = alias;
    }

    public Results search(SearchQuery q) throws IOException {
        List<Query> filters = filters(q);
        float[] vector = q.likeVector();
        String model = q.likeModel();
        if (q.likeAssetId() != null) {
            String self = resolveAssetId(q.likeAssetId());
            Embedded e = embeddedOf(self).orElseThrow(() -> new IllegalArgumentException(
                    "asset " + q.likeAssetId() + " is not in the index " + alias + " or has no embedding"));
            vector = e.vector();
            model = e.model();
            filters.add(Query.of(f -> f.bool(b -> b.mustNot(m -> m.ids(i -> i.values(self))))));
        }
        if (vector != null && model != null) {
            // vectors of two models (or two versions of one) share no space: compare only the query model's
            String m = model;
            filters.add(Query.of(f -> f.term(t -> t.field("embedding_model").value(m))));
        }
        SearchRequest.Builder req = new SearchRequest.Builder().index(alias).trackTotalHits(t -> t.enabled(true))
                .source(s -> s.filter(f -> f.excludes(LIST_EXCLUDES)));
        Query text = q.text() == null ? null : Query.of(m -> m.multiMatch(mm -> mm.query(q.text())
                .fields(TEXT_FIELDS).type(TextQueryType.BestFields)));
        if (vector != null) {
            List<Float> qv = new ArrayList<>(vector.length);
            for (float x : vector) {
                qv.add(x);
            }
            int k = q.k();
            List<Query> knnFilters = List.copyOf(filters);
            req.knn(kn -> kn.field("embedding").queryVector(qv).k(k).numCandidates(Math.min(10_000, Math.max(100, 5 * k)))
                    .filter(knnFilters));
            if (text != null) {
                req.query(x -> x.bool(b -> b.should(text).filter(knnFilters)));
            }
            req.size(Math.min(q.size(), k));
        } else {
            BoolQuery.Builder b = new BoolQuery.Builder().filter(filters);
            if (text != null) {
                b.must(text);
            }
            req.query(x -> x.bool(b.build()));
            req.size(q.size());
        }
        if (q.facets()) {
            for (Facet f : Facet.values()) {
                req.aggregations(f.param(), a -> a.terms(t -> t.field(f.field()).size(20)));
            }
        }
        SearchResponse<Map> resp = search(req.build());
        Map<Facet, List<FacetCount>> facets = new LinkedHashMap<>();
        if (q.facets()) {
            for (Facet f : Facet.values()) {
                facets.put(f, buckets(resp.aggregations().get(f.param())));
            }
        }
        long total = resp.hits().total() == null ? resp.hits().hits().size() : resp.hits().total().value();
        return new Results(total, resp.took(), results(resp), facets, vector != null ? model : null);
    }

    /** Assets whose Chromaprint fingerprint is exactly {@code chromaprint}. */
    public List<Result> byChromaprint(String chromaprint, int size) throws IOException {
        String hash = DerivedFields.chromaprintHash(chromaprint);
        SearchResponse<Map> resp = search(new SearchRequest.Builder().index(alias).size(size)
                .source(s -> s.filter(f -> f.excludes(LIST_EXCLUDES)))
                .query(x -> x.term(t -> t.field("chromaprint_sha256").value(hash))).build());
        return results(resp);
    }

    /**
     * The asset id that {@code idOrPrefix} names: itself if indexed, else the one asset whose id
     * starts with it (tables show the first 12 hex digits). Unknown or ambiguous prefixes are
     * returned unchanged / rejected.
     */
    public String resolveAssetId(String idOrPrefix) throws IOException {
        if (client.exists(e -> e.index(alias).id(idOrPrefix)).value() || idOrPrefix.length() < 6) {
            return idOrPrefix;
        }
        SearchResponse<Map> r = search(new SearchRequest.Builder().index(alias).size(2).source(x -> x.fetch(false))
                .query(x -> x.prefix(p -> p.field("asset_id").value(idOrPrefix))).build());
        List<Hit<Map>> hits = r.hits().hits();
        if (hits.size() > 1) {
            throw new IllegalArgumentException("asset id prefix " + idOrPrefix + " matches several assets; give more digits");
        }
        return hits.isEmpty() ? idOrPrefix : hits.get(0).id();
    }

    /** The full catalog document of an asset. */
    @SuppressWarnings("unchecked")
    public Optional<Map<String, Object>> get(String assetId) throws IOException {
        GetResponse<Map> r = client.get(g -> g.index(alias).id(assetId), Map.class);
        return r.found() ? Optional.of((Map<String, Object>) r.source()) : Optional.empty();
    }

    /**
     * How many assets hold an embedding made by another model than {@code model}: "sounds like" with a
     * vector of {@code model} skips them (re-tag them to include them).
     */
    public long embeddedByOtherModels(String model) throws IOException {
        return client.count(c -> c.index(alias).query(x -> x.bool(b -> b.filter(f -> f.exists(e -> e.field("embedding")))
                .mustNot(n -> n.term(t -> t.field("embedding_model").value(model)))))).count();
    }

    /** The embedding of an asset and the model that made it, if it is indexed and has one (one GET). */
    public Optional<Embedded> embeddedOf(String assetId) throws IOException {
        GetResponse<Map> r = client.get(g -> g.index(alias).id(assetId).sourceIncludes("embedding", "embedding_model"), Map.class);
        if (!r.found() || !(r.source().get("embedding") instanceof List<?> list) || list.isEmpty()) {
            return Optional.empty();
        }
        float[] v = new float[list.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = ((Number) list.get(i)).floatValue();
        }
        return Optional.of(new Embedded(v, r.source().get("embedding_model") instanceof String m && !m.isEmpty() ? m : null));
    }

    private SearchResponse<Map> search(SearchRequest req) throws IOException {
        return client.search(req, Map.class);
    }

    @SuppressWarnings("unchecked")
    private static List<Result> results(SearchResponse<Map> resp) {
        List<Result> out = new ArrayList<>();
        for (Hit<Map> h : resp.hits().hits()) {
            out.add(new Result(h.id(), h.score() == null ? 0 : h.score(), (Map<String, Object>) h.source()));
        }
        return out;
    }

    private static List<Query> filters(SearchQuery q) {
        List<Query> fs = new ArrayList<>();
        q.filters().forEach((facet, values) -> {
            List<FieldValue> fv = values.stream().map(FieldValue::of).toList();
            fs.add(Query.of(x -> x.terms(t -> t.field(facet.field()).terms(v -> v.value(fv)))));
        });
        if (q.bpmMin() != null || q.bpmMax() != null) {
            fs.add(range("bpm", q.bpmMin(), q.bpmMax()));
        }
        if (q.durationMin() != null || q.durationMax() != null) {
            fs.add(range("duration_seconds", q.durationMin(), q.durationMax()));
        }
        if (q.hasReferenceMatch() != null) {
            Query exists = Query.of(x -> x.exists(e -> e.field("reference_matches.reference_id")));
            fs.add(q.hasReferenceMatch() ? exists : Query.of(x -> x.bool(b -> b.mustNot(exists))));
        }
        return fs;
    }

    private static Query range(String field, Double min, Double max) {
        return Query.of(x -> x.range(r -> r.number(n -> {
            n.field(field);
            if (min != null) {
                n.gte(min);
            }
            if (max != null) {
                n.lte(max);
            }
            return n;
        })));
    }

    private static List<FacetCount> buckets(Aggregate a) {
        List<FacetCount> out = new ArrayList<>();
        if (a == null) {
            return out;
        }
        if (a.isSterms()) {
            a.sterms().buckets().array().forEach(b -> out.add(new FacetCount(b.key().stringValue(), b.docCount())));
        } else if (a.isLterms()) {
            a.lterms().buckets().array().forEach(b -> out.add(new FacetCount(
                    b.keyAsString() != null ? b.keyAsString() : Long.toString(b.key()), b.docCount())));
        } else if (a.isDterms()) {
            a.dterms().buckets().array().forEach(b -> out.add(new FacetCount(
                    b.keyAsString() != null ? b.keyAsString() : Double.toString(b.key()), b.docCount())));
        }
        return out;
    }
}
