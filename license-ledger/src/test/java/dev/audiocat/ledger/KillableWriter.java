package dev.audiocat.ledger;

import java.util.Map;

/**
 * Run as a separate JVM by the crash tests: appends entries to the ledger at {@code args[0]}
 * (folder or s3://) as fast as it can until it is killed.
 */
public final class KillableWriter {
    private KillableWriter() {}

    public static void main(String[] args) throws Exception {
        try (Ledger l = Ledger.open(args[0])) {
            System.out.println("ready");
            System.out.flush();
            for (long i = 0; ; i++) {
                Map<String, Object> e = Ev.party("killable-" + ProcessHandle.current().pid() + "-" + i, "artist");
                // padding makes each write large enough to be cut in the middle
                e.put("name", "x".repeat(20_000));
                l.append(e);
            }
        }
    }
}
