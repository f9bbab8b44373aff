package dev.audiocat.tagging.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
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

/**
 * Trains {@link NetSpec} with DJL's PyTorch engine: multi-label BCE on instruments + softmax CE on
 * content + a contrastive term that pulls two patches of the same clip together in the embedding.
 */
public final class TaggerTraining implements AutoCloseable {

    private final NetSpec spec;
    private final Model model;
    private final Trainer trainer;
    private final int mels;
    private final int frames;
    private final int batch;
    private boolean specAugment;

    /** Weight of the contrastive (NT-Xent) term on the embedding, and its temperature. */
    public static final float CONTRASTIVE_WEIGHT = 0.5f;
    public static final float TEMPERATURE = 0.1f;

    /**
     * Sum of the two heads' losses, computed from logits, plus {@link #CONTRASTIVE_WEIGHT} times an
     * NT-Xent loss on the L2-normalised embeddings: a batch is {@code P} anchor patches followed by
     * {@code P} partner patches, each partner another patch of the anchor's clip, and every other
     * patch of the batch is a negative. Labels: {@code [instruments, content one-hot, pair targets
     * (2P x 2P, zero rows where a clip had no second patch)]}.
     */
    static final class TaggerLoss extends Loss {
        TaggerLoss() {
            super("tagger");
        }

        @Override
        public NDArray evaluate(NDList labels, NDList predictions) {
            NDArray x = predictions.get(0);
            NDArray y = labels.get(0);
            // BCE with logits, stable form: max(x,0) - x*y + log(1 + exp(-|x|))
            NDArray bce = x.maximum(0).sub(x.mul(y)).add(x.abs().neg().exp().add(1).log());
            if (labels.size() > 3) {
                // rows without instrument labels (real music) are masked out of the instrument term
                NDArray mask = labels.get(3);
                bce = bce.mul(mask).sum().div(mask.sum().mul(x.getShape().get(1)).maximum(1f));
            } else {
                bce = bce.mean();
            }
            NDArray logp = predictions.get(1).logSoftmax(1);
            NDArray ce = logp.mul(labels.get(1)).sum(new int[] {1}).neg().mean();
            NDArray loss = bce.add(ce);
            if (labels.size() > 2) {
                NDArray targets = labels.get(2);
                float pairs = targets.sum().getFloat();
                if (pairs > 0) {
                    NDArray e = predictions.get(2);
                    e = e.div(e.square().sum(new int[] {1}, true).add(1e-12f).sqrt());
                    long n = e.getShape().get(0);
                    NDArray sim = e.matMul(e.transpose()).div(TEMPERATURE)
                            .sub(e.getManager().eye((int) n).mul(1e4f));
                    NDArray nce = sim.logSoftmax(1).mul(targets).sum().neg().div(pairs);
                    loss = loss.add(nce.mul(CONTRASTIVE_WEIGHT));
                }
            }
            return loss;
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

    /**
     * Turns {@link SpecAugment} masking of the training batches on or off (default off). On, every row of
     * every batch {@link #epoch} makes gets its own masks, drawn from a generator seeded by the epoch's
     * seed (not the one that orders the batches, so the batches and pairs are unchanged); {@link #predict}
     * never masks.
     */
    public TaggerTraining withSpecAugment(boolean on) {
        specAugment = on;
        return this;
    }

    /**
     * One epoch in a seeded order over the clips of {@code rows}: each batch holds {@code batch/2}
     * clips, one random patch of each (the anchors) followed by another random patch of the same clip
     * (the partners; the anchor again, excluded from the contrastive term, when the clip has one
     * patch). Returns the mean loss.
     */
    public double epoch(PatchData data, List<Integer> rows, long seed) {
        return epoch(data, rows, null, seed);
    }

    /**
     * Positive pairs of real music for the contrastive term: single-patch excerpts grouped by track,
     * with each excerpt's start time. A pair is two excerpts of one track at least
     * {@link #MIN_GAP_SECONDS} apart (the farthest available when the track is shorter); a step's
     * pairs come from distinct tracks, so the other tracks in the batch are the negatives.
     */
    public record RealPairs(PatchData data, List<List<Integer>> rowsByTrack, List<double[]> secondsByTrack, int perStep) {
        public static final double MIN_GAP_SECONDS = 20;
    }

    /**
     * {@link #epoch(PatchData, List, long)} with, when {@code real} is not null, {@code real.perStep()}
     * real-music pairs appended to every batch (anchors after the synthetic anchors, partners after the
     * synthetic partners); their rows are masked out of the instrument term. With {@code real == null}
     * the batches, the loss and the random draws are exactly those of the plain epoch.
     */
    public double epoch(PatchData data, List<Integer> rows, RealPairs real, long seed) {
        java.util.Map<Integer, List<Integer>> byClip = new java.util.TreeMap<>();
        for (int r : rows) {
            byClip.computeIfAbsent(data.clipIndex.get(r), k -> new java.util.ArrayList<>()).add(r);
        }
        List<List<Integer>> clips = new java.util.ArrayList<>(byClip.values());
        Random rnd = new Random(seed);
        java.util.Collections.shuffle(clips, rnd);
        int half = batch / 2;
        double lossSum = 0;
        int steps = 0;
        int extra = real == null ? 0 : real.perStep();
        int width = half + extra;
        int rows2 = 2 * width;
        Random realRnd = new Random(seed * 31 + 7);
        Random maskRnd = specAugment ? new Random(seed * 131 + 17) : null;
        List<Integer> trackOrder = new java.util.ArrayList<>();
        int trackPos = 0;
        for (int c0 = 0; c0 + half <= clips.size(); c0 += half) {
            Integer[] order = new Integer[batch];
            float[] targets = new float[rows2 * rows2];
            for (int i = 0; i < half; i++) {
                List<Integer> clip = clips.get(c0 + i);
                int a = rnd.nextInt(clip.size());
                int b = a;
                if (clip.size() > 1) {
                    b = (a + 1 + rnd.nextInt(clip.size() - 1)) % clip.size();
                    targets[i * rows2 + width + i] = 1;
                    targets[(width + i) * rows2 + i] = 1;
                }
                order[i] = clip.get(a);
                order[half + i] = clip.get(b);
            }
            try (NDManager sub = trainer.getManager().newSubManager()) {
                NDList[] xy;
                if (extra == 0) {
                    xy = tensors(sub, data, order, 0, batch, maskRnd);
                } else {
                    // [synthetic anchors, real anchors, synthetic partners, real partners]
                    int[] realA = new int[extra];
                    int[] realB = new int[extra];
                    for (int i = 0; i < extra; i++) {
                        if (trackPos == trackOrder.size() || i == 0 && trackPos + extra > trackOrder.size()) {
                            trackOrder.clear();
                            for (int t = 0; t < real.rowsByTrack().size(); t++) {
                                trackOrder.add(t);
                            }
                            java.util.Collections.shuffle(trackOrder, realRnd);
                            trackPos = 0;
                        }
                        int t = trackOrder.get(trackPos++);
                        List<Integer> tr = real.rowsByTrack().get(t);
                        double[] sec = real.secondsByTrack().get(t);
                        int a = realRnd.nextInt(tr.size());
                        double far = 0;
                        for (double x : sec) {
                            far = Math.max(far, Math.abs(x - sec[a]));
                        }
                        double gap = Math.min(RealPairs.MIN_GAP_SECONDS, far);
                        List<Integer> cands = new java.util.ArrayList<>();
                        for (int j = 0; j < tr.size(); j++) {
                            if (j != a && Math.abs(sec[j] - sec[a]) >= gap) {
                                cands.add(j);
                            }
                        }
                        realA[i] = tr.get(a);
                        realB[i] = tr.get(cands.get(realRnd.nextInt(cands.size())));
                        targets[(half + i) * rows2 + width + half + i] = 1;
                        targets[(width + half + i) * rows2 + half + i] = 1;
                    }
                    NDList[] syn = tensors(sub, data, order, 0, batch, maskRnd);
                    NDList[] ra = tensors(sub, real.data(), boxed(realA), 0, extra, maskRnd);
                    NDList[] rb = tensors(sub, real.data(), boxed(realB), 0, extra, maskRnd);
                    NDArray x = NDArrays.concat(new NDList(syn[0].get(0).get("0:" + half), ra[0].get(0),
                            syn[0].get(0).get(half + ":"), rb[0].get(0)));
                    NDArray yi = NDArrays.concat(new NDList(syn[1].get(0).get("0:" + half), ra[1].get(0),
                            syn[1].get(0).get(half + ":"), rb[1].get(0)));
                    NDArray yc = NDArrays.concat(new NDList(syn[1].get(1).get("0:" + half), ra[1].get(1),
                            syn[1].get(1).get(half + ":"), rb[1].get(1)));
                    float[] mask = new float[rows2];
                    for (int i = 0; i < rows2; i++) {
                        mask[i] = i % width < half ? 1 : 0;
                    }
                    xy = new NDList[] {new NDList(x), new NDList(yi, yc)};
                    xy[1].add(sub.create(targets, new Shape(rows2, rows2)));
                    xy[1].add(sub.create(mask, new Shape(rows2, 1)));
                }
                if (extra == 0) {
                    xy[1].add(sub.create(targets, new Shape(batch, batch)));
                }
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

    /** Number of optimiser steps {@link #epoch} makes over {@code rows}. */
    public static int stepsPerEpoch(PatchData data, List<Integer> rows, int batch) {
        return (int) rows.stream().map(data.clipIndex::get).distinct().count() / (batch / 2);
    }

    /** Inference-mode outputs {@code [instrument probs, content probs, embedding]} per row. */
    public float[][][] predict(PatchData data, List<Integer> rows) {
        int n = rows.size();
        float[][][] out = new float[3][n][];
        Integer[] order = rows.toArray(new Integer[0]);
        for (int b0 = 0; b0 < n; b0 += batch) {
            int m = Math.min(batch, n - b0);
            try (NDManager sub = trainer.getManager().newSubManager()) {
                NDList[] xy = tensors(sub, data, order, b0, m, null);
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

    private static Integer[] boxed(int[] a) {
        Integer[] r = new Integer[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i];
        }
        return r;
    }

    private static float[] slice(float[] a, int row, int width) {
        float[] r = new float[width];
        System.arraycopy(a, row * width, r, 0, width);
        return r;
    }

    /** Inputs and labels of rows {@code order[from .. from+count)}; with {@code mask} not null each patch is a masked copy. */
    private NDList[] tensors(NDManager m, PatchData data, Integer[] order, int from, int count, Random mask) {
        int size = mels * frames;
        FloatBuffer x = FloatBuffer.allocate(count * size);
        FloatBuffer yi = FloatBuffer.allocate(count * spec.instruments);
        FloatBuffer yc = FloatBuffer.allocate(count * spec.contentClasses);
        for (int i = 0; i < count; i++) {
            int r = order[from + i];
            float[] p = data.patches.get(r);
            if (mask != null) {
                p = p.clone();
                SpecAugment.apply(p, mels, frames, mask);
            }
            x.put(p);
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
