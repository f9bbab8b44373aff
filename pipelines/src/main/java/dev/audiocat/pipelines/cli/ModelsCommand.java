package dev.audiocat.pipelines.cli;

import dev.audiocat.features.AudioAnalyzer;
import dev.audiocat.features.decode.DecodeException;
import dev.audiocat.pipelines.AudiocatHome;
import dev.audiocat.tagging.LabelScore;
import dev.audiocat.tagging.Tagger;
import dev.audiocat.tagging.TrackTags;
import dev.audiocat.tagging.inference.InferenceDevice;
import dev.audiocat.tagging.registry.ModelCard;
import dev.audiocat.tagging.registry.ModelRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code audiocat models ...}: the tagging models (list, tag files, train, bench). See docs/models.md. */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "Tagging models: list the registry, tag files, retrain the shipped model, run the model bench.",
        subcommands = {ModelsCommand.ListModels.class, ModelsCommand.Tag.class, ModelsCommand.Train.class, ModelsCommand.Bench.class})
public final class ModelsCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static final class RegistryOptions {
        @Option(names = "--models-dir", paramLabel = "DIR",
                description = "registry folder with model cards (*.json beside *.onnx) (default: $AUDIOCAT_HOME/models)")
        Path modelsDir;

        ModelRegistry load() throws IOException {
            Path dir = modelsDir != null ? modelsDir : AudiocatHome.get().resolve("models");
            if (modelsDir != null && !Files.isDirectory(modelsDir)) {
                throw new IllegalArgumentException("--models-dir " + modelsDir + " is not a folder");
            }
            return ModelRegistry.load(List.of(dir), AudiocatHome.dir("cache", "models"));
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the models of the registry (built-in + registry folder); every weights file is checked against its card's SHA-256.")
    static final class ListModels implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        RegistryOptions registry = new RegistryOptions();

        @Override
        public Integer call() throws IOException {
            ModelRegistry r = registry.load();
            Table t = new Table("MODEL", "KIND", "OUTPUTS", "WEIGHTS LICENSE", "SHA-256", "FROM");
            for (ModelRegistry.Entry e : r.entries()) {
                ModelCard c = e.card();
                String outs = c.outputs() == null ? "" : c.outputs().stream()
                        .map(o -> o.role() + (o.labels() != null ? "[" + o.labels().size() + "]" : "[" + o.dim() + "-d]"))
                        .collect(Collectors.joining(" "));
                t.row(c.ref(), c.kind(), outs, c.weightsLicense(), c.sha256() == null ? "-" : c.sha256().substring(0, 12) + " ok", e.origin());
            }
            t.print(System.out);
            return 0;
        }
    }

    @Command(name = "tag", mixinStandardHelpOptions = true,
            description = "Decode and tag audio files (one analysis pass each, one batched inference for all) and print the tags.")
    static final class Tag implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "FILE", description = "audio files")
        List<Path> files;

        @picocli.CommandLine.Mixin
        RegistryOptions registry = new RegistryOptions();

        @Option(names = "--inference-device", defaultValue = "cpu",
                description = "cpu, cuda or cuda:N (falls back to CPU with a message without the GPU build) (default: ${DEFAULT-VALUE})")
        String device;

        @Option(names = "--batch", defaultValue = "128", description = "patches per inference call (default: ${DEFAULT-VALUE})")
        int batch;

        @Override
        public Integer call() throws IOException {
            InferenceDevice d = InferenceDevice.parse(device);
            if (batch < 1) {
                throw new IllegalArgumentException("--batch must be >= 1, got " + batch);
            }
            PrintStream out = System.out;
            int failed = 0;
            try (Tagger tagger = Tagger.open(registry.load(), d, 0, System.err::println)) {
                AudioAnalyzer analyzer = AudioAnalyzer.builder().build();
                List<Tagger.Request> requests = new ArrayList<>();
                List<Path> ok = new ArrayList<>();
                for (Path f : files) {
                    try {
                        requests.add(new Tagger.Request(tagger.analyze(analyzer, f, null), null, null, null));
                        ok.add(f);
                    } catch (DecodeException | IOException e) {
                        System.err.println("audiocat: " + f + ": " + e.getMessage());
                        failed++;
                    }
                }
                List<TrackTags> tags = tagger.tag(requests, batch);
                for (int i = 0; i < ok.size(); i++) {
                    TrackTags t = tags.get(i);
                    out.println(ok.get(i));
                    if (t.contentScores() != null) {
                        out.printf(Locale.ROOT, "  content      %s   (%s)%n", t.contentClass(), scores(t.contentScores(), 0));
                    }
                    if (t.instruments() != null) {
                        out.printf(Locale.ROOT, "  instruments  %s%n", scores(t.instruments(), 0.3));
                    }
                    out.printf(Locale.ROOT, "  mood         %s   arousal %+.2f valence %+.2f%n", t.moods().get(0).label(), t.arousal(), t.valence());
                    if (t.embedding() != null) {
                        out.printf(Locale.ROOT, "  embedding    %d-d from %s (%d patches)%n", t.embedding().length, t.embeddingModel(), t.patches());
                    }
                    out.printf(Locale.ROOT, "  models       %s%n", String.join(", ", t.modelVersions()));
                }
            }
            return failed == 0 ? 0 : 1;
        }

        private static String scores(List<LabelScore> l, double min) {
            String s = l.stream().filter(x -> x.score() >= min)
                    .map(x -> String.format(Locale.ROOT, "%s %.2f", x.label(), x.score())).collect(Collectors.joining(", "));
            return s.isEmpty() ? "(none above " + min + ")" : s;
        }
    }

    /** Runs a program of tagging-models' training profile through Maven in the source tree. */
    static int maven(String mainClass, String args, String tools) throws IOException, InterruptedException {
        String root = System.getProperty("audiocat.root");
        if (root == null || !Files.isRegularFile(Path.of(root, "tagging-models", "pom.xml"))) {
            throw new IllegalStateException("training and the model bench run from the audiocat source tree through Maven; "
                    + "run them with the ./audiocat launcher of a checkout (audiocat.root is " + root + ")");
        }
        Path dir = Path.of(root);
        // the Debian packages the corpus is rendered from (soundfonts, freepats, timidity, espeak-ng, ...): installed when
        // missing, as root or through sudo; otherwise scripts/tools.sh names the apt-get line to run
        int rc = run(dir, List.of("bash", "-c", "source scripts/tools.sh && " + tools));
        if (rc != 0) {
            System.err.println("audiocat: the Debian packages this needs are missing (scripts/tools.sh " + tools + "); see above");
            return rc;
        }
        // tagging-models resolves feature-extract (and the parent POM) from the local Maven repository: install
        // them first, or a fresh machine, where `./audiocat demo` only packaged the tree, cannot resolve them
        rc = run(dir, List.of("mvn", "-B", "-q", "-f", dir.resolve("pom.xml").toString(), "-pl", "feature-extract", "-am",
                "install", "-Dmaven.test.skip=true"));
        if (rc != 0) {
            System.err.println("audiocat: installing feature-extract into the local Maven repository failed (exit " + rc + "); see Maven's output above");
            return rc;
        }
        return run(dir, List.of("mvn", "-B", "-q", "-f", dir.resolve("tagging-models").resolve("pom.xml").toString(), "-Ptrain",
                "-Daudiocat.home=" + AudiocatHome.get(), "-Dmodels.main=" + mainClass, "-Dmodels.args=" + args, "compile", "exec:java"));
    }

    /** Runs {@code cmd} in {@code dir} with this process's terminal, after printing it; its exit code. */
    private static int run(Path dir, List<String> cmd) throws IOException, InterruptedException {
        System.err.println("audiocat: " + String.join(" ", cmd));
        return new ProcessBuilder(cmd).directory(dir.toFile()).inheritIO().start().waitFor();
    }

    @Command(name = "train", mixinStandardHelpOptions = true,
            description = "Retrain the shipped tagger from scratch (renders the corpus with fluidsynth, timidity and espeak-ng, trains with DJL/PyTorch, "
                    + "exports ONNX + card). Seeded and deterministic (the same arguments on the same machine give the same weights); 19 min measured for 1.4.0 from a fresh home on 2 cores at load 2. Needs the source tree, Maven and root or sudo for the Debian packages it renders from.")
    static final class Train implements Callable<Integer> {
        @Option(names = "--models-out", paramLabel = "DIR", description = "where to write the .onnx and card (default: $AUDIOCAT_HOME/models)")
        Path out;

        @Option(names = "--seed", defaultValue = "20261122", description = "random seed (default: ${DEFAULT-VALUE})")
        long seed;

        @Option(names = "--epochs", defaultValue = "10", description = "epochs (default: ${DEFAULT-VALUE})")
        int epochs;

        @Option(names = "--clips", defaultValue = "1200", description = "music clips per training soundfont (default: ${DEFAULT-VALUE})")
        int clips;

        @Override
        public Integer call() throws Exception {
            Path models = out != null ? out : AudiocatHome.dir("models");
            String args = String.format(Locale.ROOT, "--out %s --models %s --seed %d --epochs %d --clips %d",
                    AudiocatHome.dir("models-train"), models.toAbsolutePath(), seed, epochs, clips);
            return maven("dev.audiocat.tagging.train.TrainMain", args, "ensure_train_tools");
        }
    }

    @Command(name = "bench", mixinStandardHelpOptions = true,
            description = "Model bench: instrument ROC/PR-AUC (held-out soundfont, real samples), embedding precision@10 vs MFCC, "
                    + "speech/music accuracy, inference speed. Needs the source tree, Maven and the bench packages (scripts/tools.sh).")
    static final class Bench implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        RegistryOptions registry = new RegistryOptions();

        @Override
        public Integer call() throws Exception {
            String args = "--out " + AudiocatHome.dir("models-bench") + (registry.modelsDir != null ? " --models " + registry.modelsDir.toAbsolutePath() : "");
            return maven("dev.audiocat.tagging.train.BenchMain", args, "ensure_bench_tools");
        }
    }
}
