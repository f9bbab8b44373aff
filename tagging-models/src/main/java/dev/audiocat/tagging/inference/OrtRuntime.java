package dev.audiocat.tagging.inference;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.EnumSet;

/**
 * Offline start of DJL and ONNX Runtime. DJL calls home unless told it is offline; ONNX Runtime
 * unpacks its natives into {@code java.io.tmpdir} at every start unless {@code onnxruntime.native.path}
 * names a folder that already holds them, so that folder is filled from the jar once.
 */
public final class OrtRuntime {

    private static final String[] NATIVES = {"libonnxruntime.so", "libonnxruntime4j_jni.so"};
    private static volatile boolean prepared;

    private OrtRuntime() {
    }

    /** Sets the offline flags and prepares the natives folder; idempotent, call before touching DJL. */
    public static synchronized void prepare() {
        if (prepared) {
            return;
        }
        System.setProperty("ai.djl.offline", "true");
        // the translators only create and read tensors: no need for DJL to load a second engine (PyTorch) beside ONNX Runtime
        if (System.getProperty("ai.djl.onnx.disable_alternative") == null) {
            System.setProperty("ai.djl.onnx.disable_alternative", "true");
        }
        if (System.getProperty("OPT_OUT_TRACKING") == null) {
            System.setProperty("OPT_OUT_TRACKING", "true");
        }
        String dir = System.getProperty("onnxruntime.native.path");
        if (dir != null && !dir.isBlank()) {
            unpackNatives(Path.of(dir));
        }
        prepared = true;
    }

    private static void unpackNatives(Path dir) {
        String arch = System.getProperty("os.arch").contains("aarch64") ? "linux-aarch64" : "linux-x64";
        try {
            Files.createDirectories(dir);
            for (String lib : NATIVES) {
                Path target = dir.resolve(lib);
                String resource = "/ai/onnxruntime/native/" + arch + "/" + lib;
                try (InputStream in = OrtEnvironment.class.getResourceAsStream(resource)) {
                    if (in == null) {
                        continue; // GPU builds add provider libraries; ORT reports anything really missing
                    }
                    if (Files.exists(target)) {
                        continue;
                    }
                    Path tmp = Files.createTempFile(dir, lib, ".part");
                    Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack ONNX Runtime natives into " + dir
                    + " (-Donnxruntime.native.path); make it writable or drop the property", e);
        }
    }

    /** Execution providers of the ONNX Runtime build on the classpath. */
    public static EnumSet<OrtProvider> providers() {
        prepare();
        return OrtEnvironment.getAvailableProviders();
    }

    /**
     * The device to use: {@code requested}, or CPU with a message on {@code warn} when CUDA was asked
     * for but this ONNX Runtime build has no CUDA provider.
     */
    public static InferenceDevice resolve(InferenceDevice requested, java.util.function.Consumer<String> warn) {
        if (!requested.cuda()) {
            return requested;
        }
        if (providers().contains(OrtProvider.CUDA)) {
            return requested;
        }
        warn.accept("audiocat: --inference-device " + requested + " asked for CUDA, but the ONNX Runtime on the classpath is the "
                + "CPU build (providers: " + providers() + "). Running on CPU. For GPU inference build with "
                + "'mvn -Dgpu package' (com.microsoft.onnxruntime:onnxruntime_gpu, needs CUDA 12 and cuDNN 9).");
        return InferenceDevice.CPU;
    }
}
