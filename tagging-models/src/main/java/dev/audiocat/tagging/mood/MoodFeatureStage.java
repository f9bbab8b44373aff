package dev.audiocat.tagging.mood;

import dev.audiocat.features.dsp.Frame;
import dev.audiocat.features.dsp.FrameProcessor;
import dev.audiocat.features.tonal.KeyDetector;

/**
 * Analysis-pass stage computing {@link MoodDescriptors} in bounded memory: running sums, a 16-frame
 * flux history and a running autocorrelation of the flux over tempo lags.
 */
public final class MoodFeatureStage implements FrameProcessor {

    private static final double SILENCE_DB = -60;
    private static final int MIN_LAG = 10;   // 258 BPM at 22050/512
    private static final int MAX_LAG = 64;   // 40 BPM
    private static final int PEAKS = 6;
    // Krumhansl-Kessler key profiles, C as tonic
    private static final double[] MAJOR = {6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88};
    private static final double[] MINOR = {6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17};

    private boolean initialised;
    private float[] prevLog;     // log magnitude of the previous frame, for flux
    private int[] pitchClass;    // bin -> pitch class, -1 outside 60..2000 Hz
    private final double[] chroma = new double[12];
    private final double[] fluxHist = new double[MAX_LAG + 1];
    private final double[] autocorr = new double[MAX_LAG + 1];
    private final int[] peakBins = new int[PEAKS];
    private final double[] peakAmp = new double[PEAKS];
    private double binHz;
    private double framesPerSecond = 22050.0 / 512;
    private double fluxMean;
    private long frames;
    private long active;
    private long onsets;
    private long lastOnset = -100;
    private double powerSum;
    private double centroidSum;
    private double roughSum;
    private long roughFrames;
    private double f1;          // flux one frame ago
    private double f2;          // flux two frames ago
    private MoodDescriptors result;

    @Override
    public void process(Frame frame) {
        float[] mag = frame.magnitude;
        int bins = mag.length;
        if (!initialised) {
            init(frame);
        }
        double norm = 1.0 / ((frame.size / 4.0) * (frame.size / 4.0));
        double power = 0;
        double weighted = 0;
        double magSum = 0;
        double flux = 0;
        for (int k = 1; k < bins; k++) {
            double m = mag[k];
            power += m * m;
            magSum += m;
            weighted += m * k;
            float lg = (float) Math.log1p(m * 0.05);
            float d = lg - prevLog[k];
            if (d > 0) {
                flux += d;
            }
            prevLog[k] = lg;
            int pc = pitchClass[k];
            if (pc >= 0) {
                chroma[pc] += m * m * norm;
            }
        }
        double db = 10 * Math.log10(Math.max(power * norm, 1e-10));
        boolean loud = db > SILENCE_DB;
        if (loud) {
            active++;
            powerSum += power * norm;
            centroidSum += magSum > 0 ? weighted / magSum * binHz : 0;
            if (frames % 4 == 0) {
                roughSum += roughness(mag);
                roughFrames++;
            }
        }
        // onset: a local maximum of flux above 1.5x its recent mean
        if (frames >= 2 && f1 > f2 && f1 >= flux && f1 > 1.5 * fluxMean + 1e-3 && frames - 1 - lastOnset >= 3) {
            onsets++;
            lastOnset = frames - 1;
        }
        f2 = f1;
        f1 = flux;
        fluxMean += (flux - fluxMean) / Math.min(frames + 1, 16);
        double centred = flux - fluxMean;
        int slot = (int) (frames % fluxHist.length);
        fluxHist[slot] = centred;
        for (int lag = MIN_LAG; lag <= MAX_LAG && lag <= frames; lag++) {
            autocorr[lag] += centred * fluxHist[(int) ((frames - lag) % fluxHist.length)];
        }
        autocorr[0] += centred * centred;
        frames++;
    }

    private void init(Frame frame) {
        int bins = frame.magnitude.length;
        prevLog = new float[bins];
        pitchClass = new int[bins];
        binHz = frame.sampleRate / (double) frame.size;
        framesPerSecond = frame.sampleRate / (double) frame.hop;
        for (int k = 0; k < bins; k++) {
            double f = k * binHz;
            pitchClass[k] = f < 60 || f > 2000 ? -1 : Math.floorMod((int) Math.round(12 * Math.log(f / 440.0) / Math.log(2)) + 9, 12);
        }
        initialised = true;
    }

    /** Sethares' roughness of the strongest spectral peaks between 50 Hz and 5 kHz, per unit of peak power. */
    private double roughness(float[] mag) {
        int n = 0;
        int lo = Math.max(2, (int) (50 / binHz));
        int hi = Math.min(mag.length - 2, (int) (5000 / binHz));
        for (int k = lo; k <= hi; k++) {
            float m = mag[k];
            if (m > mag[k - 1] && m >= mag[k + 1]) {
                // insertion into the top-PEAKS list, smallest last
                int pos = n < PEAKS ? n : PEAKS - 1;
                if (n == PEAKS && m <= peakAmp[PEAKS - 1]) {
                    continue;
                }
                while (pos > 0 && peakAmp[pos - 1] < m) {
                    peakAmp[pos] = peakAmp[pos - 1];
                    peakBins[pos] = peakBins[pos - 1];
                    pos--;
                }
                peakAmp[pos] = m;
                peakBins[pos] = k;
                if (n < PEAKS) {
                    n++;
                }
            }
        }
        double r = 0;
        double e = 0;
        for (int i = 0; i < n; i++) {
            e += peakAmp[i] * peakAmp[i];
            for (int j = i + 1; j < n; j++) {
                double fa = peakBins[i] * binHz;
                double fb = peakBins[j] * binHz;
                double s = 0.24 / (0.021 * Math.min(fa, fb) + 19);
                double df = Math.abs(fa - fb);
                r += peakAmp[i] * peakAmp[j] * (Math.exp(-3.5 * s * df) - Math.exp(-5.75 * s * df));
            }
        }
        return e > 0 ? r / e : 0;
    }

    @Override
    public void finish() {
        if (result != null) {
            return;
        }
        double seconds = Math.max(active, 1) / framesPerSecond;
        double bestScore = 0;
        int bestLag = -1;
        for (int lag = MIN_LAG; lag <= MAX_LAG; lag++) {
            double bpm = 60.0 * framesPerSecond / lag;
            // log-Gaussian preference around 120 BPM, the usual resolution of octave errors
            double prior = Math.exp(-0.5 * Math.pow(Math.log(bpm / 120.0) / Math.log(2) / 0.9, 2));
            double score = autocorr[lag] * prior;
            if (score > bestScore) {
                bestScore = score;
                bestLag = lag;
            }
        }
        double strength = bestLag > 0 && autocorr[0] > 0 ? autocorr[bestLag] / autocorr[0] : 0;
        double tempo = bestLag > 0 && strength > 0.05 ? 60.0 * framesPerSecond / bestLag : Double.NaN;
        double bestMajor = -2;
        double bestMinor = -2;
        for (int r = 0; r < 12; r++) {
            bestMajor = Math.max(bestMajor, KeyDetector.correlation(chroma, MAJOR, r));
            bestMinor = Math.max(bestMinor, KeyDetector.correlation(chroma, MINOR, r));
        }
        double mode = chromaTotal() > 0 ? bestMajor - bestMinor : 0;
        result = new MoodDescriptors(
                tempo,
                Math.max(0, Math.min(1, strength)),
                onsets / seconds,
                active > 0 ? 10 * Math.log10(powerSum / active) : -100,
                active > 0 ? centroidSum / active : 0,
                mode,
                roughFrames > 0 ? roughSum / roughFrames : 0,
                frames > 0 ? active / (double) frames : 0);
    }

    public MoodDescriptors result() {
        if (result == null) {
            throw new IllegalStateException("finish() has not been called");
        }
        return result;
    }

    private double chromaTotal() {
        double s = 0;
        for (double c : chroma) {
            s += c;
        }
        return s;
    }
}
