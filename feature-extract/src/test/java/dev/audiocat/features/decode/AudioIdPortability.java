package dev.audiocat.features.decode;

import java.nio.file.Path;
import org.bytedeco.ffmpeg.global.avutil;

/**
 * Not a test: whether {@code audio_id} (SHA-256 of the 22050 Hz mono stream, see docs/catalog-schema.md)
 * and the hash of the native-rate PCM come out the same when FFmpeg runs other SIMD code paths, as it
 * does on another CPU. FFmpeg picks its kernels from {@code av_get_cpu_flags()}; {@code
 * av_force_cpu_flags} makes this process behave like a machine without FMA3/AVX2/AVX-512 ({@code nofma})
 * or without any SIMD ({@code none}). Run once per mode (the flags are read when codecs and resamplers
 * are set up) and compare the lines:
 *
 * <pre>{@code java -cp <test classpath> dev.audiocat.features.decode.AudioIdPortability MODE FILE...}</pre>
 *
 * MODE is {@code default}, {@code nofma} or {@code none}. Prints per file the first 16 hex digits of the
 * mono 22050 Hz hash ({@code audio_id}) and of the native-rate 16-bit PCM hash.
 */
public final class AudioIdPortability {

    private AudioIdPortability() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        int flags = avutil.av_get_cpu_flags();
        switch (mode) {
            case "default" -> { }
            case "nofma" -> avutil.av_force_cpu_flags(flags & ~(avutil.AV_CPU_FLAG_FMA3 | avutil.AV_CPU_FLAG_FMA4
                    | avutil.AV_CPU_FLAG_AVX2 | avutil.AV_CPU_FLAG_AVX512));
            case "none" -> avutil.av_force_cpu_flags(0);
            default -> throw new IllegalArgumentException("MODE must be default, nofma or none, got " + mode);
        }
        for (int i = 1; i < args.length; i++) {
            PcmHasher mono = new PcmHasher();
            PcmHasher pcm = new PcmHasher();
            try (AudioDecoder d = AudioDecoder.open(Path.of(args[i]))) {
                d.decode(pcm, 22050, mono);
            }
            System.out.printf("%-8s %-40s audio_id %s  native PCM %s%n", mode, Path.of(args[i]).getFileName(),
                    mono.hex().substring(0, 16), pcm.hex().substring(0, 16));
        }
    }
}
