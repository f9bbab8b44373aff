package dev.audiocat.tagging.inference;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import dev.audiocat.tagging.registry.ModelCard;
import java.io.IOException;
import java.nio.file.Path;

/**
 * One ONNX model loaded into one ONNX Runtime session through DJL. The session is thread-safe and
 * meant to be shared by every thread of a worker JVM; each thread takes its own {@link Predictor}
 * (cheap) from {@link #newPredictor()}.
 */
public final class OnnxModel implements AutoCloseable {

    private final ModelCard card;
    private final ZooModel<PatchBatch, float[][][]> model;
    private final InferenceDevice device;

    private OnnxModel(ModelCard card, ZooModel<PatchBatch, float[][][]> model, InferenceDevice device) {
        this.card = card;
        this.model = model;
        this.device = device;
    }

    /**
     * Loads {@code onnxFile} (already checked against the card's SHA-256) on {@code device}.
     *
     * @param intraOpThreads ONNX Runtime threads per inference call, 0 for its default (all cores)
     */
    public static OnnxModel load(ModelCard card, Path onnxFile, InferenceDevice device, int intraOpThreads) throws IOException {
        OrtRuntime.prepare();
        Criteria.Builder<PatchBatch, float[][][]> c = Criteria.builder()
                .setTypes(PatchBatch.class, float[][][].class)
                .optModelPath(onnxFile)
                .optEngine("OnnxRuntime")
                .optTranslator(new PatchTranslator(card))
                .optDevice(device.cuda() ? Device.gpu(device.deviceId()) : Device.cpu())
                .optOption("optLevel", "ALL_OPT");
        if (intraOpThreads > 0) {
            c.optOption("intraOpNumThreads", String.valueOf(intraOpThreads));
            c.optOption("interOpNumThreads", "1");
        }
        try {
            return new OnnxModel(card, c.build().loadModel(), device);
        } catch (ModelNotFoundException | MalformedModelException e) {
            throw new IOException("ONNX Runtime cannot load " + onnxFile + " (model " + card.ref() + "): " + e.getMessage(), e);
        }
    }

    public ModelCard card() {
        return card;
    }

    public InferenceDevice device() {
        return device;
    }

    /** A predictor for the calling thread; close it when the thread is done. */
    public Predictor<PatchBatch, float[][][]> newPredictor() {
        return model.newPredictor();
    }

    /** Convenience for one call: outputs in card order, each {@code [N][dim]}. */
    public float[][][] run(PatchBatch batch) {
        try (Predictor<PatchBatch, float[][][]> p = model.newPredictor()) {
            return p.predict(batch);
        } catch (TranslateException e) {
            throw new IllegalStateException("inference failed in model " + card.ref() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        model.close();
    }
}
