package dev.audiocat.features.fingerprint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real {@code fpcalc} (Debian libchromaprint-tools) and parses its output. */
final class FpcalcReference {

    private FpcalcReference() {
    }

    /** {@code fpcalc -raw FILE}: the raw sub-fingerprints as signed ints. */
    static int[] raw(Path file, String... extra) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("fpcalc", "-raw"));
        cmd.addAll(List.of(extra));
        cmd.add(file.toString());
        String fp = field(run(cmd), "FINGERPRINT=");
        if (fp.isEmpty()) {
            return new int[0];
        }
        String[] parts = fp.split(",");
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = (int) Long.parseLong(parts[i].trim());
        }
        return out;
    }

    /** {@code fpcalc FILE}: the compressed fingerprint. */
    static String compressed(Path file, String... extra) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("fpcalc"));
        cmd.addAll(List.of(extra));
        cmd.add(file.toString());
        return field(run(cmd), "FINGERPRINT=");
    }

    private static String field(String out, String prefix) {
        for (String line : out.split("\n")) {
            if (line.startsWith(prefix)) {
                return line.substring(prefix.length()).trim();
            }
        }
        throw new IllegalStateException("fpcalc printed no " + prefix + " line: " + out);
    }

    static String run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        // Debian's fpcalc 1.5.1 exits with 3 ("Error decoding audio frame (End of file)") after a
        // complete fingerprint of some WAV files; the fingerprint it printed is still whole.
        if (!p.waitFor(120, TimeUnit.SECONDS) || (p.exitValue() != 0 && !(p.exitValue() == 3
                && new String(out, StandardCharsets.UTF_8).contains("FINGERPRINT=")))) {
            throw new IOException(String.join(" ", cmd) + " failed: " + new String(out, StandardCharsets.UTF_8));
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    /** Number of differing bits between two raw fingerprints over their common length. */
    static long bitErrors(int[] a, int[] b) {
        long e = 0;
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            e += Integer.bitCount(a[i] ^ b[i]);
        }
        return e;
    }
}
