package dev.audiocat.pipelines.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = Main.execute(args);
            return new Run(code, buf.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /** 16-bit mono 22.05 kHz WAV: a tone, or seeded white noise when {@code hz} is 0. */
    static Path wav(Path file, double hz, double seconds) throws java.io.IOException {
        int rate = 22050;
        int n = (int) (rate * seconds);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(44 + 2 * n).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + 2 * n).put("WAVE".getBytes(StandardCharsets.US_ASCII));
        b.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1).putShort((short) 1)
                .putInt(rate).putInt(rate * 2).putShort((short) 2).putShort((short) 16);
        b.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(2 * n);
        java.util.Random r = new java.util.Random(3);
        for (int i = 0; i < n; i++) {
            double v = hz > 0 ? Math.sin(2 * Math.PI * hz * i / rate) : r.nextGaussian() * 0.3;
            b.putShort((short) Math.round(8000 * Math.max(-1, Math.min(1, v))));
        }
        java.nio.file.Files.write(file, b.array());
        return file;
    }

    /**
     * A small spectral "embedding" of a 16-bit mono WAV: energy in 16 bands of a 2048-point DFT,
     * L2-normalised. It stands in for the registry's model, which is tagging-models' to test: this
     * test is about --like-file reaching kNN through the embedder hook and the dimension check.
     */
    static float[] bandEnergies(Path wav) throws java.io.IOException {
        byte[] b = java.nio.file.Files.readAllBytes(wav);
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(b, 44, b.length - 44).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int n = 2048;
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = buf.getShort() / 32768.0;
        }
        float[] v = new float[16];
        for (int k = 1; k < n / 2; k++) {
            double re = 0;
            double im = 0;
            for (int i = 0; i < n; i++) {
                re += x[i] * Math.cos(2 * Math.PI * k * i / n);
                im -= x[i] * Math.sin(2 * Math.PI * k * i / n);
            }
            v[k * 16 / (n / 2)] += (float) (re * re + im * im);
        }
        double norm = 0;
        for (float f : v) {
            norm += f * f;
        }
        for (int i = 0; i < v.length; i++) {
            v[i] /= (float) Math.sqrt(norm);
        }
        return v;
    }

    @Test
    void likeFileFindsTheAssetThatSoundsTheSame(@TempDir Path dir) throws Exception {
        Path tone = wav(dir.resolve("tone.wav"), 440, 1);
        Path noise = wav(dir.resolve("noise.wav"), 0, 1);
        SearchCommand.AudioEmbedder shipped = SearchCommand.embedder;
        SearchCommand.embedder = f -> new SearchCommand.Embedding(bandEnergies(f), "bands@1");
        float[] toneVector = bandEnergies(tone);
        float[] noiseVector = bandEnergies(noise);
        List<org.apache.avro.generic.GenericRecord> rows = new ArrayList<>();
        // o1 holds the tone's own vector but from another model: "sounds like" must not compare it
        for (Object[] r : new Object[][] {{"t1", toneVector, "bands@1"}, {"n1", noiseVector, "bands@1"}, {"o1", toneVector, "other@2"}}) {
            org.apache.avro.generic.GenericRecord row = SearchTestRows.row((String) r[0], (String) r[0], "A", "minor", 120, 0,
                    java.util.Map.of("synth", 0.9), "allowed");
            row.put("embedding_model", r[2]);
            List<Float> v = new ArrayList<>();
            for (float x : (float[]) r[1]) {
                v.add(x);
            }
            row.put("embedding", v);
            rows.add(row);
        }
        String modelAlias = alias + "-model";
        Path catalog = SearchTestRows.writeCatalog(dir.resolve("catalog"), rows);
        try {
            Run rebuild = run("index", "rebuild", catalog.toString(), "--es-url", url.toString(), "--index-alias", modelAlias);
            assertEquals(0, rebuild.code(), rebuild.out());
            assertTrue(rebuild.out().contains("embedding dims " + toneVector.length), rebuild.out());
            Run like = run("search", "--like-file", tone.toString(), "-k", "1", "--json", "--es-url", url.toString(),
                    "--index-alias", modelAlias);
            assertEquals(0, like.code(), like.out());
            assertEquals("t1", new ObjectMapper().readTree(like.out().strip()).get("asset_id").asText());
            assertTrue(like.err().contains("1 asset(s) of " + modelAlias + " were embedded by another model than bands@1"), like.err());
            Run all = run("search", "--like-file", tone.toString(), "-k", "5", "--json", "--es-url", url.toString(), "--index-alias", modelAlias);
            assertEquals(0, all.code(), all.out());
            assertEquals(2, all.out().strip().split("\n").length, all.out());
            assertFalse(all.out().contains("\"o1\""), all.out());
            // --like of an asset compares with its own model's assets: o1's only neighbour candidates are other@2 rows
            Run likeOther = run("search", "--like", "o1", "-k", "5", "--json", "--es-url", url.toString(), "--index-alias", modelAlias);
            assertEquals(0, likeOther.code(), likeOther.err());
            assertEquals("", likeOther.out().strip(), likeOther.out());
            // a vector of another dimension than the index's is refused with a message, not a 400
            SearchCommand.embedder = f -> new SearchCommand.Embedding(new float[] {1f, 0f, 0f}, null);
            Run otherModel = run("search", "--like-file", tone.toString(), "--es-url", url.toString(), "--index-alias", modelAlias);
            assertEquals(1, otherModel.code());
            assertTrue(otherModel.err().contains("gives 3-d vectors, the index " + modelAlias + " holds 16-d ones"), otherModel.err());
        } finally {
            SearchCommand.embedder = shipped;
            try (SearchConnection c = SearchConnection.remote(url, SearchConnection.Credentials.none())) {
                new CatalogIndex(c.client(), modelAlias, toneVector.length).drop();
            }
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

        // an ingest whose embedding model makes vectors of another length than the live index's is refused before
        // it runs, instead of every document coming back as a search_index_rejected dead letter
        Path library = java.nio.file.Files.createDirectories(dir.resolve("library"));
        wav(library.resolve("tone.wav"), 440, 1);
        Run ingest = run(es("ingest", library.toString(), "--out", dir.resolve("out").toString()));
        assertEquals(1, ingest.code(), ingest.out() + ingest.err());
        assertTrue(ingest.err().contains("search index " + alias + " holds 8-dimensional embeddings, but the embedding model audiocat-tagger@")
                && ingest.err().contains("makes 128-dimensional ones") && ingest.err().contains("audiocat index rebuild CATALOG"), ingest.err());
        try (SearchConnection c = SearchConnection.remote(url, SearchConnection.Credentials.none())) {
            assertEquals(4, new CatalogIndex(c.client(), alias, 8).count());
        }

        Run missing = run("search", "anything", "--es-url", url.toString(), "--index-alias", alias + "-missing");
        assertEquals(1, missing.code(), "an alias that was never built is an error, not an empty result");
        assertTrue(missing.err().contains("audiocat index rebuild CATALOG"), missing.err());
    }
}
