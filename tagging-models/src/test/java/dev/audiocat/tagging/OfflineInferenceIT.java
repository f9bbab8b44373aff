package dev.audiocat.tagging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inference must work with no network: a fresh JVM whose proxies point at a closed port, without the
 * DJL offline flags in its environment (audiocat must set them itself), under a security manager that
 * refuses every non-loopback connection and counts the attempts.
 */
class OfflineInferenceIT {

    @TempDir
    Path dir;

    @Test
    void shippedModelsRunWithTheNetworkUnavailable() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java,
                "-Djava.security.manager=allow",
                "-Djava.net.useSystemProxies=false",
                "-Dhttp.proxyHost=127.0.0.1", "-Dhttp.proxyPort=9",
                "-Dhttps.proxyHost=127.0.0.1", "-Dhttps.proxyPort=9",
                "-DsocksProxyHost=127.0.0.1", "-DsocksProxyPort=9",
                "-Djava.io.tmpdir=" + dir,
                "-DDJL_CACHE_DIR=" + dir.resolve("djl"),
                "-Donnxruntime.native.path=" + dir.resolve("ort"),
                "-cp", System.getProperty("java.class.path"),
                OfflineProbe.class.getName(), dir.resolve("models").toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.remove("DJL_OFFLINE");
        env.remove("OPT_OUT_TRACKING");
        env.put("HOME", dir.toString()); // no ~/.djl.ai from an earlier run to lean on
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child JVM did not finish");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("OFFLINE-OK connects=0 tagged=1"), out);
        assertTrue(dir.resolve("ort").resolve("libonnxruntime.so").toFile().isFile(), "ONNX Runtime natives unpacked once into the given folder");
    }
}
