package dev.audiocat.pipelines.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.audiocat.pipelines.AudiocatHome;
import dev.audiocat.pipelines.transforms.SearchTestRows;
import dev.audiocat.search.CatalogIndex;
import dev.audiocat.search.LocalElasticsearch;
import dev.audiocat.search.SearchConnection;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code audiocat index rebuild} and {@code audiocat search} against the real local Elasticsearch. */
class IndexCommandIT {
    static URI url;
    static String alias = "audiocat-it-cli-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void node() throws Exception {
        url = LocalElasticsearch.startOrReuse(AudiocatHome.get()).url();
    }

    @AfterAll
    static void drop() throws Exception {
        try (SearchConnection c = SearchConnection.remote(url, SearchConnection.Credentials.none())) {
            new CatalogIndex(c.client(), alias, SearchTestRows.DIMS).drop();
        }
    }

    record Run(int code, String out) {
    }

    static Run run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            int code = Main.execute(args);
            return new Run(code, buf.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(old);
        }
    }

    static String[] es(String... args) {
        List<String> a = new ArrayList<>(List.of(args));
        a.addAll(List.of("--es-url", url.toString(), "--index-alias", alias));
        return a.toArray(String[]::new);
    }

    @Test
    void rebuildThenSearchFromTheCommandLine(@TempDir Path dir) throws Exception {
        Path catalog = SearchTestRows.writeCatalog(dir, SearchTestRows.rows());
        Run first = run(es("index", "rebuild", catalog.toString()));
        assertEquals(0, first.code(), first.out());
        assertTrue(first.out().contains("indexed 4 assets"), first.out());
        assertTrue(first.out().contains("embedding dims 8"), "dimension taken from the catalog: " + first.out());

        List<String> indicesBefore;
        try (SearchConnection c = SearchConnection.remote(url, SearchConnection.Credentials.none())) {
            indicesBefore = new CatalogIndex(c.client(), alias, 8).indicesOf(alias);
        }
        Run second = run(es("index", "rebuild", catalog.toString()));
        assertEquals(0, second.code(), second.out());
        assertTrue(second.out().contains("deleted " + indicesBefore.get(0)), second.out());
        try (SearchConnection c = SearchConnection.remote(url, SearchConnection.Credentials.none())) {
            CatalogIndex idx = new CatalogIndex(c.client(), alias, 8);
            assertNotEquals(indicesBefore, idx.indicesOf(alias));
            assertEquals(4, idx.count());
        }

        Run json = run(es("search", "--key", "A minor", "--bpm", "120-130", "--instrument", "drums", "--json"));
        assertEquals(0, json.code(), json.out());
        ObjectMapper m = new ObjectMapper();
        List<String> ids = new ArrayList<>();
        for (String line : json.out().strip().split("\n")) {
            JsonNode n = m.readTree(line);
            ids.add(n.get("asset_id").asText());
            assertEquals("A minor", n.get("key").asText());
        }
        assertEquals(List.of("b1", "b2"), ids.stream().sorted().toList());

        Run table = run(es("search", "copper", "sky"));
        assertEquals(0, table.code(), table.out());
        assertTrue(table.out().contains("2 matching"), table.out());
        assertTrue(table.out().contains("Key (--filter key=…)") && table.out().contains("A minor 2"), table.out());

        Run like = run(es("search", "--like", "b3", "--json", "-k", "1"));
        assertEquals(0, like.code(), like.out());
        assertEquals("b4", m.readTree(like.out().strip()).get("asset_id").asText(), "b4 shares b3's embedding axis");

        Run consent = run(es("search", "--consent", "ai-training=notAllowed", "--json"));
        assertEquals("b3", m.readTree(consent.out().strip()).get("asset_id").asText());

        Run fp = run(es("search", "--fingerprint", "AQADtestb2", "--json"));
        assertEquals("b2", m.readTree(fp.out().strip()).get("asset_id").asText());

        Run bad = run(es("search", "--bpm", "fast"));
        assertEquals(1, bad.code());

        Run missing = run("search", "anything", "--es-url", url.toString(), "--index-alias", alias + "-missing");
        assertEquals(1, missing.code(), "an alias that was never built is an error, not an empty result");
    }
}
