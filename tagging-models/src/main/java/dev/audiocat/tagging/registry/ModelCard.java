package dev.audiocat.tagging.registry;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.audiocat.tagging.frontend.FrontEndSpec;
import java.util.List;
import java.util.Map;

/**
 * The JSON card beside each model in the registry folder ({@code <id>-<version>.json}); field names
 * are snake_case in the file. See docs/models.md for a full example and the meaning of every field.
 *
 * @param id              model id, e.g. {@code audiocat-tagger}
 * @param version         model version; catalog rows record {@code id@version}
 * @param kind            {@code onnx} (weights run in ONNX Runtime) or {@code descriptor-formula} (no weights;
 *                        the built-in interpretable mood estimate)
 * @param weights         ONNX file name, relative to the card; null for {@code descriptor-formula}
 * @param sha256          SHA-256 of the weights file, hex; verified at load
 * @param weightsLicense  license of the weights (SPDX id or text)
 * @param input           front end the model expects
 * @param outputs         named outputs of the graph and what they mean
 * @param trainingData    what the model was trained on and under which licenses
 * @param metrics         figures measured by the training or bench commands (name to value)
 * @param training        how to reproduce the weights
 * @param limits          known limits, in words
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelCard(
        String id,
        String version,
        String kind,
        String weights,
        String sha256,
        String weightsLicense,
        Input input,
        List<Output> outputs,
        List<TrainingSource> trainingData,
        Map<String, Double> metrics,
        Training training,
        String limits) {

    public static final String ONNX = "onnx";
    public static final String DESCRIPTOR_FORMULA = "descriptor-formula";

    /** {@code id@version}, as written into catalog rows. */
    public String ref() {
        return id + "@" + version;
    }

    /**
     * Input spec; see {@link FrontEndSpec} for the exact computation.
     *
     * @param name              graph input name, shape {@code [N, 1, mel_bands, patch_frames]}
     * @param maxPatchesPerFile patches kept per file, evenly spread (bounds memory and cost)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Input(
            String name, int sampleRate, int nFft, int hop, String window, int melBands, String melScale,
            double fMin, double fMax, double dbRef, double dbScale, int patchFrames, int patchHop,
            int maxPatchesPerFile, String description) {

        public FrontEndSpec frontEnd() {
            return new FrontEndSpec(sampleRate, nFft, hop, melBands, fMin, fMax, dbRef, dbScale, patchFrames, patchHop);
        }

        public static Input of(String name, FrontEndSpec s, int maxPatches, String description) {
            return new Input(name, s.sampleRate(), s.nFft(), s.hop(), "hann", s.melBands(), "htk", s.fMin(), s.fMax(),
                    s.dbRef(), s.dbScale(), s.patchFrames(), s.patchHop(), maxPatches, description);
        }
    }

    /**
     * One graph output.
     *
     * @param name        graph output name
     * @param role        {@code instruments} (per-label probabilities), {@code content} (speech/music/other
     *                    probabilities), {@code embedding} (vector) or {@code mood} (arousal, valence in -1..1)
     * @param labels      label per column (not for embeddings)
     * @param dim         vector size
     * @param aggregation how patch outputs become one per file: {@code mean}, {@code max},
     *                    {@code top_quarter_mean} (mean of the highest quarter of patch scores), {@code mean_l2}
     *                    (mean, then L2-normalised)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Output(String name, String role, List<String> labels, int dim, String aggregation) {
    }

    /** A training data source and its license. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TrainingSource(String name, String source, String license, String use) {
    }

    /** How the weights were produced. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Training(String command, long seed, String framework, Double seconds, Integer parameters, String notes) {
    }
}
