package dev.audiocat.tagging.train;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the trained {@link NetSpec} network as an ONNX graph (opset 17) from its DJL parameters.
 * DJL cannot export ONNX; the graph is spelled out node by node with the ONNX protobuf classes.
 *
 * <p>Inputs: {@code logmel [N,1,mels,frames]}. Outputs: {@code instruments [N,I]} (sigmoid),
 * {@code content [N,C]} (softmax), {@code embedding [N,E]} (raw; the runtime L2-normalises the track mean).
 * With {@code melStats} (experimental, {@code --melstats-weight}): {@code embedding [N,E+2M]}, the
 * learned embedding L2-normalised per patch, concatenated with the patch's log-mel statistics (per
 * band mean and standard deviation over the frames), z-scored with the training patches' constants
 * and scaled by {@code weight / sqrt(2M)} ({@link MelStats}).
 */
public final class OnnxExporter {

    private OnnxExporter() {
    }

    /** @param melStats null for the plain learned embedding (the shipped model) */
    public static void export(NetSpec spec, int mels, int frames, MelStats melStats, String modelId, String version, Path out) throws IOException {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName(modelId);
        String x = "logmel";
        for (int i = 0; i < spec.convs.size(); i++) {
            Block conv = spec.convs.get(i);
            Block bn = spec.norms.get(i);
            String p = "stage" + i;
            g.addInitializer(tensor(p + ".conv.weight", NetSpec.param(conv, "weight")));
            g.addInitializer(tensor(p + ".conv.bias", NetSpec.param(conv, "bias")));
            g.addNode(node("Conv", p + ".conv", new String[] {x, p + ".conv.weight", p + ".conv.bias"}, p + ".conv.out")
                    .addAttribute(ints("kernel_shape", 3, 3)).addAttribute(ints("pads", 1, 1, 1, 1))
                    .addAttribute(ints("strides", 1, 1)));
            g.addInitializer(tensor(p + ".bn.gamma", NetSpec.param(bn, "gamma")));
            g.addInitializer(tensor(p + ".bn.beta", NetSpec.param(bn, "beta")));
            g.addInitializer(tensor(p + ".bn.mean", NetSpec.param(bn, "runningMean")));
            g.addInitializer(tensor(p + ".bn.var", NetSpec.param(bn, "runningVar")));
            g.addNode(node("BatchNormalization", p + ".bn",
                    new String[] {p + ".conv.out", p + ".bn.gamma", p + ".bn.beta", p + ".bn.mean", p + ".bn.var"}, p + ".bn.out")
                    .addAttribute(AttributeProto.newBuilder().setName("epsilon").setType(AttributeProto.AttributeType.FLOAT).setF(NetSpec.BN_EPSILON)));
            g.addNode(node("Relu", p + ".relu", new String[] {p + ".bn.out"}, p + ".relu.out"));
            x = p + ".relu.out";
            if (i < spec.convs.size() - 1) {
                g.addNode(node("MaxPool", p + ".pool", new String[] {x}, p + ".pool.out")
                        .addAttribute(ints("kernel_shape", 2, 2)).addAttribute(ints("strides", 2, 2)));
                x = p + ".pool.out";
            }
        }
        g.addNode(node("GlobalAveragePool", "gap", new String[] {x}, "gap.out"));
        g.addNode(node("Flatten", "flatten", new String[] {"gap.out"}, "features")
                .addAttribute(AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT).setI(1)));
        String raw = melStats == null ? "embedding" : "embedding.raw";
        gemm(g, "embedding", "features", spec.embedding, raw);
        g.addNode(node("Relu", "embedding.relu", new String[] {raw}, "embedding.relu.out"));
        gemm(g, "instruments", "embedding.relu.out", spec.instrumentHead, "instruments.logits");
        g.addNode(node("Sigmoid", "instruments.sigmoid", new String[] {"instruments.logits"}, "instruments"));
        gemm(g, "content", "embedding.relu.out", spec.contentHead, "content.logits");
        g.addNode(node("Softmax", "content.softmax", new String[] {"content.logits"}, "content")
                .addAttribute(AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT).setI(1)));
        if (melStats != null) {
            melStatsEmbedding(g, melStats);
        }

        g.addInput(value("logmel", "N", 1, mels, frames));
        g.addOutput(value("instruments", "N", spec.instruments));
        g.addOutput(value("content", "N", spec.contentClasses));
        g.addOutput(value("embedding", "N", NetSpec.EMBEDDING + (melStats == null ? 0 : melStats.mean().length)));

        write(g, version, modelId + " " + version + ": see the model card beside this file", 17, out);
    }

    /** Writes {@code g} as an ONNX model (IR 8, the given opset of the default domain) to {@code out}. */
    static void write(OnnxMl.GraphProto.Builder g, String version, String docString, long opset, Path out) throws IOException {
        OnnxMl.ModelProto model = OnnxMl.ModelProto.newBuilder()
                .setIrVersion(8)
                .setProducerName("audiocat tagging-models")
                .setProducerVersion(version)
                .setDomain("dev.audiocat")
                .setModelVersion(1)
                .setDocString(docString)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setGraph(g)
                .build();
        Files.createDirectories(out.toAbsolutePath().getParent());
        try (OutputStream os = Files.newOutputStream(out)) {
            model.writeTo(os);
        }
    }

    /**
     * {@code out = in / max(|in|, eps)} per row, as nodes {@code <prefix>embedding.norm}, {@code .norm.eps},
     * {@code .l2} and the initializer {@code <prefix>embedding.eps}.
     */
    static void l2Normalise(OnnxMl.GraphProto.Builder g, String prefix, String in, String out) {
        g.addNode(node("ReduceL2", prefix + "embedding.norm", new String[] {in}, prefix + "embedding.norm.out")
                .addAttribute(ints("axes", 1)).addAttribute(intAttr("keepdims", 1)));
        g.addInitializer(floats(prefix + "embedding.eps", new long[] {1}, new float[] {MelStats.EPS}));
        g.addNode(node("Max", prefix + "embedding.norm.eps", new String[] {prefix + "embedding.norm.out", prefix + "embedding.eps"},
                prefix + "embedding.norm.safe"));
        g.addNode(node("Div", prefix + "embedding.l2", new String[] {in, prefix + "embedding.norm.safe"}, out));
    }

    /** Published embedding [learned / |learned|, (melstats - mean) * scale] from "embedding.raw" and the input. */
    private static void melStatsEmbedding(OnnxMl.GraphProto.Builder g, MelStats melStats) {
        // published embedding: [learned / |learned|, (melstats - mean) * scale]
        l2Normalise(g, "", "embedding.raw", "embedding.learned");
        g.addNode(node("ReduceMean", "melstats.mean", new String[] {"logmel"}, "melstats.m")
                .addAttribute(ints("axes", 3)).addAttribute(intAttr("keepdims", 0)));
        g.addNode(node("Mul", "melstats.sq", new String[] {"logmel", "logmel"}, "melstats.x2"));
        g.addNode(node("ReduceMean", "melstats.mean2", new String[] {"melstats.x2"}, "melstats.m2")
                .addAttribute(ints("axes", 3)).addAttribute(intAttr("keepdims", 0)));
        g.addNode(node("Mul", "melstats.msq", new String[] {"melstats.m", "melstats.m"}, "melstats.mm"));
        g.addNode(node("Sub", "melstats.var", new String[] {"melstats.m2", "melstats.mm"}, "melstats.v"));
        g.addNode(node("Relu", "melstats.var0", new String[] {"melstats.v"}, "melstats.v0"));
        g.addNode(node("Sqrt", "melstats.sd", new String[] {"melstats.v0"}, "melstats.s"));
        g.addNode(node("Concat", "melstats.cat", new String[] {"melstats.m", "melstats.s"}, "melstats.ms")
                .addAttribute(intAttr("axis", 2)));
        g.addNode(node("Flatten", "melstats.flat", new String[] {"melstats.ms"}, "melstats.raw")
                .addAttribute(intAttr("axis", 1)));
        g.addInitializer(floats("melstats.center", new long[] {melStats.mean().length}, melStats.mean()));
        g.addInitializer(floats("melstats.scale", new long[] {melStats.scale().length}, melStats.scale()));
        g.addNode(node("Sub", "melstats.sub", new String[] {"melstats.raw", "melstats.center"}, "melstats.c"));
        g.addNode(node("Mul", "melstats.mul", new String[] {"melstats.c", "melstats.scale"}, "melstats.z"));
        g.addNode(node("Concat", "embedding.cat", new String[] {"embedding.learned", "melstats.z"}, "embedding")
                .addAttribute(intAttr("axis", 1)));
    }

    private static void gemm(OnnxMl.GraphProto.Builder g, String name, String in, Block linear, String out) {
        g.addInitializer(tensor(name + ".weight", NetSpec.param(linear, "weight")));
        g.addInitializer(tensor(name + ".bias", NetSpec.param(linear, "bias")));
        // DJL Linear weights are (out, in): Gemm with transB
        g.addNode(node("Gemm", name + ".gemm", new String[] {in, name + ".weight", name + ".bias"}, out)
                .addAttribute(AttributeProto.newBuilder().setName("transB").setType(AttributeProto.AttributeType.INT).setI(1)));
    }

    static NodeProto.Builder node(String op, String name, String[] inputs, String output) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(name).addOutput(output);
        for (String i : inputs) {
            n.addInput(i);
        }
        return n;
    }

    static AttributeProto ints(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    static AttributeProto intAttr(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    static TensorProto floats(String name, long[] dims, float[] data) {
        ByteBuffer buf = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : data) {
            buf.putFloat(f);
        }
        buf.flip();
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT.getNumber())
                .setRawData(ByteString.copyFrom(buf));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    private static TensorProto tensor(String name, NDArray array) {
        return floats(name, array.getShape().getShape(), array.toFloatArray());
    }

    static OnnxMl.ValueInfoProto value(String name, String batchDim, long... dims) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder()
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam(batchDim));
        for (long d : dims) {
            shape.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name)
                .setType(OnnxMl.TypeProto.newBuilder().setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                        .setElemType(TensorProto.DataType.FLOAT.getNumber()).setShape(shape)))
                .build();
    }
}
