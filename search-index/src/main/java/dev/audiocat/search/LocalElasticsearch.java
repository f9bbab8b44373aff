package dev.audiocat.search;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The single-node Elasticsearch that audiocat provisions for itself (the embedded default and the
 * tests): unpacked from the Maven Central distribution zip under the audiocat home, bound to
 * 127.0.0.1 on a free port, started once and reused by later callers (other test classes, other
 * Maven modules, the next CLI command) through a state file under the home.
 *
 * <p>Layout (ES_ROOT = {@code $AUDIOCAT_HOME/elasticsearch}): {@code dist/elasticsearch-VERSION/},
 * {@code data/}, {@code logs/}, {@code tmp/}, {@code run/elasticsearch.pid}; the state file
 * {@code $AUDIOCAT_HOME/elasticsearch/state.properties} holds pid, port and ES_ROOT.
 *
 * <p>Elasticsearch refuses to run as root. As root, it runs as the unprivileged system user
 * {@value #ES_USER} (created on first use), which owns ES_ROOT. When that user cannot traverse to
 * the audiocat home (e.g. {@code /root} is mode 700), ES_ROOT moves to
 * {@code /var/lib/audiocat-elasticsearch/<hash of the home>} rather than loosening the home's
 * permissions; the state file still lives under the home.
 */
public final class LocalElasticsearch {
    public static final String ES_USER = "audiocat-es";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(240);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    /** A running node. */
    public record Node(URI url, long pid, Path root, String heap) {}

    private LocalElasticsearch() {}

    /** Heap for a node this process starts: {@code -Daudiocat.es.heap}, env AUDIOCAT_ES_HEAP, or 512m. */
    public static String defaultHeap() {
        String h = System.getProperty("audiocat.es.heap", System.getenv("AUDIOCAT_ES_HEAP"));
        return h == null || h.isBlank() ? "512m" : h.trim();
    }

    /** The audiocat home: {@code -Daudiocat.home}, env AUDIOCAT_HOME, or ~/.audiocat. */
    public static Path defaultHome() {
        String h = System.getProperty("audiocat.home", System.getenv("AUDIOCAT_HOME"));
        if (h == null || h.isBlank()) {
            h = System.getProperty("user.home") + "/.audiocat";
        }
        return Path.of(h).toAbsolutePath();
    }

    public static Node startOrReuse(Path home) throws IOException {
        return startOrReuse(home, defaultHeap());
    }

    /**
     * Returns the node recorded under {@code home} if it is alive and answers cluster health, else
     * starts one (unpacking the distribution on first use). Safe to call from several processes at
     * once: a file lock serialises them.
     */
    public static Node startOrReuse(Path home, String heap) throws IOException {
        Path stateDir = home.resolve("elasticsearch");
        Files.createDirectories(stateDir);
        try (FileChannel ch = FileChannel.open(stateDir.resolve(".lock"),
                        StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                  FileLock ignored = ch.lock()) {
            Optional<Node> running = running(home);
            if (running.isPresent()) {
                return running.get();
            }
            return start(home, heap);
        }
    }

    /** The recorded node if its process is alive and it answers {@code _cluster/health}. */
    public static Optional<Node> running(Path home) {
        Path state = home.resolve("elasticsearch").resolve("state.properties");
        if (!Files.isRegularFile(state)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(state)) {
            p.load(in);
            Node node = new Node(URI.create(p.getProperty("url")), Long.parseLong(p.getProperty("pid")),
                    Path.of(p.getProperty("root")), p.getProperty("heap", "?"));
            if (ProcessHandle.of(node.pid()).map(ProcessHandle::isAlive).orElse(false)
                    && healthy(node.url(), Duration.ofSeconds(5))) {
                return Optional.of(node);
            }
        } catch (IOException | RuntimeException e) {
            // unreadable or stale state: treat as not running
        }
        return Optional.empty();
    }

    /** Stops the recorded node, if any; returns whether one was running. */
    public static boolean stop(Path home) throws IOException {
        Path state = home.resolve("elasticsearch").resolve("state.properties");
        if (!Files.isRegularFile(state)) {
            return false;
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(state)) {
            p.load(in);
        }
        Files.deleteIfExists(state);
        Optional<ProcessHandle> ph = ProcessHandle.of(Long.parseLong(p.getProperty("pid")));
        if (ph.isEmpty() || !ph.get().isAlive()) {
            return false;
        }
        ph.get().destroy(); // SIGTERM: Elasticsearch shuts down cleanly
        long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        while (ph.get().isAlive() && System.nanoTime() < deadline) {
            sleep(200);
        }
        if (ph.get().isAlive()) {
            ph.get().destroyForcibly();
        }
        return true;
    }

    private static Node start(Path home, String heap) throws IOException {
        boolean root = isRoot();
        Path esRoot = esRoot(home, root);
        String version = Distribution.version();
        Path dist = esRoot.resolve("dist").resolve("elasticsearch-" + version);
        if (!Files.isRegularFile(dist.resolve(".unpacked"))) {
            unpack(Distribution.zip(), esRoot.resolve("dist"));
            Files.writeString(dist.resolve(".unpacked"), version + "\n");
        }
        for (String d : List.of("data", "logs", "tmp", "run")) {
            Files.createDirectories(esRoot.resolve(d));
        }
        Path pidFile = esRoot.resolve("run").resolve("elasticsearch.pid");
        Files.deleteIfExists(pidFile);
        if (root) {
            ensureUser();
            run(List.of("chown", "-R", ES_USER + ":" + ES_USER, esRoot.toString()), "chown " + esRoot);
        }
        int httpPort = freePort();
        int transportPort = freePort();
        List<String> cmd = new ArrayList<>();
        if (root) {
            cmd.addAll(List.of("runuser", "-u", ES_USER, "--"));
        }
        cmd.addAll(List.of("env",
                "ES_JAVA_HOME=" + System.getProperty("java.home"),
                // no perf-data files in /tmp; the launcher's own JVM-flags probe also writes to the node's tmp
                "ES_JAVA_OPTS=-Xms" + heap + " -Xmx" + heap + " -XX:-UsePerfData",
                "CLI_JAVA_OPTS=-XX:-UsePerfData -Djava.io.tmpdir=" + esRoot.resolve("tmp"),
                "ES_TMPDIR=" + esRoot.resolve("tmp"),
                dist.resolve("bin").resolve("elasticsearch").toString(),
                "-d", "-p", pidFile.toString(),
                "-E", "cluster.name=audiocat",
                "-E", "node.name=audiocat-local",
                "-E", "discovery.type=single-node",
                "-E", "xpack.security.enabled=false",
                "-E", "network.host=127.0.0.1",
                "-E", "http.port=" + httpPort,
                "-E", "transport.port=" + transportPort,
                // a nearly full disk must not turn the catalog index read-only under a test run
                "-E", "cluster.routing.allocation.disk.threshold_enabled=false",
                "-E", "path.data=" + esRoot.resolve("data"),
                "-E", "path.logs=" + esRoot.resolve("logs")));
        Path launchLog = home.resolve("elasticsearch").resolve("launch.log");
        Process launcher = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(launchLog.toFile()).start();
        URI url = URI.create("http://127.0.0.1:" + httpPort);
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        long pid = -1;
        while (System.nanoTime() < deadline) {
            if (pid < 0 && Files.isRegularFile(pidFile)) {
                String s = Files.readString(pidFile).trim();
                if (!s.isEmpty()) {
                    pid = Long.parseLong(s);
                    writeState(home, url, pid, esRoot, heap);
                }
            }
            if (!launcher.isAlive() && launcher.exitValue() != 0) {
                throw new IOException("Elasticsearch failed to start (exit " + launcher.exitValue() + "); see "
                        + launchLog + " and " + esRoot.resolve("logs") + ":\n" + tail(launchLog));
            }
            if (pid > 0 && healthy(url, Duration.ofSeconds(2))) {
                return new Node(url, pid, esRoot, heap);
            }
            sleep(500);
        }
        if (pid > 0) {
            stop(home);
        }
        throw new IOException("Elasticsearch did not become healthy within " + START_TIMEOUT.toSeconds()
                + " s; see " + launchLog + " and " + esRoot.resolve("logs"));
    }

    private static void writeState(Path home, URI url, long pid, Path esRoot, String heap)
            throws IOException {
        Properties p = new Properties();
        p.setProperty("url", url.toString());
        p.setProperty("pid", Long.toString(pid));
        p.setProperty("root", esRoot.toString());
        p.setProperty("heap", heap);
        Path state = home.resolve("elasticsearch").resolve("state.properties");
        Path tmp = state.resolveSibling("state.properties.tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            p.store(out, "local Elasticsearch started by audiocat; stop with: audiocat index stop-local");
        }
        Files.move(tmp, state, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    static boolean healthy(URI url, Duration timeout) {
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).build();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(url.resolve("/_cluster/health"))
                    .timeout(timeout).GET().build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200
                    && (r.body().contains("\"status\":\"green\"") || r.body().contains("\"status\":\"yellow\""));
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** ES_ROOT: under the home when the ES user can reach it, else a folder it can own. */
    static Path esRoot(Path home, boolean root) throws IOException {
        Path preferred = home.resolve("elasticsearch");
        if (!root || traversableByOthers(home)) {
            return preferred;
        }
        String hash;
        try {
            hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(home.toString().getBytes(StandardCharsets.UTF_8))).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Path fallback = Path.of("/var/lib/audiocat-elasticsearch", hash);
        Files.createDirectories(fallback);
        Files.writeString(preferred.resolve("ES_ROOT"), fallback + "\n");
        return fallback;
    }

    private static boolean traversableByOthers(Path dir) throws IOException {
        for (Path p = dir.toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
                if (!perms.contains(PosixFilePermission.OTHERS_EXECUTE)) {
                    return false;
                }
            }
        }
        return true;
    }

    static boolean isRoot() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    private static void ensureUser() throws IOException {
        Process id = new ProcessBuilder("id", "-u", ES_USER).redirectErrorStream(true).start();
        if (waitFor(id) == 0) {
            return;
        }
        run(List.of("useradd", "--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent",
                "--shell", "/usr/sbin/nologin", ES_USER), "create user " + ES_USER);
    }

    private static void run(List<String> cmd, String what) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (waitFor(p) != 0) {
            throw new IOException("could not " + what + " (" + String.join(" ", cmd) + "): " + out.trim());
        }
    }

    private static int waitFor(Process p) throws IOException {
        try {
            return p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    static void unpack(Path zip, Path target) throws IOException {
        Files.createDirectories(target);
        Path base = target.toAbsolutePath().normalize();
        try (ZipFile zf = new ZipFile(zip.toFile())) {
            Enumeration<? extends ZipEntry> entries = zf.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                Path out = base.resolve(e.getName()).normalize();
                if (!out.startsWith(base)) {
                    throw new IOException("refusing zip entry outside the target: " + e.getName() + " in " + zip);
                }
                if (e.isDirectory()) {
                    Files.createDirectories(out);
                    continue;
                }
                Files.createDirectories(out.getParent());
                try (InputStream in = zf.getInputStream(e)) {
                    Files.copy(in, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
                // java.util.zip does not expose Unix modes: the launch scripts are what must be executable
                if (out.getParent().getFileName().toString().equals("bin")) {
                    out.toFile().setExecutable(true, false);
                }
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String tail(Path file) {
        try (Stream<String> lines = Files.lines(file)) {
            List<String> all = lines.toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - 30), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no output)";
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** {@code start [HOME]}, {@code stop [HOME]}, {@code status [HOME]}: used by ./test and scripts. */
    public static void main(String[] args) throws IOException {
        String cmd = args.length > 0 ? args[0] : "status";
        Path home = args.length > 1 ? Path.of(args[1]) : defaultHome();
        switch (cmd) {
            case "start" -> System.out.println(startOrReuse(home).url());
            case "stop" -> System.out.println(stop(home) ? "stopped" : "not running");
            case "status" -> System.out.println(running(home).map(n -> "running " + n.url() + " pid " + n.pid())
                    .orElse("not running"));
            default -> {
                System.err.println("usage: LocalElasticsearch start|stop|status [AUDIOCAT_HOME]");
                System.exit(2);
            }
        }
    }

    /** Where the build put the distribution zip (elasticsearch-distribution.properties). */
    static final class Distribution {
        private static Properties props() throws IOException {
            Properties p = new Properties();
            try (InputStream in = LocalElasticsearch.class.getResourceAsStream("elasticsearch-distribution.properties")) {
                if (in == null) {
                    throw new IOException("elasticsearch-distribution.properties missing from the search-index jar: rebuild audiocat");
                }
                p.load(in);
            }
            return p;
        }

        static String version() throws IOException {
            return props().getProperty("version");
        }

        static Path zip() throws IOException {
            String override = System.getProperty("audiocat.es.zip", System.getenv("AUDIOCAT_ES_ZIP"));
            Path zip = Path.of(override != null && !override.isBlank() ? override : props().getProperty("zip"));
            if (!Files.isRegularFile(zip)) {
                throw new IOException("Elasticsearch distribution not found at " + zip
                        + ": run the build again (mvn -pl search-index install) so Maven fetches it, or set AUDIOCAT_ES_ZIP");
            }
            return zip;
        }
    }
}
