package dev.audiocat.pipelines.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code audiocat references add} then {@code audiocat identify [--json]} through the real command line. */
class ReferencesCommandTest {

    @TempDir
    Path dir;

    private static String run(String... args) {
        return CliRun.stdout(args);
    }

    @Test
    void addThenIdentify() throws Exception {
        Path refs = dir.resolve("library");
        Files.createDirectories(refs);
        for (String name : List.of("loop_tabla.flac", "guit_em9.flac", "loop_amen_full.flac")) {
            Files.copy(Path.of("/usr/share/sonic-pi/samples", name), refs.resolve(name));
        }
        Files.writeString(refs.resolve("notes.txt"), "not audio");
        Path index = dir.resolve("index");
        String added = run("references", "add", refs.toString(), "--index", index.toString());
        assertTrue(added.contains("3 added, 0 already indexed, 0 failed"), added);
        String again = run("references", "add", refs.toString(), "--index", index.toString());
        assertTrue(again.contains("0 added, 3 already indexed"), again);
        assertTrue(run("references", "list", "--index", index.toString()).contains("3 references"));

        Path clip = dir.resolve("clip.wav");
        Process p = new ProcessBuilder("sox", refs.resolve("guit_em9.flac").toString(), clip.toString(), "trim", "1", "6", "pitch", "100")
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0);

        JsonNode json = new ObjectMapper().readTree(run("identify", clip.toString(), "--json", "--index", index.toString()));
        JsonNode best = json.get("matches").get(0);
        assertEquals(refs.resolve("guit_em9.flac").toUri().toString(), best.get("reference_uri").asText());
        assertEquals(1.0, best.get("pitch_shift_semitones").asDouble(), 0.51);
        assertTrue(best.get("score").asInt() >= 15);

        String text = run("identify", clip.toString(), "--index", index.toString());
        String id = dev.audiocat.features.AudioAnalyzer.sha256(refs.resolve("guit_em9.flac"));
        assertTrue(text.contains(id.substring(0, 16)) && text.contains("1 match"), text);

        Path silence = dir.resolve("silence.wav");
        Process s = new ProcessBuilder("sox", "-n", "-r", "44100", "-c", "1", silence.toString(), "synth", "5", "pinknoise", "vol", "0.2")
                .redirectErrorStream(true).start();
        s.getInputStream().readAllBytes();
        assertTrue(s.waitFor(60, TimeUnit.SECONDS) && s.exitValue() == 0);
        String none = run("identify", silence.toString(), "--index", index.toString());
        assertTrue(none.startsWith("no match"), none);
        assertNotEquals(0, Main.execute("identify", dir.resolve("missing.wav").toString(), "--index", index.toString()));
    }
}
