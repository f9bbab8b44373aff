package dev.audiocat.tagging.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import java.util.ArrayList;
import java.util.List;

/**
 * The tagger's architecture, in the one place that both the DJL builder and the ONNX exporter read
 * (DJL's lambda blocks do not expose their settings).
 *
 * <p>Input {@code [N, 1, mels, frames]}; per stage: Conv 3x3 (pad 1) - BatchNorm - ReLU - MaxPool
 * 2x2 (stride 2; the last stage has no pooling); global average pool; Linear to the embedding
 * (no activation: the track embedding is the mean of these, L2-normalised); ReLU; two heads: Linear
 * to instrument logits (sigmoid, multi-label) and Linear to content logits (softmax).
 */
public final class NetSpec {

    public static final int[] CHANNELS = {16, 32, 64, 128};
    public static final int EMBEDDING = 128;
    public static final float BN_EPSILON = 1e-5f;

    public final int instruments;
    public final int contentClasses;
    /** Filters per stage: {@link #CHANNELS}, or those times a width factor (TrainMain {@code --width}). */
    public final int[] channels;
    public final List<Conv2d> convs = new ArrayList<>();
    public final List<BatchNorm> norms = new ArrayList<>();
    public Linear embedding;
    public Linear instrumentHead;
    public Linear contentHead;

    public NetSpec(int instruments, int contentClasses) {
        this(instruments, contentClasses, 1.0);
    }

    /** As above with {@code width} times the filters of every stage (rounded; 1 = the shipped network). */
    public NetSpec(int instruments, int contentClasses, double width) {
        if (!(width > 0)) {
            throw new IllegalArgumentException("width must be > 0, got " + width);
        }
        this.instruments = instruments;
        this.contentClasses = contentClasses;
        this.channels = java.util.Arrays.stream(CHANNELS).map(c -> (int) Math.max(1, Math.round(c * width))).toArray();
    }

    /** Output: {@code [instrument logits, content logits, embedding]}. */
    public Block build() {
        SequentialBlock net = new SequentialBlock();
        for (int i = 0; i < channels.length; i++) {
            Conv2d conv = Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(channels[i]).build();
            BatchNorm bn = BatchNorm.builder().optEpsilon(BN_EPSILON).build();
            convs.add(conv);
            norms.add(bn);
            net.add(conv).add(bn).add(Activation.reluBlock());
            if (i < channels.length - 1) {
                net.add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
            }
        }
        net.add(Pool.globalAvgPool2dBlock());
        net.add(Blocks.batchFlattenBlock());
        embedding = Linear.builder().setUnits(EMBEDDING).build();
        net.add(embedding);
        instrumentHead = Linear.builder().setUnits(instruments).build();
        contentHead = Linear.builder().setUnits(contentClasses).build();
        net.add(new ParallelBlock(
                list -> new NDList(list.get(1).singletonOrThrow(), list.get(2).singletonOrThrow(), list.get(0).singletonOrThrow()),
                List.of(
                        new LambdaBlock(x -> x),
                        new SequentialBlock().add(Activation.reluBlock()).add(instrumentHead),
                        new SequentialBlock().add(Activation.reluBlock()).add(contentHead))));
        return net;
    }

    static NDArray param(Block b, String name) {
        return b.getParameters().get(name).getArray();
    }
}
