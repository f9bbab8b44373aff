package dev.audiocat.pipelines.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** A plain-text table with columns sized to their content; long cells are cut with an ellipsis. */
public final class Table {

    private static final int MAX_WIDTH = 60;

    private final String[] header;
    private final List<String[]> rows = new ArrayList<>();

    public Table(String... header) {
        this.header = header;
    }

    public Table row(String... cells) {
        if (cells.length != header.length) {
            throw new IllegalArgumentException("row has " + cells.length + " cells, the table has " + header.length + " columns");
        }
        rows.add(cells);
        return this;
    }

    public void print(PrintStream out) {
        int[] w = new int[header.length];
        for (int i = 0; i < header.length; i++) {
            w[i] = header[i].length();
        }
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                w[i] = Math.min(MAX_WIDTH, Math.max(w[i], clean(r[i]).length()));
            }
        }
        line(out, header, w);
        StringBuilder sep = new StringBuilder();
        for (int i = 0; i < w.length; i++) {
            sep.append("-".repeat(w[i])).append(i + 1 < w.length ? "  " : "");
        }
        out.println(sep);
        for (String[] r : rows) {
            line(out, r, w);
        }
    }

    private static void line(PrintStream out, String[] cells, int[] w) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            String c = clean(cells[i]);
            if (c.length() > w[i]) {
                c = c.substring(0, w[i] - 1) + "…";
            }
            b.append(c);
            if (i + 1 < cells.length) {
                b.append(" ".repeat(w[i] - c.length() + 2));
            }
        }
        out.println(b.toString().stripTrailing());
    }

    /** Untrusted tag text must not move the cursor or inject terminal escapes. */
    private static String clean(String s) {
        return s == null ? "" : s.replaceAll("[\\p{Cntrl}]", " ");
    }
}
