package dev.audiocat.pipelines.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs the real command line in this JVM and returns what it printed on standard output. */
final class CliRun {

    private CliRun() {
    }

    /** {@code audiocat ARGS}, which must exit 0. */
    static String stdout(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            int code = Main.execute(args);
            assertEquals(0, code, "exit code of " + String.join(" ", args) + "; output: " + buf);
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}
