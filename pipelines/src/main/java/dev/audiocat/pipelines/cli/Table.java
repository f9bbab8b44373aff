package dev.audiocat.pipelines.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * A plain-text table with columns sized to their content; long cells are cut with an ellipsis. Rows print in
 * the order they were added, then the keyed rows in key order. Each row is held as one string (its
 * cells cleaned and joined), so a table of a million catalog rows fits in a few hundred megabytes.
 */
public final class Table {

    private static final int MAX_WIDTH = 60;
    /** Joins a row's cells; {@link #clean} has replaced every control character in them. */
    private static final String SEP = "\u001f";

    private final String[] header;
    private final List<String> rows = new ArrayList<>();
    private final TreeMap<String, String> keyed = new TreeMap<>();

    public Table(String... header) {
        this.header = java.util.Arrays.stream(header).map(Table::clean).toArray(String[]::new);
    }

    public Table row(String... cells) {
        rows.add(pack(cells));
        return this;
    }

    /** A row printed in the order of {@code key} among the keyed rows; a second row with the same key replaces the first. */
    public Table keyedRow(String key, String... cells) {
        keyed.put(key, pack(cells));
        return this;
    }

    private String pack(String[] cells) {
        if (cells.length != header.length) {
            throw new IllegalArgumentException("row has " + cells.length + " cells, the table has " + header.length + " columns");
        }
        return java.util.Arrays.stream(cells).map(Table::clean).collect(java.util.stream.Collectors.joining(SEP));
    }

    /** How many rows the table holds. */
    public int size() {
        return rows.size() + keyed.size();
    }

    public void print(PrintStream out) {
        int[] w = new int[header.length];
        for (int i = 0; i < header.length; i++) {
            w[i] = header[i].length();
        }
        List<Iterable<String>> all = List.of(rows, keyed.values());
        for (Iterable<String> part : all) {
            for (String r : part) {
                String[] cells = unpack(r);
                for (int i = 0; i < cells.length; i++) {
                    w[i] = Math.min(MAX_WIDTH, Math.max(w[i], cells[i].length()));
                }
            }
        }
        line(out, header, w);
        StringBuilder sep = new StringBuilder();
        for (int i = 0; i < w.length; i++) {
            sep.append("-".repeat(w[i])).append(i + 1 < w.length ? "  " : "");
        }
        out.println(sep);
        for (Iterable<String> part : all) {
            for (String r : part) {
                line(out, unpack(r), w);
            }
        }
    }

    /** The cells of a packed row; the limit -1 keeps empty cells at its end. */
    private static String[] unpack(String packed) {
        return packed.split(SEP, -1);
    }

    private static void line(PrintStream out, String[] cells, int[] w) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            String c = cells[i]; // cleaned when the row (or the header) was added
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
