package dev.audiocat.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The search page on a real index: HTTP checks (Range, no path traversal, loopback binding) and a
 * run of Debian's headless Chromium through Playwright (src/test/browser/test.mjs), which saves
 * target/search-page.png.
 */
class SearchPageIT {
    static final Path TARGET = Path.of("target").toAbsolutePath();
    static SearchConnection conn;
    static CatalogIndex index;
    static SearchServer server;
    static Path audioDir;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void setUp() throws IOException {
        audioDir = Files.createDirectories(TARGET.resolve("search-page-audio"));
        List<CatalogDocument> docs = TestDocuments.catalog(audioDir.toUri().toString());
        for (int i = 0; i < docs.size(); i++) {
            writeTone(audioDir.resolve(docs.get(i).id() + ".wav"), 220.0 * (i + 1), 2.0);
        }
        conn = TestNode.connect();
        index = new CatalogIndex(conn.client(), TestNode.uniqueAlias("page"), TestDocuments.DIMS);
        index.ensure();
        BulkWriter.Outcome o = new BulkWriter(conn.client(), index.alias()).write(docs);
        assertEquals(docs.size(), o.indexed(), () -> "failed: " + o.failed());
        index.refresh();
        server = new SearchServer(new CatalogSearch(conn.client(), index.alias()), null, "127.0.0.1", 0).start();
    }

    @AfterAll
    static void tearDown() throws IOException {
        if (server != null) {
            server.close();
        }
        if (index != null) {
            index.drop();
        }
        if (conn != null) {
            conn.close();
        }
    }

    /** 16-bit mono 22.05 kHz WAV with a sine tone. */
    static void writeTone(Path file, double hz, double seconds) throws IOException {
        int rate = 22050;
        int n = (int) (rate * seconds);
        ByteBuffer b = ByteBuffer.allocate(44 + 2 * n).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + 2 * n).put("WAVE".getBytes(StandardCharsets.US_ASCII));
        b.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1).putShort((short) 1)
                .putInt(rate).putInt(rate * 2).putShort((short) 2).putShort((short) 16);
        b.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(2 * n);
        for (int i = 0; i < n; i++) {
            b.putShort((short) Math.round(8000 * Math.sin(2 * Math.PI * hz * i / rate)));
        }
        Files.write(file, b.array());
    }

    private static HttpResponse<byte[]> get(String path, String range) throws IOException, InterruptedException {
        HttpRequest.Builder r = HttpRequest.newBuilder(server.url().resolve(path));
        if (range != null) {
            r.header("Range", range);
        }
        return HTTP.send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void previewsHonourRangeRequests() throws Exception {
        byte[] file = Files.readAllBytes(audioDir.resolve("a3.wav"));
        HttpResponse<byte[]> whole = get("/api/preview/a3", null);
        assertEquals(200, whole.statusCode());
        assertArrayEquals(file, whole.body());
        assertEquals("audio/wav", whole.headers().firstValue("Content-Type").orElseThrow());
        HttpResponse<byte[]> part = get("/api/preview/a3", "bytes=100-199");
        assertEquals(206, part.statusCode());
        assertEquals("bytes 100-199/" + file.length, part.headers().firstValue("Content-Range").orElseThrow());
        assertArrayEquals(Arrays.copyOfRange(file, 100, 200), part.body());
        HttpResponse<byte[]> suffix = get("/api/preview/a3", "bytes=-10");
        assertArrayEquals(Arrays.copyOfRange(file, file.length - 10, file.length), suffix.body());
        HttpResponse<byte[]> open = get("/api/preview/a3", "bytes=" + (file.length - 5) + "-");
        assertEquals(5, open.body().length);
        assertEquals(416, get("/api/preview/a3", "bytes=" + file.length + "-").statusCode());
    }

    @Test
    void onlyCataloguedFilesAreServed() throws Exception {
        assertEquals(404, get("/api/preview/not-in-catalog", null).statusCode());
        assertEquals(404, get("/api/preview/..%2F..%2F..%2Fetc%2Fpasswd", null).statusCode());
        assertEquals(404, get("/api/preview/../../etc/passwd", null).statusCode());
        assertEquals(404, get("/static/../../pom.xml", null).statusCode());
        Files.writeString(audioDir.resolve("secret.txt"), "not catalogued");
        assertEquals(404, get("/api/preview/secret.txt", null).statusCode());
        assertEquals("127.0.0.1", server.url().getHost());
    }

    @Test
    void searchApiReturnsHitsAndFacets() throws Exception {
        HttpResponse<byte[]> r = get("/api/search?q=kestrel&key=A+minor&bpm_min=120&bpm_max=128", null);
        assertEquals(200, r.statusCode());
        String body = new String(r.body(), StandardCharsets.UTF_8);
        assertTrue(body.startsWith("{\"total\":2,"), body);
        assertTrue(body.contains("\"asset_id\":\"a1\"") && body.contains("\"asset_id\":\"a2\""), body);
        assertTrue(r.headers().firstValue("Content-Security-Policy").orElseThrow().contains("default-src 'self'"));
        assertEquals(400, get("/api/search?bpm_min=fast", null).statusCode());
    }

    @Test
    void pageWorksInHeadlessChromium() throws Exception {
        Path work = Files.createDirectories(TARGET.resolve("browser-test"));
        Path src = Path.of("src/test/browser").toAbsolutePath();
        for (String f : List.of("package.json", "package-lock.json", "test.mjs")) {
            Files.copy(src.resolve(f), work.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        if (!Files.isDirectory(work.resolve("node_modules/playwright-core"))) {
            run(work, 300, "npm", "ci", "--no-audit", "--no-fund");
        }
        Path shot = TARGET.resolve("search-page.png");
        Files.deleteIfExists(shot);
        String out = run(work, 120, "node", "test.mjs", server.url().toString(), shot.toString());
        assertTrue(out.contains("ok - the preview plays"), out);
        assertTrue(Files.size(shot) > 10_000, "screenshot saved: " + shot);
    }

    private static String run(Path dir, int timeoutSeconds, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> {
            try {
                p.getInputStream().transferTo(buf);
            } catch (IOException ignored) {
                // process ended
            }
        });
        reader.start();
        boolean done = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
        }
        reader.join(5000);
        String out = buf.toString(StandardCharsets.UTF_8);
        System.out.println(out);
        assertTrue(done, String.join(" ", cmd) + " timed out:\n" + out);
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + " failed:\n" + out);
        return out;
    }
}
