import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Thread CPU time of each analysis stage, replayed from memory, for one or more builds of
 * feature-extract side by side in one JVM: builds alternate within every repetition (order reversed
 * every other one), and the best of the repetitions after two warm-ups is printed. On a shared
 * machine a neighbour's load slows every build alike, so the comparison survives noise that
 * separate runs do not.
 *
 * <p>Usage: StageBench REPS CASES CASES_DIR LABEL=JAR... -- FILE...  (CASES: comma-separated or "all")
 */
public final class StageBench {

    public static void main(String[] args) throws Exception {
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        int reps = Integer.parseInt(args[0]);
        URL casesDir = Path.of(args[2]).toUri().toURL();
        List<String> labels = new ArrayList<>();
        List<Method> runs = new ArrayList<>();
        List<String> cases = null;
        List<Object[]> recordings = null;
        int i = 3;
        for (; !args[i].equals("--"); i++) {
            String[] lj = args[i].split("=", 2);
            ClassLoader loader = new URLClassLoader(new URL[] {casesDir, Path.of(lj[1]).toUri().toURL()}, StageBench.class.getClassLoader());
            Class<?> c = loader.loadClass("StageCases");
            if (recordings == null) { // decoded once, with the first build
                @SuppressWarnings("unchecked")
                List<Object[]> r = (List<Object[]>) c.getMethod("record", List.class).invoke(null, List.of(Arrays.copyOfRange(args, argsEnd(args) + 1, args.length)));
                recordings = r;
                @SuppressWarnings("unchecked")
                List<String> all = (List<String>) c.getField("CASES").get(null);
                cases = args[1].equals("all") ? all : List.of(args[1].split(","));
            }
            labels.add(lj[0]);
            runs.add(c.getMethod("run", String.class, List.class));
        }
        double audio = 0;
        for (Object[] r : recordings) {
            audio += (Double) r[2];
        }
        double[][] best = new double[cases.size()][runs.size()];
        for (double[] b : best) {
            Arrays.fill(b, Double.MAX_VALUE);
        }
        for (int rep = 0; rep < reps; rep++) {
            for (int ci = 0; ci < cases.size(); ci++) {
                for (int k = 0; k < runs.size(); k++) {
                    int b = rep % 2 == 0 ? k : runs.size() - 1 - k;
                    long t0 = cpu.getCurrentThreadCpuTime();
                    runs.get(b).invoke(null, cases.get(ci), recordings);
                    double ms = (cpu.getCurrentThreadCpuTime() - t0) / 1e6;
                    if (rep >= 2) {
                        best[ci][b] = Math.min(best[ci][b], ms);
                    }
                }
            }
        }
        System.out.printf(Locale.ROOT, "%.1f s of audio in %d files; thread CPU ms, best of %d repetitions after 2 warm-ups (x realtime)%n",
                audio, recordings.size(), reps - 2);
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "| %-13s |", "stage"));
        StringBuilder rule = new StringBuilder("|---|");
        for (String l : labels) {
            head.append(String.format(Locale.ROOT, " %s |", l));
            rule.append("---|");
        }
        System.out.println(head);
        System.out.println(rule);
        for (int ci = 0; ci < cases.size(); ci++) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %-13s |", cases.get(ci)));
            for (int b = 0; b < runs.size(); b++) {
                row.append(String.format(Locale.ROOT, " %.1f (%.0fx) |", best[ci][b], audio / (best[ci][b] / 1000)));
            }
            System.out.println(row);
        }
    }

    private static int argsEnd(String[] args) {
        return Arrays.asList(args).indexOf("--");
    }
}
