package dev.audiocat.tagging.train;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Joins independently trained members of the {@link OnnxExporter} graph into one ONNX graph, so the
 * runtime runs one session and reads the same three outputs (one member with a projection: that network
 * with its embedding centred and whitened, TrainMain {@code --project-embedding}):
 * <ul>
 * <li>{@code instruments}, {@code content}: the mean of the members' probabilities;</li>
 * <li>{@code embedding}: each member's patch embedding L2-normalised, then concatenated and scaled by
 * {@code 1 / sqrt(members)} (so the patch vector has unit norm and every member weighs the same in a
 * cosine): {@code [N, members * E]}; with a projection {@code P [members * E, D]} (the leading principal
 * axes of such vectors, {@link #principalAxes}) that vector times {@code P}: {@code [N, D]}, so the
 * search index keeps its vector length.</li>
 * </ul>
 * Member {@code k}'s initializers and intermediate values are renamed {@code m<k>/...}; the input
 * {@code logmel} is shared.
 */
public final class EnsembleExporter {

    private EnsembleExporter() {
    }

    /** {@code java ... EnsembleExporter OUT.onnx MEMBER.onnx MEMBER.onnx ...} (a check by hand; TrainMain calls {@link #join}). */
    public static void main(String[] args) throws IOException {
        List<Path> members = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            members.add(Path.of(args[i]));
        }
        join(members, "audiocat-tagger", "ensemble", null, Path.of(args[0]));
    }

    /**
     * Writes the joined graph of the member files to {@code out}; returns the embedding dimension.
     *
     * @param projection null, or {@code [members * E][D]} and a bias {@code [D]}: the published embedding is the
     *                   concatenation times the matrix plus the bias
     */
    public static int join(List<Path> members, String modelId, String version, Projection projection, Path out) throws IOException {
        if (members.isEmpty()) {
            throw new IllegalArgumentException("no member networks to join");
        }
        GraphProto.Builder g = GraphProto.newBuilder().setName(modelId);
        List<String> instruments = new ArrayList<>();
        List<String> content = new ArrayList<>();
        List<String> embeddings = new ArrayList<>();
        ValueInfoProto input = null;
        long instrumentDim = -1;
        long contentDim = -1;
        long embeddingDim = 0;
        long opset = 17;
        for (int k = 0; k < members.size(); k++) {
            ModelProto m = read(members.get(k));
            GraphProto mg = m.getGraph();
            if (mg.getInputCount() != 1 || !mg.getInput(0).getName().equals("logmel")) {
                throw new IllegalArgumentException(members.get(k) + ": expected one input named logmel, got " + mg.getInputList());
            }
            if (input == null) {
                input = mg.getInput(0);
            } else if (!input.getType().equals(mg.getInput(0).getType())) {
                throw new IllegalArgumentException(members.get(k) + ": its logmel input shape differs from the first member's");
            }
            opset = Math.max(opset, m.getOpsetImport(0).getVersion());
            String p = "m" + k + "/";
            for (TensorProto t : mg.getInitializerList()) {
                g.addInitializer(t.toBuilder().setName(p + t.getName()));
            }
            for (NodeProto n : mg.getNodeList()) {
                NodeProto.Builder b = n.toBuilder().setName(p + n.getName()).clearInput().clearOutput();
                for (String i : n.getInputList()) {
                    b.addInput(i.equals("logmel") ? i : p + i);
                }
                for (String o : n.getOutputList()) {
                    b.addOutput(p + o);
                }
                g.addNode(b);
            }
            for (ValueInfoProto o : mg.getOutputList()) {
                long dim = o.getType().getTensorType().getShape().getDim(1).getDimValue();
                switch (o.getName()) {
                    case "instruments" -> {
                        instrumentDim = same(instrumentDim, dim, members.get(k), o.getName());
                        instruments.add(p + o.getName());
                    }
                    case "content" -> {
                        contentDim = same(contentDim, dim, members.get(k), o.getName());
                        content.add(p + o.getName());
                    }
                    case "embedding" -> {
                        OnnxExporter.l2Normalise(g, p, p + "embedding", p + "embedding.unit");
                        embeddings.add(p + "embedding.unit");
                        embeddingDim += dim;
                    }
                    default -> throw new IllegalArgumentException(members.get(k) + ": unexpected output " + o.getName());
                }
            }
        }
        g.addNode(OnnxExporter.node("Mean", "instruments.mean", instruments.toArray(String[]::new), "instruments"));
        g.addNode(OnnxExporter.node("Mean", "content.mean", content.toArray(String[]::new), "content"));
        g.addNode(OnnxExporter.node("Concat", "embedding.cat", embeddings.toArray(String[]::new), "embedding.units").addAttribute(OnnxExporter.intAttr("axis", 1)));
        g.addInitializer(OnnxExporter.floats("embedding.scale", new long[] {1}, new float[] {(float) (1 / Math.sqrt(members.size()))}));
        g.addNode(OnnxExporter.node("Mul", "embedding.scaled", new String[] {"embedding.units", "embedding.scale"},
                projection == null ? "embedding" : "embedding.concat"));
        if (projection != null) {
            float[][] m = projection.matrix();
            if (m.length != embeddingDim) {
                throw new IllegalArgumentException("projection has " + m.length + " rows, the members' embeddings " + embeddingDim + " values");
            }
            int d = m[0].length;
            float[] flat = new float[m.length * d];
            for (int i = 0; i < m.length; i++) {
                System.arraycopy(m[i], 0, flat, i * d, d);
            }
            g.addInitializer(OnnxExporter.floats("embedding.projection", new long[] {m.length, d}, flat));
            g.addInitializer(OnnxExporter.floats("embedding.bias", new long[] {d}, projection.bias()));
            g.addNode(OnnxExporter.node("Gemm", "embedding.project", new String[] {"embedding.concat", "embedding.projection", "embedding.bias"}, "embedding"));
            embeddingDim = d;
        }
        g.addInput(input);
        g.addOutput(OnnxExporter.value("instruments", "N", instrumentDim));
        g.addOutput(OnnxExporter.value("content", "N", contentDim));
        g.addOutput(OnnxExporter.value("embedding", "N", embeddingDim));
        OnnxExporter.write(g, version, modelId + " " + version + (members.size() == 1 ? ": one network, its embedding projected" : ": an ensemble of " + members.size() + " members")
                        + ", see the model card beside this file",
                opset, out);
        return (int) embeddingDim;
    }

    /** The number of values in the initializers of an ONNX file (for a member: its parameters, BatchNorm statistics included, as DJL counts them). */
    public static int parameterCount(Path member) throws IOException {
        long n = 0;
        for (TensorProto t : read(member).getGraph().getInitializerList()) {
            long size = 1;
            for (long d : t.getDimsList()) {
                size *= d;
            }
            n += size;
        }
        return Math.toIntExact(n);
    }

    private static ModelProto read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return ModelProto.parseFrom(in);
        }
    }

    private static long same(long seen, long dim, Path member, String output) {
        if (seen >= 0 && seen != dim) {
            throw new IllegalArgumentException(member + ": output " + output + " has " + dim + " values, the first member's has " + seen);
        }
        return dim;
    }

    /**
     * The {@code d} leading eigenvectors of the second-moment matrix of {@code rows} (about their mean with
     * {@code center}), as the columns of a {@code [dim][d]} matrix, strongest first, each scaled by its
     * eigenvalue to the power {@code -whiten} (0: kept as is, 0.5: whitened); with {@code center} the bias
     * subtracts the projected mean. Cyclic Jacobi rotations in double precision: deterministic.
     */
    public static Projection principalAxes(List<float[]> rows, int d, boolean center, double whiten) {
        int n = rows.get(0).length;
        if (d < 1 || d > n) {
            throw new IllegalArgumentException("cannot keep " + d + " axes of " + n);
        }
        double[] mean = new double[n];
        if (center) {
            for (float[] r : rows) {
                for (int i = 0; i < n; i++) {
                    mean[i] += r[i];
                }
            }
            for (int i = 0; i < n; i++) {
                mean[i] /= rows.size();
            }
        }
        double[][] a = new double[n][n];
        for (float[] r : rows) {
            for (int i = 0; i < n; i++) {
                double ri = r[i] - mean[i];
                for (int j = i; j < n; j++) {
                    a[i][j] += ri * (r[j] - mean[j]);
                }
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                a[i][j] /= rows.size();
                a[j][i] = a[i][j];
            }
        }
        double[][] v = new double[n][n];
        for (int i = 0; i < n; i++) {
            v[i][i] = 1;
        }
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            double diag = 0;
            for (int i = 0; i < n; i++) {
                diag += a[i][i] * a[i][i];
                for (int j = i + 1; j < n; j++) {
                    off += a[i][j] * a[i][j];
                }
            }
            if (off <= 1e-24 * diag) {
                break;
            }
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    double apq = a[p][q];
                    if (Math.abs(apq) < 1e-300) {
                        continue;
                    }
                    double theta = (a[q][q] - a[p][p]) / (2 * apq);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) {
                        t = 1;
                    }
                    double c = 1 / Math.sqrt(t * t + 1);
                    double sn = t * c;
                    for (int k = 0; k < n; k++) {
                        double akp = a[k][p];
                        double akq = a[k][q];
                        a[k][p] = c * akp - sn * akq;
                        a[k][q] = sn * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++) {
                        double apk = a[p][k];
                        double aqk = a[q][k];
                        a[p][k] = c * apk - sn * aqk;
                        a[q][k] = sn * apk + c * aqk;
                    }
                    for (int k = 0; k < n; k++) {
                        double vkp = v[k][p];
                        double vkq = v[k][q];
                        v[k][p] = c * vkp - sn * vkq;
                        v[k][q] = sn * vkp + c * vkq;
                    }
                }
            }
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        double[] eig = new double[n];
        for (int i = 0; i < n; i++) {
            eig[i] = a[i][i];
        }
        java.util.Arrays.sort(order, (x, y) -> Double.compare(eig[y], eig[x]));
        float[][] p = new float[n][d];
        float[] bias = new float[d];
        for (int j = 0; j < d; j++) {
            double scale = whiten == 0 ? 1 : Math.pow(Math.max(eig[order[j]], 1e-12), -whiten);
            double b = 0;
            for (int i = 0; i < n; i++) {
                p[i][j] = (float) (v[i][order[j]] * scale);
                b -= mean[i] * p[i][j];
            }
            bias[j] = (float) b;
        }
        double trace = 0;
        double top = 0;
        for (int i = 0; i < n; i++) {
            trace += eig[order[i]];
            top += i < d ? eig[order[i]] : 0;
        }
        return new Projection(p, bias, top / trace);
    }

    /** {@code y = x * matrix + bias}: {@code matrix [in][out]}; {@code kept}: the share of the (centred) second moment on the kept axes. */
    public record Projection(float[][] matrix, float[] bias, double kept) {

        /** {@code x * matrix + bias} for each row. */
        public float[][] apply(float[][] rows) {
            float[][] out = new float[rows.length][];
            for (int r = 0; r < rows.length; r++) {
                float[] y = bias.clone();
                for (int i = 0; i < matrix.length; i++) {
                    float xi = rows[r][i];
                    float[] m = matrix[i];
                    for (int j = 0; j < y.length; j++) {
                        y[j] += xi * m[j];
                    }
                }
                out[r] = y;
            }
            return out;
        }
    }
}
