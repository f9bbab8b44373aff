package dev.audiocat.tagging.inference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import dev.audiocat.tagging.registry.ModelCard;
import java.nio.FloatBuffer;
import java.util.List;

/**
 * Pre- and post-processing of a patch model: a {@link PatchBatch} becomes one {@code [N,1,mels,frames]}
 * tensor (wrapped, not copied, as a {@link FloatBuffer}); each named output listed in the card comes
 * back as {@code [N][dim]}. Batching across files happens before (the batch is already a tensor), so
 * DJL's batchifier is not used.
 */
public final class PatchTranslator implements NoBatchifyTranslator<PatchBatch, float[][][]> {

    private final ModelCard card;

    public PatchTranslator(ModelCard card) {
        this.card = card;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, PatchBatch batch) {
        ModelCard.Input in = card.input();
        NDArray x = ctx.getNDManager().create(FloatBuffer.wrap(batch.data(), 0, batch.count() * batch.patchSize()),
                new Shape(batch.count(), 1, in.melBands(), in.patchFrames()));
        x.setName(in.name());
        return new NDList(x);
    }

    /** Outputs in the order of the card's {@code outputs}, each {@code [N][dim]}. */
    @Override
    public float[][][] processOutput(TranslatorContext ctx, NDList list) {
        List<ModelCard.Output> outs = card.outputs();
        float[][][] result = new float[outs.size()][][];
        for (int o = 0; o < outs.size(); o++) {
            NDArray a = byName(list, outs.get(o).name(), o);
            long[] shape = a.getShape().getShape();
            int n = (int) shape[0];
            int dim = (int) (a.getShape().size() / Math.max(1, n));
            float[] flat = a.toFloatArray();
            float[][] rows = new float[n][dim];
            for (int i = 0; i < n; i++) {
                System.arraycopy(flat, i * dim, rows[i], 0, dim);
            }
            result[o] = rows;
        }
        return result;
    }

    private NDArray byName(NDList list, String name, int fallback) {
        for (NDArray a : list) {
            if (name.equals(a.getName())) {
                return a;
            }
        }
        if (fallback < list.size()) {
            return list.get(fallback);
        }
        throw new IllegalStateException("model " + card.ref() + " has no output '" + name + "'; its card lists outputs the graph lacks");
    }
}
