package dev.audiocat.pipelines;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The live progress line: files done / total, hours of audio, rate, x-realtime and ETA, rewritten in
 * place once a second on a terminal, printed every 10 s otherwise (logs stay readable).
 */
final class ProgressLine {

    private final PrintStream out;
    private final long total;
    private final IngestProgress progress;
    private final long t0;
    private final boolean terminal = System.console() != null;
    private volatile boolean running;
    private volatile double firstResultSeconds = -1;
    private Thread thread;
    private final String afterAnalysis;

    /** @param afterAnalysis what the run does once every file is analysed, e.g. "tagging, grouping and writing" */
    ProgressLine(PrintStream out, long total, IngestProgress progress, long t0, String afterAnalysis) {
        this.out = out;
        this.total = total;
        this.progress = progress;
        this.t0 = t0;
        this.afterAnalysis = afterAnalysis;
    }

    void start() {
        running = true;
        thread = new Thread(this::loop, "audiocat-progress");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        long lastPrint = 0;
        while (running) {
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                return;
            }
            double elapsed = (System.nanoTime() - t0) / 1e9;
            if (firstResultSeconds < 0 && progress.filesDone.get() > 0) {
                firstResultSeconds = elapsed;
            }
            long now = System.nanoTime();
            if (now - lastPrint >= (terminal ? 1_000_000_000L : 10_000_000_000L)) {
                lastPrint = now;
                print(elapsed, false);
            }
        }
    }

    private void print(double elapsed, boolean last) {
        long done = progress.filesDone.get();
        double hours = progress.audioMillis.get() / 3_600_000.0;
        double rate = elapsed > 0 ? done / elapsed : 0;
        double xrt = elapsed > 0 ? progress.audioMillis.get() / 1000.0 / elapsed : 0;
        String eta;
        if (done == 0) {
            eta = "starting";
        } else if (done >= total) {
            // every file is analysed; the models tag them once all are (a batch job's grouping), then rows are grouped and written
            eta = "analysed; " + afterAnalysis;
        } else {
            long s = Math.round((total - done) / Math.max(rate, 1e-9));
            eta = String.format(Locale.ROOT, "ETA %d:%02d", s / 60, s % 60);
        }
        String text = String.format(Locale.ROOT, "ingest: %d/%d files · %.2f h audio · %.1f files/s · %.0f× realtime · %s",
                done, total, hours, rate, xrt, eta);
        if (terminal) {
            out.print("\r" + text + "   " + (last ? "\n" : ""));
        } else {
            out.println(text);
        }
        out.flush();
    }

    double firstResultSeconds() {
        return firstResultSeconds;
    }

    void stop() {
        if (!running) {
            return;
        }
        running = false;
        thread.interrupt();
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        print((System.nanoTime() - t0) / 1e9, true);
    }
}
