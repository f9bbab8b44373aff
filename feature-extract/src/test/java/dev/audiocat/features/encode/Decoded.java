package dev.audiocat.features.encode;

import dev.audiocat.features.decode.AudioDecoder;
import dev.audiocat.features.decode.AudioProbe;
import dev.audiocat.features.decode.DecodeException;
import dev.audiocat.features.decode.PcmSink;
import java.nio.file.Path;
import java.util.Arrays;

/** A whole file decoded with the project's own {@link AudioDecoder}, native rate, every channel (short test files only). */
public record Decoded(AudioProbe probe, int sampleRate, float[][] samples) {

    long frames() {
        return samples[0].length;
    }

    double seconds() {
        return frames() / (double) sampleRate;
    }

    public static Decoded of(Path file) throws DecodeException {
        try (AudioDecoder d = AudioDecoder.open(file)) {
            Collector c = new Collector();
            long n = d.decode(c, 22050, null);
            float[][] out = new float[c.channels][];
            for (int ch = 0; ch < c.channels; ch++) {
                out[ch] = Arrays.copyOf(c.data[ch], c.length);
            }
            if (n != c.length) {
                throw new AssertionError("decoder counted " + n + " frames but delivered " + c.length);
            }
            return new Decoded(d.probe(), c.rate, out);
        }
    }

    private static final class Collector implements PcmSink {
        int rate;
        int channels;
        float[][] data;
        int length;

        @Override
        public void start(int sampleRate, int channelCount) {
            rate = sampleRate;
            channels = channelCount;
            data = new float[channelCount][1 << 16];
        }

        @Override
        public void accept(float[][] block, int frames) {
            if (length + frames > data[0].length) {
                for (int c = 0; c < channels; c++) {
                    data[c] = Arrays.copyOf(data[c], Math.max(2 * data[c].length, length + frames));
                }
            }
            for (int c = 0; c < channels; c++) {
                System.arraycopy(block[c], 0, data[c], length, frames);
            }
            length += frames;
        }

        @Override
        public void finish() {
        }
    }

    /** Signal-to-noise ratio in dB of channel {@code ch} against {@code reference}, shifted by {@code lag} samples. */
    double snrDb(float[] reference, int ch, int lag) {
        double signal = 0;
        double noise = 0;
        float[] x = samples[ch];
        for (int i = 0; i < reference.length; i++) {
            int j = i + lag;
            if (j < 0 || j >= x.length) {
                continue;
            }
            double e = x[j] - reference[i];
            noise += e * e;
            signal += (double) reference[i] * reference[i];
        }
        return 10 * Math.log10(signal / Math.max(noise, 1e-300));
    }

    /** The lag in [-maxLag, maxLag] of highest normalised correlation with {@code reference}. */
    int bestLag(float[] reference, int ch, int maxLag) {
        int best = 0;
        double bestCorr = Double.NEGATIVE_INFINITY;
        for (int lag = -maxLag; lag <= maxLag; lag++) {
            double xy = 0;
            double xx = 0;
            double yy = 0;
            float[] x = samples[ch];
            for (int i = maxLag; i < reference.length - maxLag && i + lag < x.length; i++) {
                xy += (double) reference[i] * x[i + lag];
                xx += (double) reference[i] * reference[i];
                yy += (double) x[i + lag] * x[i + lag];
            }
            double corr = xy / Math.sqrt(xx * yy + 1e-300);
            if (corr > bestCorr) {
                bestCorr = corr;
                best = lag;
            }
        }
        return best;
    }
}
