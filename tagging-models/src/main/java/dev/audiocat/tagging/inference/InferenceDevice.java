package dev.audiocat.tagging.inference;

import java.io.Serializable;

/**
 * Where ONNX models run: {@code cpu}, or {@code cuda} / {@code cuda:N} (ONNX Runtime's CUDA execution
 * provider, needs the GPU build of ONNX Runtime on the classpath: build with {@code -Dgpu}).
 */
public record InferenceDevice(boolean cuda, int deviceId) implements Serializable {

    public static final InferenceDevice CPU = new InferenceDevice(false, 0);

    /** Parses {@code cpu}, {@code cuda} or {@code cuda:N}. */
    public static InferenceDevice parse(String s) {
        String v = s == null ? "" : s.trim().toLowerCase(java.util.Locale.ROOT);
        if (v.equals("cpu")) {
            return CPU;
        }
        if (v.equals("cuda") || v.equals("gpu")) {
            return new InferenceDevice(true, 0);
        }
        if (v.startsWith("cuda:")) {
            try {
                int id = Integer.parseInt(v.substring(5));
                if (id >= 0) {
                    return new InferenceDevice(true, id);
                }
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
        }
        throw new IllegalArgumentException("--inference-device must be cpu, cuda or cuda:N (N >= 0), got '" + s + "'");
    }

    @Override
    public String toString() {
        return cuda ? "cuda:" + deviceId : "cpu";
    }
}
