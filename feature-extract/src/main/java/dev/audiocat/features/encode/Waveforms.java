package dev.audiocat.features.encode;

/**
 * The combinators behind {@link Waveform}'s default methods. Each {@code render} performs exactly
 * the arithmetic of its {@code at}, in the same order, so block and random access agree bit for bit.
 */
final class Waveforms {

    private Waveforms() {
    }

    /** A growable scratch buffer per node; nodes are not shared between threads. */
    abstract static class Node implements Waveform {
        private double[] scratch = new double[0];

        final double[] scratch(int n) {
            if (scratch.length < n) {
                scratch = new double[Math.max(n, 4096)];
            }
            return scratch;
        }
    }

    static final class Sum extends Node {
        private final Waveform[] parts;

        Sum(Waveform[] parts) {
            this.parts = parts;
        }

        @Override
        public double at(long n) {
            double s = parts[0].at(n);
            for (int k = 1; k < parts.length; k++) {
                s += parts[k].at(n);
            }
            return s;
        }

        @Override
        public void render(long start, double[] out, int offset, int n) {
            parts[0].render(start, out, offset, n);
            if (parts.length == 1) {
                return;
            }
            double[] tmp = scratch(n);
            for (int k = 1; k < parts.length; k++) {
                parts[k].render(start, tmp, 0, n);
                for (int i = 0; i < n; i++) {
                    out[offset + i] += tmp[i];
                }
            }
        }
    }

    static final class Gain implements Waveform {
        private final Waveform w;
        private final double gain;

        Gain(Waveform w, double gain) {
            this.w = w;
            this.gain = gain;
        }

        @Override
        public double at(long n) {
            return w.at(n) * gain;
        }

        @Override
        public void render(long start, double[] out, int offset, int n) {
            w.render(start, out, offset, n);
            for (int i = 0; i < n; i++) {
                out[offset + i] *= gain;
            }
        }
    }

    static final class Product extends Node {
        private final Waveform w;
        private final Waveform envelope;

        Product(Waveform w, Waveform envelope) {
            this.w = w;
            this.envelope = envelope;
        }

        @Override
        public double at(long n) {
            double e = envelope.at(n);
            return e == 0.0 ? 0.0 : w.at(n) * e;
        }

        @Override
        public void render(long start, double[] out, int offset, int n) {
            double[] env = scratch(n);
            envelope.render(start, env, 0, n);
            boolean closed = true;
            for (int i = 0; i < n && closed; i++) {
                closed = env[i] == 0.0;
            }
            if (closed) { // skips the work where the envelope is shut
                java.util.Arrays.fill(out, offset, offset + n, 0.0);
                return;
            }
            w.render(start, out, offset, n);
            for (int i = 0; i < n; i++) {
                out[offset + i] = env[i] == 0.0 ? 0.0 : out[offset + i] * env[i];
            }
        }
    }

    static final class Delay implements Waveform {
        private final Waveform w;
        private final long frames;

        Delay(Waveform w, long frames) {
            this.w = w;
            this.frames = frames;
        }

        @Override
        public double at(long n) {
            return n < frames ? 0.0 : w.at(n - frames);
        }

        @Override
        public void render(long start, double[] out, int offset, int n) {
            int silent = (int) Math.max(0, Math.min(n, frames - start));
            java.util.Arrays.fill(out, offset, offset + silent, 0.0);
            if (silent < n) {
                w.render(start + silent - frames, out, offset + silent, n - silent);
            }
        }
    }

    static final class Quantized implements Waveform {
        private final Waveform w;
        private final double scale;
        private final double max;

        Quantized(Waveform w, int bits) {
            this.w = w;
            this.scale = Math.scalb(1.0, bits - 1);
            this.max = scale - 1;
        }

        @Override
        public double at(long n) {
            return quantize(w.at(n));
        }

        @Override
        public void render(long start, double[] out, int offset, int n) {
            w.render(start, out, offset, n);
            for (int i = 0; i < n; i++) {
                out[offset + i] = quantize(out[offset + i]);
            }
        }

        private double quantize(double x) {
            // "+ 0.0" turns -0.0 into 0.0, which is what an integer sample decodes to
            return (Math.max(-scale, Math.min(max, Math.rint(x * scale))) + 0.0) / scale;
        }
    }

    static final class BlockCache implements Waveform {
        private final Waveform w;
        private double[] block = new double[0];
        private long blockStart = -1;
        private int blockLength;

        BlockCache(Waveform w) {
            this.w = w;
        }

        @Override
        public double at(long n) {
            return w.at(n);
        }

        @Override
        public void render(long start, double[] out, int offset, int n) {
            if (start != blockStart || n != blockLength) {
                if (block.length < n) {
                    block = new double[Math.max(n, 4096)];
                }
                w.render(start, block, 0, n);
                blockStart = start;
                blockLength = n;
            }
            System.arraycopy(block, 0, out, offset, n);
        }
    }
}
