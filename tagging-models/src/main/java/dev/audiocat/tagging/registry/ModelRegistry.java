package dev.audiocat.tagging.registry;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The models audiocat knows: the built-in ones (classpath {@code /models/}, listed in
 * {@code /models/index.txt}) plus every {@code *.json} card in the registry folders (by default
 * {@code $AUDIOCAT_HOME/models}). A card in a folder replaces a built-in card with the same id, so a
 * user adds or replaces a model by dropping an ONNX file and its card there, without code.
 *
 * <p>Every card is validated and the weights' SHA-256 is checked against the card before a model is
 * offered; problems are reported with the file at fault.
 */
public final class ModelRegistry {

    private static final Set<String> ROLES = Set.of("instruments", "content", "embedding", "mood");
    private static final Set<String> AGGREGATIONS = Set.of("mean", "max", "top_quarter_mean", "mean_l2");

    /** A usable model: its card and the verified local weights file (null for descriptor formulas). */
    public record Entry(ModelCard card, Path weights, String origin) {
    }

    private final List<Entry> entries;

    private ModelRegistry(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    public static ObjectMapper json() {
        return new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                .enable(SerializationFeature.INDENT_OUTPUT);
    }

    /**
     * Loads the built-in models and the cards in {@code folders} (missing folders are ignored).
     *
     * @param cacheDir where built-in weights are copied so ONNX Runtime can open them as files
     */
    public static ModelRegistry load(List<Path> folders, Path cacheDir) throws IOException {
        Map<String, Entry> byId = new LinkedHashMap<>();
        for (Entry e : builtIns(cacheDir)) {
            byId.put(e.card().id(), e);
        }
        for (Path folder : folders) {
            if (!Files.isDirectory(folder)) {
                continue;
            }
            List<Path> cards = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(folder, "*.json")) {
                ds.forEach(cards::add);
            }
            cards.sort(null);
            for (Path cardFile : cards) {
                ModelCard card = readCard(cardFile);
                Path weights = card.weights() == null ? null : cardFile.resolveSibling(card.weights());
                validate(card, cardFile.toString(), weights);
                byId.remove(card.id()); // a folder card replaces the built-in one and takes precedence
                byId.put(card.id(), new Entry(card, weights, cardFile.toString()));
            }
        }
        // folder models first: for a role two models provide, the user's choice wins
        List<Entry> ordered = new ArrayList<>();
        byId.values().stream().filter(e -> !e.origin().startsWith("classpath:")).forEach(ordered::add);
        byId.values().stream().filter(e -> e.origin().startsWith("classpath:")).forEach(ordered::add);
        return new ModelRegistry(ordered);
    }

    /** Built-in models only. */
    public static ModelRegistry builtIn(Path cacheDir) throws IOException {
        return load(List.of(), cacheDir);
    }

    public List<Entry> entries() {
        return entries;
    }

    public static ModelCard readCard(Path file) throws IOException {
        try {
            return json().readValue(file.toFile(), ModelCard.class);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IOException("model card " + file + " is not valid JSON for a card (" + e.getOriginalMessage()
                    + "); see docs/models.md for the format", e);
        }
    }

    private static List<Entry> builtIns(Path cacheDir) throws IOException {
        List<Entry> out = new ArrayList<>();
        try (InputStream idx = ModelRegistry.class.getResourceAsStream("/models/index.txt")) {
            if (idx == null) {
                return out;
            }
            for (String line : new String(idx.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String name = line.trim();
                if (name.isEmpty() || name.startsWith("#")) {
                    continue;
                }
                String where = "classpath:/models/" + name;
                ModelCard card;
                try (InputStream in = ModelRegistry.class.getResourceAsStream("/models/" + name)) {
                    if (in == null) {
                        throw new IOException(where + " is listed in /models/index.txt but missing from the jar");
                    }
                    card = json().readValue(in, ModelCard.class);
                }
                Path weights = null;
                if (card.weights() != null) {
                    weights = cacheDir.resolve(card.sha256() + "-" + card.weights());
                    if (!Files.exists(weights)) {
                        Files.createDirectories(cacheDir);
                        try (InputStream in = ModelRegistry.class.getResourceAsStream("/models/" + card.weights())) {
                            if (in == null) {
                                throw new IOException(where + " names weights " + card.weights() + " that are missing from the jar");
                            }
                            Path tmp = Files.createTempFile(cacheDir, "model", ".part");
                            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                            Files.move(tmp, weights, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                        }
                    }
                }
                validate(card, where, weights);
                out.add(new Entry(card, weights, where));
            }
        }
        return out;
    }

    /** Checks a card's fields and its weights' SHA-256; throws with the card's location and what to fix. */
    public static void validate(ModelCard card, String where, Path weights) throws IOException {
        List<String> problems = new ArrayList<>();
        if (blank(card.id()) || !card.id().matches("[A-Za-z0-9._-]+")) {
            problems.add("id must be letters, digits, '.', '_' or '-'");
        }
        if (blank(card.version())) {
            problems.add("version is missing");
        }
        if (ModelCard.ONNX.equals(card.kind())) {
            if (blank(card.weights()) || blank(card.sha256())) {
                problems.add("an onnx model needs 'weights' (file name beside the card) and 'sha256'");
            }
            if (card.input() == null) {
                problems.add("'input' is missing");
            } else {
                try {
                    if (!card.input().frontEnd().matchesAnalysisPass()) {
                        problems.add("input must use the analysis pass's frames: sample_rate 22050, n_fft 2048, hop 512");
                    }
                } catch (IllegalArgumentException e) {
                    problems.add("input: " + e.getMessage());
                }
                if (card.input().maxPatchesPerFile() < 1) {
                    problems.add("input.max_patches_per_file must be >= 1");
                }
                if (blank(card.input().name())) {
                    problems.add("input.name (the graph input) is missing");
                }
            }
            if (card.outputs() == null || card.outputs().isEmpty()) {
                problems.add("'outputs' is empty");
            } else {
                for (ModelCard.Output o : card.outputs()) {
                    if (blank(o.name()) || !ROLES.contains(o.role())) {
                        problems.add("output '" + o.name() + "': role must be one of " + ROLES);
                    }
                    if (!AGGREGATIONS.contains(o.aggregation())) {
                        problems.add("output '" + o.name() + "': aggregation must be one of " + AGGREGATIONS);
                    }
                    if (!"embedding".equals(o.role()) && (o.labels() == null || o.labels().size() != o.dim())) {
                        problems.add("output '" + o.name() + "': needs one label per column (dim " + o.dim() + ")");
                    }
                    if ("mood".equals(o.role()) && !List.of("arousal", "valence").equals(o.labels())) {
                        problems.add("output '" + o.name() + "': a mood output has labels [arousal, valence]");
                    }
                }
            }
        } else if (!ModelCard.DESCRIPTOR_FORMULA.equals(card.kind())) {
            problems.add("kind must be 'onnx' or 'descriptor-formula', got '" + card.kind() + "'");
        }
        if (!problems.isEmpty()) {
            throw new IOException("model card " + where + " is not usable: " + String.join("; ", problems));
        }
        if (weights != null) {
            if (!Files.isRegularFile(weights)) {
                throw new IOException("model card " + where + " names weights " + weights + " that do not exist; put the .onnx beside the card");
            }
            String actual = sha256(weights);
            if (!actual.equalsIgnoreCase(card.sha256())) {
                throw new IOException("weights " + weights + " do not match model card " + where + ": SHA-256 is " + actual
                        + ", the card says " + card.sha256() + "; the file is corrupt or the card is stale");
            }
        }
    }

    public static String sha256(Path file) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    static void writeCard(ModelCard card, Path file) {
        try {
            json().writeValue(file.toFile(), card);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
