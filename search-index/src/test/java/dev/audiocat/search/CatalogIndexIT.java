package dev.audiocat.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.audiocat.search.CatalogSearch.FacetCount;
import dev.audiocat.search.CatalogSearch.Result;
import dev.audiocat.search.CatalogSearch.Results;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Templates, bulk writes, queries and rebuilds on the real local Elasticsearch node. */
class CatalogIndexIT {
    static SearchConnection conn;
    static CatalogIndex index;
    static CatalogSearch search;

    @BeforeAll
    static void setUp() throws IOException {
        conn = TestNode.connect();
        index = new CatalogIndex(conn.client(), TestNode.uniqueAlias("catalog"), TestDocuments.DIMS);
        index.ensure();
        BulkWriter.Outcome o = new BulkWriter(conn.client(), index.alias()).write(TestDocuments.catalog("file:///x/"));
        assertEquals(8, o.indexed(), () -> "failed: " + o.failed());
        index.refresh();
        search = new CatalogSearch(conn.client(), index.alias());
    }

    @AfterAll
    static void tearDown() throws IOException {
        if (index != null) {
            index.drop();
        }
        if (conn != null) {
            conn.close();
        }
    }

    private static Set<String> ids(List<Result> hits) {
        return hits.stream().map(Result::assetId).collect(Collectors.toSet());
    }

    @Test
    void templatesSetTheEmbeddingDimension() throws IOException {
        assertEquals(TestDocuments.DIMS, index.liveEmbeddingDims().orElseThrow());
        index.putTemplates(); // idempotent
        assertEquals(8, index.count());
        // an alias whose indices the first alias' pattern also matches: its template wins by priority
        CatalogIndex nested = new CatalogIndex(conn.client(), index.alias() + "-vx", 4);
        try {
            nested.ensure();
            assertEquals(4, nested.liveEmbeddingDims().orElseThrow());
            assertEquals(0, nested.count());
        } finally {
            nested.drop();
        }
    }

    @Test
    void fullTextFindsTitlesAndArtists() throws IOException {
        assertEquals(Set.of("a1", "a2"), ids(search.search(new SearchQuery().text("night drive")).hits()));
        Results r = search.search(new SearchQuery().text("night drive"));
        assertTrue(r.hits().get(0).assetId().matches("a[12]"), "best hit is a Night Drive: " + r.hits());
        assertEquals(Set.of("a4", "a5", "a8"), ids(search.search(new SearchQuery().text("marram")).hits()));
        // embedded tag values are searchable
        assertEquals(Set.of("a6"), ids(search.search(new SearchQuery().text("granite")).hits()));
    }

    @Test
    void filtersCombineKeyTempoInstrumentsAndConsent() throws IOException {
        Results r = search.search(new SearchQuery().filter(Facet.KEY, "A minor").bpm(120.0, 128.0)
                .filter(Facet.INSTRUMENTS, "drums").filter(Facet.INSTRUMENTS, "synth")
                .filter(Facet.CONSENT_AI_TRAINING, "allowed"));
        // a3 is 140 BPM, a6 is E minor; instruments values are OR-ed
        assertEquals(Set.of("a1", "a2", "a7"), ids(r.hits()));
        assertEquals(3, r.total());
        // a label below the tag threshold is not a tag
        assertEquals(0, search.search(new SearchQuery().filter(Facet.INSTRUMENTS, "brass")).total());
    }

    @Test
    void facetsCountTheFilteredResults() throws IOException {
        Results all = search.search(new SearchQuery());
        assertEquals(8, all.total());
        Map<String, Long> keys = counts(all.facets().get(Facet.KEY));
        assertEquals(Map.of("A minor", 4L, "C major", 2L, "E minor", 1L, "D major", 1L), keys);
        Map<String, Long> consent = counts(all.facets().get(Facet.CONSENT_AI_TRAINING));
        assertEquals(Map.of("allowed", 6L, "notAllowed", 1L, "unknown", 1L), consent);
        assertEquals(Map.of("44100", 8L), counts(all.facets().get(Facet.SAMPLE_RATE)));
        Results piano = search.search(new SearchQuery().filter(Facet.INSTRUMENTS, "piano"));
        assertEquals(Map.of("C major", 2L), counts(piano.facets().get(Facet.KEY)));
    }

    @Test
    void soundsLikeAnAssetStaysInItsClusterAndHonoursFilters() throws IOException {
        Results r = search.search(new SearchQuery().likeAsset("a1").k(3));
        assertEquals(Set.of("a2", "a3", "a4"), ids(r.hits()), "the three other vectors near axis 0");
        assertFalse(ids(r.hits()).contains("a1"), "the query asset itself is excluded");
        Results filtered = search.search(new SearchQuery().likeAsset("a1").k(3)
                .filter(Facet.CONSENT_AI_TRAINING, "allowed"));
        assertEquals(Set.of("a2", "a3"), ids(filtered.hits().subList(0, 2)));
        assertFalse(ids(filtered.hits()).contains("a4"), "a4 has no AI-training consent");
        // a caller-supplied vector (what --like-file computes) near axis 5
        Results byVector = search.search(new SearchQuery().likeVector(TestDocuments.vector(5, 42)).k(3));
        assertEquals(Set.of("a5", "a6", "a7"), ids(byVector.hits()));
        assertThrows(IllegalArgumentException.class, () -> search.search(new SearchQuery().likeAsset("nope")));
        assertEquals("a1", search.resolveAssetId("a1"));
        assertEquals("unknown-id", search.resolveAssetId("unknown-id"));
    }

    @Test
    void fingerprintLookupIsExact() throws IOException {
        assertEquals(Set.of("a5"), ids(search.byChromaprint("AQAAfakea5", 10)));
        assertTrue(search.byChromaprint("AQAAfakea", 10).isEmpty());
    }

    @Test
    void rewritingTheSameAssetsDoesNotDuplicate() throws IOException {
        BulkWriter.Outcome o = new BulkWriter(conn.client(), index.alias()).write(TestDocuments.catalog("file:///x/"));
        assertEquals(8, o.indexed());
        index.refresh();
        assertEquals(8, index.count());
    }

    @Test
    void rejectedDocumentsAreReportedByIdAndNotRetried() throws IOException {
        Map<String, Object> bad = new HashMap<>(TestDocuments.catalog("file:///x/").get(0).source());
        bad.put("asset_id", "bad-dims");
        bad.put("embedding", new float[] {1f, 0f, 0f}); // wrong dimension: a mapping error, permanent
        List<Duration> waits = new ArrayList<>();
        BulkWriter w = new BulkWriter(conn.client(), index.alias(), 4, Duration.ofMillis(10), waits::add);
        BulkWriter.Outcome o = w.write(List.of(new CatalogDocument("bad-dims", bad),
                TestDocuments.catalog("file:///x/").get(1)));
        assertEquals(1, o.indexed());
        assertEquals(Set.of("bad-dims"), o.failed().keySet());
        assertTrue(o.failed().get("bad-dims").startsWith("400 "), o.failed().toString());
        assertTrue(waits.isEmpty(), "a 400 is not retried");
    }

    @Test
    void anUnreachableClusterFailsEveryDocumentAfterBackoff() throws IOException {
        List<Duration> waits = new ArrayList<>();
        try (SearchConnection dead = SearchConnection.remote(URI.create("http://127.0.0.1:1"),
                SearchConnection.Credentials.none())) {
            BulkWriter w = new BulkWriter(dead.client(), "whatever", 4, Duration.ofMillis(10), waits::add);
            BulkWriter.Outcome o = w.write(TestDocuments.catalog("file:///x/").subList(0, 3));
            assertEquals(0, o.indexed());
            assertEquals(Set.of("a1", "a2", "a3"), o.failed().keySet());
            assertEquals(List.of(Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(40)), waits);
        }
    }

    @Test
    void rebuildSwapsTheAliasOnlyWhenCountsMatch() throws IOException {
        CatalogIndex other = new CatalogIndex(conn.client(), TestNode.uniqueAlias("rebuild"), TestDocuments.DIMS);
        try {
            String first = other.ensure();
            new BulkWriter(conn.client(), other.alias()).write(TestDocuments.catalog("file:///x/").subList(0, 2));
            String build = other.createBuildIndex();
            assertNotEquals(first, build);
            other.beginBulkLoad(build);
            for (CatalogDocument d : TestDocuments.catalog("file:///x/")) {
                new BulkWriter(conn.client(), other.buildAlias()).write(List.of(d)); // one request each: several segments
            }
            other.endBulkLoad(build);
            assertEquals(1, other.forceMerge(build, Duration.ofMinutes(2)));
            IOException mismatch = assertThrows(IOException.class, () -> other.promote(build, 9));
            assertTrue(mismatch.getMessage().contains("holds 8"), mismatch.getMessage());
            assertEquals(List.of(first), other.indicesOf(other.alias()), "alias untouched after a mismatch");
            assertEquals(List.of(first), other.promote(build, 8));
            assertEquals(List.of(build), other.indicesOf(other.alias()));
            assertEquals(8, other.count());
            assertTrue(other.indicesOf(other.buildAlias()).isEmpty());
            // tables print 12 hex digits of an id; a unique prefix names the asset
            Map<String, Object> src = new HashMap<>(TestDocuments.catalog("file:///x/").get(0).source());
            src.put("asset_id", "feedface00112233");
            Map<String, Object> src2 = new HashMap<>(src);
            src2.put("asset_id", "feedface99112233");
            new BulkWriter(conn.client(), other.alias()).write(List.of(new CatalogDocument("feedface00112233", src),
                new CatalogDocument("feedface99112233", src2)));
            other.refresh();
            CatalogSearch s2 = new CatalogSearch(conn.client(), other.alias());
            assertEquals("feedface00112233", s2.resolveAssetId("feedface0"));
            assertThrows(IllegalArgumentException.class, () -> s2.resolveAssetId("feedface"));
            assertEquals("feedXX", s2.resolveAssetId("feedXX"), "no such prefix: unchanged");

        } finally {
            other.drop();
        }
    }

    private static Map<String, Long> counts(List<FacetCount> fc) {
        return fc.stream().collect(Collectors.toMap(FacetCount::value, FacetCount::count));
    }
}
