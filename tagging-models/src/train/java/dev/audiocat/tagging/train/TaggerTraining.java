package dev.audiocat.tagging.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Random;

/** Trains {@link NetSpec} with DJL's PyTorch engine: multi-label BCE on instruments + softmax CE on content. */
public final class TaggerTraining implements AutoCloseable {

    private final NetSpec spec;
    private final Model model;
    private final Trainer trainer;
    private final int mels;
    private final int frames;
    private final int batch;

    /** Sum of the two heads' losses, computed from logits. */
    static final class TaggerLoss extends Loss {
        TaggerLoss() {
            super("tagger");
        }

        @Override
        public NDArray evaluate(NDList labels, NDList predictions) {
            NDArray x = predictions.get(0);
            NDArray y = labels.get(0);
            // BCE with logits, stable form: max(x,0) - x*y + log(1 + exp(-|x|))
            NDArray bce = x.maximum(0).sub(x.mul(y)).add(x.abs().neg().exp().add(1).log()).mean();
            NDArray logp = predictions.get(1).logSoftmax(1);
            NDArray ce = logp.mul(labels.get(1)).sum(new int[] {1}).neg().mean();
            return bce.add(ce);
        }
    }

    public TaggerTraining(NetSpec spec, int mels, int frames, int batch, int totalSteps, long seed) {
        Engine engine = Engine.getEngine("PyTorch");
        engine.setRandomSeed((int) seed);
        this.spec = spec;
        this.mels = mels;
        this.frames = frames;
        this.batch = batch;
        model = Model.newInstance("audiocat-tagger", Device.cpu(), "PyTorch");
        model.setBlock(spec.build());
        Tracker lr = Tracker.cosine().setBaseValue(2e-3f).optFinalValue(5e-5f).setMaxUpdates(Math.max(1, totalSteps)).build();
        DefaultTrainingConfig cfg = new DefaultTrainingConfig(new TaggerLoss())
                .optOptimizer(Optimizer.adam().optLearningRateTracker(lr).optWeightDecays(1e-4f).build())
                .optDevices(new Device[] {Device.cpu()});
        trainer = model.newTrainer(cfg);
        trainer.initialize(new Shape(batch, 1, mels, frames));
    }

    public Model model() {
        return model;
    }

    /** One epoch over {@code data} in a seeded order; returns the mean loss. */
    public double epoch(PatchData data, List<Integer> rows, long seed) {
        Integer[] order = rows.toArray(new Integer[0]);
        Random rnd = new Random(seed);
        for (int i = order.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            Integer t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        double lossSum = 0;
        int steps = 0;
        for (int b0 = 0; b0 + batch <= order.length; b0 += batch) {
            try (NDManager sub = trainer.getManager().newSubManager()) {
                NDList[] xy = tensors(sub, data, order, b0, batch);
                try (GradientCollector gc = trainer.newGradientCollector()) {
                    NDList pred = trainer.forward(xy[0], xy[1]);
                    NDArray loss = trainer.getLoss().evaluate(xy[1], pred);
                    gc.backward(loss);
                    lossSum += loss.getFloat();
                }
                trainer.step();
                steps++;
            }
        }
        return lossSum / Math.max(1, steps);
    }

    /** Inference-mode outputs {@code [instrument probs, content probs, embedding]} per row. */
    public float[][][] predict(PatchData data, List<Integer> rows) {
        int n = rows.size();
        float[][][] out = new float[3][n][];
        Integer[] order = rows.toArray(new Integer[0]);
        for (int b0 = 0; b0 < n; b0 += batch) {
            int m = Math.min(batch, n - b0);
            try (NDManager sub = trainer.getManager().newSubManager()) {
                NDList[] xy = tensors(sub, data, order, b0, m);
                NDList pred = trainer.evaluate(xy[0]);
                float[] inst = ai.djl.nn.Activation.sigmoid(pred.get(0)).toFloatArray();
                float[] cont = pred.get(1).softmax(1).toFloatArray();
                float[] emb = pred.get(2).toFloatArray();
                for (int i = 0; i < m; i++) {
                    out[0][b0 + i] = slice(inst, i, spec.instruments);
                    out[1][b0 + i] = slice(cont, i, spec.contentClasses);
                    out[2][b0 + i] = slice(emb, i, NetSpec.EMBEDDING);
                }
            }
        }
        return out;
    }

    private static float[] slice(float[] a, int row, int width) {
        float[] r = new float[width];
        System.arraycopy(a, row * width, r, 0, width);
        return r;
    }

    private NDList[] tensors(NDManager m, PatchData data, Integer[] order, int from, int count) {
        int size = mels * frames;
        FloatBuffer x = FloatBuffer.allocate(count * size);
        FloatBuffer yi = FloatBuffer.allocate(count * spec.instruments);
        FloatBuffer yc = FloatBuffer.allocate(count * spec.contentClasses);
        for (int i = 0; i < count; i++) {
            int r = order[from + i];
            x.put(data.patches.get(r));
            yi.put(data.instruments.get(r));
            float[] onehot = new float[spec.contentClasses];
            onehot[data.content.get(r)] = 1;
            yc.put(onehot);
        }
        x.flip();
        yi.flip();
        yc.flip();
        return new NDList[] {
            new NDList(m.create(x, new Shape(count, 1, mels, frames))),
            new NDList(m.create(yi, new Shape(count, spec.instruments)), m.create(yc, new Shape(count, spec.contentClasses)))
        };
    }

    @Override
    public void close() {
        trainer.close();
        model.close();
    }
}
