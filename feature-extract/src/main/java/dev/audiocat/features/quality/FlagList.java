package dev.audiocat.features.quality;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects flags of one type with a cap, so a pathological file (a clipped sine for three hours)
 * cannot grow memory: past {@link #CAP} flags the last one is widened to cover the rest.
 */
final class FlagList {

    static final int CAP = 64;

    private final String type;
    private final List<QcFlag> flags = new ArrayList<>();
    private int merged;

    FlagList(String type) {
        this.type = type;
    }

    void add(String severity, double start, double end, String detail) {
        if (flags.size() < CAP) {
            flags.add(new QcFlag(type, severity, start, end, detail));
            return;
        }
        merged++;
        QcFlag last = flags.get(CAP - 1);
        String sev = rank(severity) > rank(last.severity()) ? severity : last.severity();
        flags.set(CAP - 1, new QcFlag(type, sev, last.startSeconds(), end,
                "and " + merged + " more; last: " + detail));
    }

    List<QcFlag> flags() {
        return flags;
    }

    static int rank(String severity) {
        return switch (severity) {
            case QcFlag.ERROR -> 2;
            case QcFlag.WARNING -> 1;
            default -> 0;
        };
    }
}
