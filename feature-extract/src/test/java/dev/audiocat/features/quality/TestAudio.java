package dev.audiocat.features.quality;

import dev.audiocat.features.AudioAnalyzer;
import dev.audiocat.features.dsp.FrameDispatcher;
import dev.audiocat.features.dsp.FrameProcessor;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Closed-form test signals for the tonal, rhythm and quality tests, and a 16-bit WAV writer. */
public final class TestAudio {

    private TestAudio() {
    }

    /** Frequency of MIDI note {@code midi} at concert pitch {@code a4} Hz. */
    public static double hz(int midi, double a4) {
        return a4 * Math.pow(2, (midi - 69) / 12.0);
    }

    /**
     * Adds a harmonic tone (6 partials, amplitude 1/h, 10 ms attack, exponential decay) to {@code out}.
     */
    public static void addTone(float[] out, int rate, double startS, double durS, double f0, double amp) {
        int s0 = (int) Math.round(startS * rate);
        int n = (int) Math.round(durS * rate);
        for (int i = 0; i < n && s0 + i < out.length; i++) {
            double t = i / (double) rate;
            double env = Math.min(1, t / 0.01) * Math.exp(-1.5 * t) * Math.min(1, (n - i) / (0.01 * rate));
            double v = 0;
            for (int h = 1; h <= 6; h++) {
                if (h * f0 < rate / 2.0) {
                    v += Math.sin(2 * Math.PI * h * f0 * t) / h;
                }
            }
            out[s0 + i] += (float) (amp * env * v);
        }
    }

    /** A click (1 ms decaying noise-free pulse train of alternating sign) at {@code t}. */
    public static void addClick(float[] out, int rate, double t, double amp) {
        int s0 = (int) Math.round(t * rate);
        int n = Math.max(1, rate / 200); // 5 ms
        for (int i = 0; i < n && s0 + i < out.length; i++) {
            out[s0 + i] += (float) (amp * Math.exp(-i / (0.001 * rate)) * Math.sin(2 * Math.PI * 2000 * i / (double) rate));
        }
    }

    /** Feeds a mono signal at the analysis rate through the project's framing to {@code stages}. */
    public static void feed(float[] mono, FrameProcessor... stages) {
        feed(mono, AudioAnalyzer.FRAME_SIZE, AudioAnalyzer.HOP, AudioAnalyzer.ANALYSIS_RATE, stages);
    }

    /** Feeds a mono signal at {@code rate} through frames of {@code frameSize} every {@code hop} samples. */
    public static void feed(float[] mono, int frameSize, int hop, int rate, FrameProcessor... stages) {
        FrameDispatcher d = new FrameDispatcher(frameSize, hop, List.of(stages));
        d.start(rate, 1);
        float[][] block = new float[1][4096];
        for (int i = 0; i < mono.length; i += 4096) {
            int n = Math.min(4096, mono.length - i);
            System.arraycopy(mono, i, block[0], 0, n);
            d.accept(block, n);
        }
        d.finish();
    }

    /** Writes planar float channels as a 16-bit PCM WAV (values clipped to [-1, 1]). */
    public static void writeWav(Path file, int rate, float[]... channels) throws IOException {
        write(file, rate, false, channels);
    }

    /** Writes planar float channels as a 32-bit IEEE float WAV (levels below 16-bit resolution survive). */
    public static void writeFloatWav(Path file, int rate, float[]... channels) throws IOException {
        write(file, rate, true, channels);
    }

    private static void write(Path file, int rate, boolean floats, float[]... channels) throws IOException {
        int ch = channels.length;
        int n = channels[0].length;
        int bytes = floats ? 4 : 2;
        ByteBuffer b = ByteBuffer.allocate(44 + n * ch * bytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(36 + n * ch * bytes).put("WAVE".getBytes());
        b.put("fmt ".getBytes()).putInt(16).putShort((short) (floats ? 3 : 1)).putShort((short) ch).putInt(rate)
                .putInt(rate * ch * bytes).putShort((short) (ch * bytes)).putShort((short) (8 * bytes));
        b.put("data".getBytes()).putInt(n * ch * bytes);
        for (int i = 0; i < n; i++) {
            for (float[] c : channels) {
                if (floats) {
                    b.putFloat(c[i]);
                } else {
                    double x = Math.max(-1, Math.min(1, c[i]));
                    b.putShort((short) Math.round(x * 32767));
                }
            }
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(b.array());
        }
    }
}
