package dev.audiocat.search;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The search page and its JSON API, on the JDK's HTTP server. Binds to loopback unless told
 * otherwise. Previews stream only files that the catalog lists (looked up by asset id; the client
 * never sends a path), with HTTP Range support so the browser can seek.
 *
 * <pre>
 * GET /                      the page (static resources under /static/)
 * GET /api/search?q=&amp;like=&amp;bpm_min=&amp;bpm_max=&amp;dur_min=&amp;dur_max=&amp;k=&amp;size=&amp;FACET=value...
 * GET /api/asset/ID          the catalog record (without embedding)
 * GET /api/preview/ID        the source audio file, Range-aware
 * GET /api/rights/ID         rights history from the ledger, or {"available": false}
 * </pre>
 */
public final class SearchServer implements AutoCloseable {
    private static final Pattern ASSET_PATH = Pattern.compile("/api/(asset|preview|rights)/([A-Za-z0-9_.-]{1,128})");
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");
    private static final Map<String, String> STATIC = Map.of(
            "/", "index.html", "/index.html", "index.html", "/static/app.js", "app.js", "/static/app.css", "app.css");
    private static final Map<String, String> AUDIO_TYPES = Map.of(
            "wav", "audio/wav", "mp3", "audio/mpeg", "flac", "audio/flac", "ogg", "audio/ogg", "opus", "audio/ogg",
            "m4a", "audio/mp4", "aac", "audio/aac", "aif", "audio/aiff", "aiff", "audio/aiff", "webm", "audio/webm");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer http;
    private final ExecutorService pool;
    private final CatalogSearch search;
    private final RightsHistory rights;

    /**
     * @param host address to bind (use 127.0.0.1 unless the page must be reachable from elsewhere)
     * @param port 0 for any free port
     * @param rights the ledger's history, or null when no ledger is configured
     */
    public SearchServer(CatalogSearch search, RightsHistory rights, String host, int port) throws IOException {
        this.search = search;
        this.rights = rights;
        this.http = HttpServer.create(new InetSocketAddress(host, port), 64);
        this.pool = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "search-page");
            t.setDaemon(true);
            return t;
        });
        http.setExecutor(pool);
        http.createContext("/", this::handle);
    }

    public SearchServer start() {
        http.start();
        return this;
    }

    public URI url() {
        InetSocketAddress a = http.getAddress();
        return URI.create("http://" + a.getAddress().getHostAddress() + ":" + a.getPort() + "/");
    }

    @Override
    public void close() {
        http.stop(0);
        pool.shutdownNow();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            var h = ex.getResponseHeaders();
            h.set("X-Content-Type-Options", "nosniff");
            h.set("Referrer-Policy", "no-referrer");
            h.set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; "
                    + "media-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; base-uri 'none'");
            String method = ex.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                sendText(ex, 405, "only GET and HEAD");
                return;
            }
            String path = ex.getRequestURI().getRawPath();
            try {
                if (STATIC.containsKey(path)) {
                    sendResource(ex, STATIC.get(path));
                } else if (path.equals("/api/search")) {
                    sendJson(ex, 200, searchJson(params(ex.getRequestURI().getRawQuery())));
                } else {
                    Matcher m = ASSET_PATH.matcher(path);
                    if (!m.matches()) {
                        sendText(ex, 404, "not found: " + path);
                        return;
                    }
                    String id = m.group(2);
                    switch (m.group(1)) {
                        case "asset" -> asset(ex, id);
                        case "preview" -> preview(ex, id);
                        default -> rightsOf(ex, id);
                    }
                }
            } catch (IllegalArgumentException e) {
                sendJson(ex, 400, Map.of("error", String.valueOf(e.getMessage())));
            } catch (IOException | RuntimeException e) {
                sendJson(ex, 502, Map.of("error", "search backend failed: " + e.getMessage()));
            }
        }
    }

    private Map<String, Object> searchJson(Map<String, List<String>> p) throws IOException {
        SearchQuery q = new SearchQuery().text(first(p, "q"))
                .bpm(number(p, "bpm_min"), number(p, "bpm_max"))
                .duration(number(p, "dur_min"), number(p, "dur_max"));
        String like = first(p, "like");
        if (like != null && !like.isBlank()) {
            q.likeAsset(like);
        }
        if (first(p, "k") != null) {
            q.k(number(p, "k").intValue());
        }
        q.size(first(p, "size") == null ? 20 : number(p, "size").intValue());
        for (Facet f : Facet.values()) {
            for (String v : p.getOrDefault(f.param(), List.of())) {
                q.filter(f, v);
            }
        }
        CatalogSearch.Results r = search.search(q);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("total", r.total());
        out.put("took_ms", r.tookMillis());
        List<Map<String, Object>> hits = new ArrayList<>();
        for (CatalogSearch.Result h : r.hits()) {
            Map<String, Object> m = new LinkedHashMap<>(h.source());
            m.put("asset_id", h.assetId());
            m.put("_score", h.score());
            hits.add(m);
        }
        out.put("hits", hits);
        List<Map<String, Object>> facets = new ArrayList<>();
        r.facets().forEach((f, counts) -> {
            if (!counts.isEmpty()) {
                facets.add(Map.of("param", f.param(), "label", f.label(), "values",
                        counts.stream().map(c -> Map.of("value", c.value(), "count", c.count())).toList(),
                        "selected", p.getOrDefault(f.param(), List.of())));
            }
        });
        out.put("facets", facets);
        return out;
    }

    private void asset(HttpExchange ex, String id) throws IOException {
        Optional<Map<String, Object>> doc = search.get(id);
        if (doc.isEmpty()) {
            sendJson(ex, 404, Map.of("error", "no asset " + id + " in the catalog"));
            return;
        }
        Map<String, Object> m = new LinkedHashMap<>(doc.get());
        m.remove("embedding");
        sendJson(ex, 200, m);
    }

    private void rightsOf(HttpExchange ex, String id) throws IOException {
        if (rights == null) {
            sendJson(ex, 200, Map.of("available", false,
                    "message", "No rights ledger is configured for this catalog."));
            return;
        }
        sendJson(ex, 200, Map.of("available", true, "events", rights.history(id)));
    }

    /** Streams the asset's source file; only catalogued local files, found by asset id. */
    private void preview(HttpExchange ex, String id) throws IOException {
        Optional<Map<String, Object>> doc = search.get(id);
        if (doc.isEmpty() || !(doc.get().get("uri") instanceof String uri)) {
            sendText(ex, 404, "no asset " + id + " in the catalog");
            return;
        }
        Path file;
        try {
            URI u = URI.create(uri);
            if (!"file".equals(u.getScheme())) {
                sendText(ex, 404, "preview only for local files; this asset is at " + u.getScheme() + "://");
                return;
            }
            file = Path.of(u);
        } catch (IllegalArgumentException e) {
            sendText(ex, 404, "catalogued uri is not a file: " + e.getMessage());
            return;
        }
        if (!Files.isRegularFile(file)) {
            sendText(ex, 404, "the catalogued file is no longer there: " + file.getFileName());
            return;
        }
        long size = Files.size(file);
        long start = 0;
        long end = size - 1;
        int status = 200;
        String range = ex.getRequestHeaders().getFirst("Range");
        if (range != null) {
            Matcher m = RANGE.matcher(range.trim());
            if (m.matches() && !(m.group(1).isEmpty() && m.group(2).isEmpty())) {
                if (m.group(1).isEmpty()) {
                    start = Math.max(0, size - Long.parseLong(m.group(2)));
                } else {
                    start = Long.parseLong(m.group(1));
                    end = m.group(2).isEmpty() ? size - 1 : Math.min(size - 1, Long.parseLong(m.group(2)));
                }
                if (start >= size || start > end) {
                    ex.getResponseHeaders().set("Content-Range", "bytes */" + size);
                    ex.sendResponseHeaders(416, -1);
                    return;
                }
                status = 206;
                ex.getResponseHeaders().set("Content-Range", "bytes " + start + "-" + end + "/" + size);
            }
        }
        String name = file.getFileName().toString();
        String ext = name.contains(".") ? name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT) : "";
        var h = ex.getResponseHeaders();
        h.set("Content-Type", AUDIO_TYPES.getOrDefault(ext, "application/octet-stream"));
        h.set("Accept-Ranges", "bytes");
        h.set("Cache-Control", "private, max-age=60");
        long length = end - start + 1;
        if (ex.getRequestMethod().equals("HEAD")) {
            h.set("Content-Length", Long.toString(length));
            ex.sendResponseHeaders(status, -1);
            return;
        }
        ex.sendResponseHeaders(status, length);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ); OutputStream out = ex.getResponseBody()) {
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            long pos = start;
            long remaining = length;
            while (remaining > 0) {
                buf.clear().limit((int) Math.min(buf.capacity(), remaining));
                int n = ch.read(buf, pos);
                if (n < 0) {
                    break;
                }
                out.write(buf.array(), 0, n);
                pos += n;
                remaining -= n;
            }
        }
    }

    private static void sendResource(HttpExchange ex, String name) throws IOException {
        try (InputStream in = SearchServer.class.getResourceAsStream("web/" + name)) {
            if (in == null) {
                sendText(ex, 404, "missing resource " + name);
                return;
            }
            byte[] body = in.readAllBytes();
            String type = name.endsWith(".html") ? "text/html; charset=utf-8"
                    : name.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8";
            send(ex, 200, type, body);
        }
    }

    private static void sendJson(HttpExchange ex, int status, Object body) throws IOException {
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        send(ex, status, "application/json; charset=utf-8", JSON.writeValueAsBytes(body));
    }

    private static void sendText(HttpExchange ex, int status, String body) throws IOException {
        send(ex, status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
            ex.sendResponseHeaders(status, -1);
            return;
        }
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    static Map<String, List<String>> params(String rawQuery) {
        Map<String, List<String>> p = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return p;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            p.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return p;
    }

    private static String first(Map<String, List<String>> p, String k) {
        List<String> v = p.get(k);
        return v == null || v.isEmpty() || v.get(0).isBlank() ? null : v.get(0);
    }

    private static Double number(Map<String, List<String>> p, String k) {
        String v = first(p, k);
        if (v == null) {
            return null;
        }
        try {
            return Double.valueOf(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(k + " must be a number: " + v);
        }
    }
}
