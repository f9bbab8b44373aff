package dev.audiocat.features.encode;

/**
 * Deterministic test signals at one sample rate: sines, chords, white and pink noise from a seed,
 * click tracks, silence, and envelopes to cut them into sections.
 *
 * <p>Every waveform is a pure function of the sample index, computed with IEEE arithmetic only (the
 * sine is a polynomial, powers and exponentials come from {@link StrictMath}), so the same call gives
 * bit-identical samples on every JVM and platform, and any part of a long signal renders without the parts before it.
 * Noise waveforms cache the last sample's state for speed: use one instance from one thread.
 *
 * <pre>{@code
 * SignalGenerator g = new SignalGenerator(48000);
 * Signal tone = g.stereo(10.0, g.sine(997, SignalGenerator.dbfs(-23)), g.sine(997, SignalGenerator.dbfs(-23)));
 * }</pre>
 */
public final class SignalGenerator {

    /** Rows of the Voss pink-noise generator: row k holds a value for 2^k samples. */
    private static final int PINK_ROWS = 16;

    private final int sampleRate;

    public SignalGenerator(int sampleRate) {
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sampleRate " + sampleRate + " Hz must be positive");
        }
        this.sampleRate = sampleRate;
    }

    public int sampleRate() {
        return sampleRate;
    }

    /** Samples in {@code seconds}, rounded to the nearest sample. */
    public long frames(double seconds) {
        if (!(seconds >= 0)) {
            throw new IllegalArgumentException("seconds " + seconds + " must be 0 or more");
        }
        return Math.round(seconds * sampleRate);
    }

    /** Linear amplitude of a level in dB relative to full scale: {@code dbfs(-6.02) ≈ 0.5}. */
    public static double dbfs(double db) {
        return StrictMath.pow(10.0, db / 20.0); // StrictMath: the same bits on every platform
    }

    /** Frequency of a MIDI note number (69 = A4 = 440 Hz, equal temperament). */
    public static double midiToHz(double note) {
        return 440.0 * StrictMath.pow(2.0, (note - 69.0) / 12.0);
    }

    /**
     * {@code sin(2 pi x)} for any x: reduced to a quarter period by symmetry, then the Taylor series to
     * the 15th power (error below 1e-11, far under a 24-bit step of 1.2e-7). Plain IEEE arithmetic, so
     * the same bits everywhere, and no table to miss in the cache.
     */
    static double sinCycles(double x) {
        // (long) truncates like floor for x >= 0 and is cheaper; floor only for negative phases
        double y = x >= 0 && x < 0x1p62 ? x - (long) x : x - Math.floor(x);
        if (y >= 0.5) {
            y -= 1.0;           // [-0.5, 0.5)
        }
        if (y > 0.25) {
            y = 0.5 - y;        // sin(pi - a) = sin(a)
        } else if (y < -0.25) {
            y = -0.5 - y;       // sin(-pi - a) = sin(a)
        }
        double t = 2 * Math.PI * y; // [-pi/2, pi/2]
        double t2 = t * t;
        return t * (1 - t2 * I6 * (1 - t2 * I20 * (1 - t2 * I42 * (1 - t2 * I72 * (1 - t2 * I110 * (1 - t2 * I156 * (1 - t2 * I210)))))));
    }

    // reciprocals of (2k)(2k+1) for the Taylor series: multiplications instead of slow divisions
    private static final double I6 = 1.0 / 6;
    private static final double I20 = 1.0 / 20;
    private static final double I42 = 1.0 / 42;
    private static final double I72 = 1.0 / 72;
    private static final double I110 = 1.0 / 110;
    private static final double I156 = 1.0 / 156;
    private static final double I210 = 1.0 / 210;

    /** A sine starting at phase 0 with the given peak amplitude. */
    public Waveform sine(double hz, double peak) {
        return sine(hz, peak, 0.0);
    }

    /** A sine with a start phase in radians. */
    public Waveform sine(double hz, double peak, double phaseRadians) {
        checkFrequency(hz);
        double cyclesPerSample = hz / sampleRate;
        double phaseCycles = phaseRadians / (2 * Math.PI);
        return new Waveform() {
            @Override
            public double at(long n) {
                return peak * sinCycles(cyclesPerSample * n + phaseCycles);
            }

            @Override
            public void render(long start, double[] out, int offset, int n) {
                for (int i = 0; i < n; i++) {
                    out[offset + i] = peak * sinCycles(cyclesPerSample * (start + i) + phaseCycles);
                }
            }
        };
    }

    /**
     * Equal-amplitude sines whose peaks add up to {@code peak}, so the chord never exceeds it. Each
     * note starts at a different phase (golden-ratio steps) so the notes do not all peak together.
     */
    public Waveform chord(double peak, double... hz) {
        if (hz.length == 0) {
            throw new IllegalArgumentException("a chord needs at least one frequency");
        }
        Waveform[] notes = new Waveform[hz.length];
        for (int i = 0; i < hz.length; i++) {
            notes[i] = sine(hz[i], peak / hz.length, 2 * Math.PI * ((i * 0.6180339887498949) % 1.0));
        }
        return Waveform.sum(notes);
    }

    /** A chord of MIDI note numbers, see {@link #chord(double, double...)}. */
    public Waveform chordOfNotes(double peak, int... midiNotes) {
        double[] hz = new double[midiNotes.length];
        for (int i = 0; i < hz.length; i++) {
            hz[i] = midiToHz(midiNotes[i]);
        }
        return chord(peak, hz);
    }

    /** Uniform white noise in {@code [-peak, peak)}: RMS is {@code peak / sqrt(3)}. */
    public Waveform whiteNoise(long seed, double peak) {
        return new Waveform() {
            @Override
            public double at(long n) {
                return peak * uniform(seed, 0, n);
            }

            @Override
            public void render(long start, double[] out, int offset, int n) {
                for (int i = 0; i < n; i++) {
                    out[offset + i] = peak * uniform(seed, 0, start + i);
                }
            }
        };
    }

    /**
     * Pink (1/f) noise by the Voss method: the mean of {@value #PINK_ROWS} uniform rows, row k
     * redrawn every 2^k samples, which falls at about 3 dB per octave over that many octaves. It never
     * exceeds {@code peak}; its RMS is about {@code peak / 7}.
     */
    public Waveform pinkNoise(long seed, double peak) {
        return new PinkNoise(seed, peak / PINK_ROWS);
    }

    /**
     * Voss pink noise that keeps the row values of the last sample, so a forward scan redraws only
     * the rows that change (two per sample on average) instead of all of them. The value is still a
     * pure function of n; the cache makes an instance unsafe to share between threads.
     */
    private static final class PinkNoise implements Waveform {
        private final long seed;
        private final double scale;
        private final double[] rows = new double[PINK_ROWS];
        private long last = -2;

        PinkNoise(long seed, double scale) {
            this.seed = seed;
            this.scale = scale;
        }

        @Override
        public double at(long n) {
            int changed = n == last + 1 && n > 0 ? Math.min(Long.numberOfTrailingZeros(n), PINK_ROWS - 1) : PINK_ROWS - 1;
            for (int k = 0; k <= changed; k++) {
                rows[k] = uniform(seed, k + 1, n >>> k);
            }
            last = n;
            double s = 0;
            for (double r : rows) {
                s += r;
            }
            return scale * s;
        }
    }

    public static Waveform silence() {
        return new Waveform() {
            @Override
            public double at(long n) {
                return 0.0;
            }

            @Override
            public void render(long start, double[] out, int offset, int n) {
                java.util.Arrays.fill(out, offset, offset + n, 0.0);
            }
        };
    }

    /**
     * A metronome: a 15 ms decaying sine burst on every beat, 2 kHz on the first beat of each bar of
     * four and 1 kHz on the others, starting at sample 0.
     */
    public Waveform clickTrack(double bpm, double peak) {
        if (!(bpm > 0 && bpm <= 1000)) {
            throw new IllegalArgumentException("bpm " + bpm + " is out of range; use 0 < bpm <= 1000");
        }
        double period = sampleRate * 60.0 / bpm;
        double length = 0.015 * sampleRate;
        double decay = 0.003 * sampleRate;
        int rate = sampleRate;
        return new Waveform() {
            @Override
            public double at(long n) {
                long beat = (long) Math.floor(n / period);
                double t = n - beat * period;
                if (t >= length) {
                    return 0.0;
                }
                double hz = beat % 4 == 0 ? 2000.0 : 1000.0;
                return peak * StrictMath.exp(-t / decay) * sinCycles(hz * t / rate);
            }

            @Override
            public void render(long start, double[] out, int offset, int n) {
                for (int i = 0; i < n; i++) {
                    out[offset + i] = at(start + i); // final anonymous class: the JIT inlines this
                }
            }
        };
    }

    /**
     * An envelope that is 1 inside {@code [fromSeconds, toSeconds)} and 0 outside, with raised-cosine
     * ramps of {@code fadeSeconds} just inside both edges (no clicks).
     */
    public Waveform window(double fromSeconds, double toSeconds, double fadeSeconds) {
        long from = frames(fromSeconds);
        long to = frames(toSeconds);
        long fade = frames(fadeSeconds);
        if (to < from || 2 * fade > to - from) {
            throw new IllegalArgumentException("window [" + fromSeconds + ", " + toSeconds + ") s cannot hold two fades of " + fadeSeconds + " s");
        }
        return new Envelope() {
            @Override
            public double at(long n) {
                return envelope(n - from, to - from, fade);
            }
        };
    }

    /**
     * A repeating on/off envelope: on for {@code onSeconds} at the start of every {@code periodSeconds},
     * with raised-cosine fades of {@code fadeSeconds} (for noise bursts, tremolo gaps).
     */
    public Waveform pulses(double periodSeconds, double onSeconds, double fadeSeconds) {
        long period = frames(periodSeconds);
        long on = frames(onSeconds);
        long fade = frames(fadeSeconds);
        if (period <= 0 || on > period || 2 * fade > on) {
            throw new IllegalArgumentException("pulses of " + onSeconds + " s every " + periodSeconds + " s with fades of " + fadeSeconds
                    + " s do not fit; need 2 * fade <= on <= period");
        }
        return new Envelope() {
            @Override
            public double at(long n) {
                return envelope(n % period, on, fade);
            }
        };
    }

    /**
     * Plays {@code parts} one after another, {@code segmentSeconds} each, cycling through them; each
     * segment fades in and out over {@code fadeSeconds}. A part keeps its own time base (its phase
     * continues as if it had played all along).
     */
    public Waveform sequence(double segmentSeconds, double fadeSeconds, Waveform... parts) {
        if (parts.length == 0) {
            throw new IllegalArgumentException("a sequence needs at least one part");
        }
        long segment = frames(segmentSeconds);
        long fade = frames(fadeSeconds);
        if (segment <= 0 || 2 * fade > segment) {
            throw new IllegalArgumentException("segments of " + segmentSeconds + " s cannot hold two fades of " + fadeSeconds + " s");
        }
        Waveform[] copy = parts.clone();
        return new Waveform() {
            @Override
            public double at(long n) {
                long index = n / segment;
                return copy[(int) (index % copy.length)].at(n) * envelope(n - index * segment, segment, fade);
            }

            @Override
            public void render(long start, double[] out, int offset, int n) {
                int k = 0;
                while (k < n) {
                    long index = (start + k) / segment;
                    long segmentStart = index * segment;
                    int m = (int) Math.min(n - k, segmentStart + segment - (start + k));
                    copy[(int) (index % copy.length)].render(start + k, out, offset + k, m);
                    for (int i = k; i < k + m; i++) {
                        out[offset + i] = out[offset + i] * envelope(start + i - segmentStart, segment, fade);
                    }
                    k += m;
                }
            }
        };
    }

    /** An envelope whose block rendering is a plain loop over {@code at}, inlined by the JIT. */
    private abstract static class Envelope implements Waveform {
        @Override
        public void render(long start, double[] out, int offset, int n) {
            for (int i = 0; i < n; i++) {
                out[offset + i] = at(start + i);
            }
        }
    }

    public Signal mono(double seconds, Waveform w) {
        return Signal.of(sampleRate, frames(seconds), w);
    }

    public Signal stereo(double seconds, Waveform left, Waveform right) {
        return Signal.of(sampleRate, frames(seconds), left, right);
    }

    public Signal signal(double seconds, Waveform... channels) {
        return Signal.of(sampleRate, frames(seconds), channels);
    }

    /** 1 on [0, length) with raised-cosine ramps of {@code fade} samples at both ends, 0 outside. */
    private static double envelope(long t, long length, long fade) {
        if (t < 0 || t >= length) {
            return 0.0;
        }
        if (fade == 0) {
            return 1.0;
        }
        long edge = Math.min(t, length - 1 - t);
        if (edge >= fade) {
            return 1.0;
        }
        return 0.5 - 0.5 * sinCycles(0.25 + 0.5 * (edge + 0.5) / fade);
    }

    private void checkFrequency(double hz) {
        if (!(hz >= 0 && hz <= sampleRate / 2.0)) {
            throw new IllegalArgumentException("frequency " + hz + " Hz is outside 0.." + sampleRate / 2.0 + " Hz (Nyquist at " + sampleRate + " Hz)");
        }
    }

    /** Uniform in [-1, 1) from (seed, stream, index) by SplitMix64's finaliser. */
    static double uniform(long seed, int stream, long index) {
        long z = seed + 0x9E3779B97F4A7C15L * (index * 31 + stream + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return (z >>> 11) * 0x1.0p-52 - 1.0;
    }
}
