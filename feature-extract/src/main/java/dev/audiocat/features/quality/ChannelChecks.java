package dev.audiocat.features.quality;

import dev.audiocat.features.decode.PcmSink;
import java.util.ArrayList;
import java.util.List;

/**
 * Sample-level QC on the native channels, in one pass and O(channels) memory: clipping runs,
 * digital silence, dropouts, long near-silence, DC offset, mono content in a stereo file and
 * inverted-phase channels. Thresholds are documented in docs/analysis.md.
 */
final class ChannelChecks implements PcmSink {

    /** A sample at or beyond this magnitude is at full scale (int16 32767 is 0.99997). */
    static final double FULL_SCALE = 0.9999;
    /** Equal consecutive samples at or above this magnitude are a flat top (clipping after gain). */
    static final double PLATEAU_LEVEL = 0.5;
    /** Samples this close to zero on every channel count as digital silence (about 1 LSB at 16 bit). */
    static final double ZERO = 1.5 / 32768;
    static final double MIN_DIGITAL_SILENCE_S = 1.0;
    static final double MIN_DROPOUT_S = 0.002;
    /** RMS of the 10 ms before a gap must exceed this for the gap to be a sudden dropout. */
    static final double DROPOUT_PRE_LEVEL = Math.pow(10, -45 / 20.0);
    static final double NEAR_SILENCE_LEVEL = Math.pow(10, -60 / 20.0);
    static final double MIN_NEAR_SILENCE_S = 3.0;
    /**
     * Clipped runs closer than this are one clipped passage. Gain-clipped music clips on its loud
     * beats; the weaker beats between them may stay under full scale, so one overloaded passage is a
     * train of runs up to a bar apart. 2 s is a 4/4 bar at 120 BPM (two beats at 60 BPM): an
     * archivist repairs or re-transfers a passage, and one flag per passage is what they act on.
     */
    static final double CLIP_MERGE_S = 2.0;
    static final double DC_LEVEL = 0.005;
    static final double MONO_RESIDUAL = 1e-6;   // -60 dB
    static final double NEGATIVE_CORRELATION = -0.5;

    private int channels;
    private int rate;
    private long pos;

    // clipping
    private float[] prev;
    private int[] plateau;
    private int[] fullRun;
    private long clipRegionStart = -1;
    private long clipRegionEnd;
    private long clipRuns;
    private long clipSamples;
    private long regionClipSamples;
    private long regionRuns;

    // per block scratch, grown to the largest block: loudest channel's square and clipping marks per sample
    private double[] maxSq = new double[0];
    private int[] clipCount = new int[0];
    private boolean[] clipNew = new boolean[0];

    // zero runs
    private long zeroStart = -1;
    private double preLevelAtZeroStart;
    private int preLen;         // samples in 10 ms
    private double[] history;   // loudest channel's square of the last samples, power-of-two ring >= 2 preLen
    private long lastLevelPos = -1;
    private double lastLevel;
    private int clipFrom;       // span of the current block holding clipping marks
    private int clipTo;

    // near-silence blocks of 100 ms
    private int blockLen;
    private int inBlock;
    private double blockEnergy; // max over channels is approximated by the channel sum / channels
    private boolean blockNonZero;
    private long quietStartBlock = -1;
    private long quietNonZeroBlocks;
    private long blockIndex;

    // DC and channel relations
    private double[] sum;
    private double sLL;
    private double sRR;
    private double sLR;

    private final FlagList clipping = new FlagList(QcFlag.CLIPPING);
    private final FlagList silence = new FlagList(QcFlag.DIGITAL_SILENCE);
    private final FlagList nearSilence = new FlagList(QcFlag.NEAR_SILENCE);
    private final FlagList dropouts = new FlagList(QcFlag.DROPOUT);
    private final List<QcFlag> wholeFile = new ArrayList<>();
    private final List<double[]> digitalSilenceSpans = new ArrayList<>(); // capped with the flags

    @Override
    public void start(int sampleRate, int channelCount) {
        rate = sampleRate;
        channels = channelCount;
        prev = new float[channelCount];
        plateau = new int[channelCount];
        fullRun = new int[channelCount];
        sum = new double[channelCount];
        preLen = Math.max(1, sampleRate / 100);
        history = new double[Integer.highestOneBit(2 * preLen) * 2];
        blockLen = Math.max(1, sampleRate / 10);
    }

    @Override
    public void accept(float[][] data, int frames) {
        if (maxSq.length < frames) {
            maxSq = new double[frames];
            clipCount = new int[frames];
            clipNew = new boolean[frames];
        }
        // Pass 1, channel by channel with state in locals: sums, the loudest channel per sample, and
        // clipping marks (which need |x| >= PLATEAU_LEVEL, so the mark arrays are touched rarely).
        clipFrom = frames;
        clipTo = -1;
        double loudest;
        int c0;
        if (channels >= 2) {
            loudest = stereo(data[0], data[1], frames);
            c0 = 2;
        } else {
            loudest = 0;
            c0 = 0;
        }
        for (int c = c0; c < channels; c++) {
            loudest = Math.max(loudest, sumAndLoudest(c, data[c], frames, c == 0));
        }
        for (int c = 0; c < channels; c++) {
            if (loudest >= (double) PLATEAU_LEVEL * PLATEAU_LEVEL) {
                markClipping(c, data[c], frames);
            } else if (frames > 0) { // nothing near full scale in the block: runs end here
                prev[c] = data[c][frames - 1];
                fullRun[c] = 0;
                plateau[c] = 0;
            }
        }
        // Pass 2, in time order over the loudest channel: clipping runs, zero runs, 100 ms blocks.
        int i = 0;
        while (i < frames) {
            int end = Math.min(frames, i + (blockLen - inBlock));
            double e;
            if (clipTo < i && zeroStart < 0 && !Double.isNaN(e = energyUnlessZero(i, end))) {
                // the common case: sound all through the stretch
                blockEnergy += e;
                blockNonZero = true;
                inBlock += end - i;
                pos += end - i;
                i = end;
            } else {
                for (; i < end; i++, pos++) {
                    sampleBySample(i);
                }
            }
            if (inBlock == blockLen) {
                endBlock();
            }
        }
    }

    /**
     * Channels 1 and 2 in one loop: their sums, the products for the channel relations, and the
     * louder square per sample into {@link #maxSq}. Returns the block's largest square.
     */
    private double stereo(float[] l, float[] r, int n) {
        double s0 = sum[0], s1 = sum[1], ll = sLL, rr = sRR, lr = sLR;
        double top = 0;
        for (int i = 0; i < n; i++) {
            double a = l[i];
            double b = r[i];
            double aa = a * a;
            double bb = b * b;
            s0 += a;
            s1 += b;
            ll += aa;
            rr += bb;
            lr += a * b;
            double m = Math.max(aa, bb); // branch-free: which channel is louder is a coin toss
            maxSq[i] = m;
            if (m > top) { // a compare, not Math.max: its NaN handling would chain five instructions per sample
                top = m;
            }
        }
        sum[0] = s0;
        sum[1] = s1;
        sLL = ll;
        sRR = rr;
        sLR = lr;
        return top;
    }

    /** Adds channel c's samples to its sum and folds x^2 into {@link #maxSq} (overwritten when {@code first}); returns the largest square. */
    private double sumAndLoudest(int c, float[] x, int n, boolean first) {
        double s = sum[c];
        double top = 0;
        for (int k = 0; k < n; k++) {
            double sq = (double) x[k] * x[k];
            s += x[k];
            maxSq[k] = first ? sq : Math.max(maxSq[k], sq);
            top = Math.max(top, sq);
        }
        sum[c] = s;
        return top;
    }

    /**
     * Clipping on channel c: a run of two samples at full scale, or three equal samples at or above
     * PLATEAU_LEVEL. Marks, per sample, how many channels are in such a run and whether one starts.
     */
    private void markClipping(int c, float[] x, int n) {
        float p = prev[c];
        int full = fullRun[c];
        int flat = plateau[c];
        for (int i = 0; i < n; i++) {
            float v = x[i];
            float av = Math.abs(v);
            if (av < PLATEAU_LEVEL) {
                continue;
            }
            if (i > 0) {
                p = x[i - 1];
                if (Math.abs(p) < PLATEAU_LEVEL) { // runs end at a quiet sample
                    full = 0;
                    flat = 0;
                }
            }
            boolean started = false;
            if (av >= FULL_SCALE) {
                started = ++full == 2;
            } else {
                full = 0;
            }
            if (v == p) {
                started |= ++flat == 2; // third equal sample
            } else {
                flat = 0;
            }
            if (full >= 2 || flat >= 2) {
                clipCount[i]++;
                clipNew[i] |= started;
                clipFrom = Math.min(clipFrom, i);
                clipTo = Math.max(clipTo, i);
            }
        }
        if (n > 0) {
            prev[c] = x[n - 1];
            if (Math.abs(x[n - 1]) < PLATEAU_LEVEL) {
                full = 0;
                flat = 0;
            }
        }
        fullRun[c] = full;
        plateau[c] = flat;
    }

    /**
     * Sum of maxSq[from, to), also kept in the history ring (for the level before a gap); NaN when a
     * sample in the stretch is digital zero (then the stretch goes sample by sample).
     */
    private double energyUnlessZero(int from, int to) {
        double e = 0;
        double low = Double.MAX_VALUE;
        for (int i = from; i < to; i++) {
            double m = maxSq[i];
            e += m;
            if (m < low) { // a NaN leaves low alone but makes e NaN: the stretch then goes sample by sample as before
                low = m;
            }
        }
        if (low <= ZERO * ZERO) {
            return Double.NaN;
        }
        // only the newest history.length samples can still be read
        int mask = history.length - 1;
        int first = Math.max(from, to - history.length);
        for (long p = pos + (first - from); first < to; first++, p++) {
            history[(int) (p & mask)] = maxSq[first];
        }
        return e;
    }

    private void sampleBySample(int i) {
        if (i >= clipFrom && i <= clipTo && clipCount[i] > 0) {
            clipSamples += clipCount[i];
            regionClipSamples += clipCount[i];
            clipCount[i] = 0;
            if (clipNew[i]) {
                clipNew[i] = false;
                onClipRun();
            }
        }
        double m = maxSq[i];
        boolean zero = m <= ZERO * ZERO;
        if (zero) {
            if (zeroStart < 0) {
                zeroStart = pos;
                preLevelAtZeroStart = Math.sqrt(levelBefore(pos) / preLen);
            }
        } else if (zeroStart >= 0) {
            endZeroRun(pos, false);
        }
        history[(int) (pos & (history.length - 1))] = m;
        blockEnergy += m;
        blockNonZero |= !zero;
        inBlock++;
    }

    /**
     * Sum of the loudest channel's squares over the preLen samples before p (fewer at the start).
     * Slides from the previous answer when that was close, so frequent zero runs (dithered near-silence)
     * cost O(1) per sample, not O(preLen).
     */
    private double levelBefore(long p) {
        int mask = history.length - 1;
        double s;
        if (lastLevelPos >= 0 && p - lastLevelPos <= preLen) {
            s = lastLevel;
            for (long k = lastLevelPos; k < p; k++) {
                s += history[(int) (k & mask)];
                if (k - preLen >= 0) {
                    s -= history[(int) ((k - preLen) & mask)];
                }
            }
        } else {
            s = 0;
            for (long k = Math.max(0, p - preLen); k < p; k++) {
                s += history[(int) (k & mask)];
            }
        }
        lastLevelPos = p;
        lastLevel = s;
        return Math.max(0, s);
    }

    private void onClipRun() {
        clipRuns++;
        long mergeGap = (long) (CLIP_MERGE_S * rate);
        if (clipRegionStart >= 0 && pos - clipRegionEnd > mergeGap) {
            closeClipRegion();
        }
        if (clipRegionStart < 0) {
            clipRegionStart = pos - 1;
            regionRuns = 0;
        }
        regionRuns++;
        clipRegionEnd = pos;
    }

    private void closeClipRegion() {
        if (clipRegionStart < 0) {
            return;
        }
        String severity = regionRuns >= 20 ? QcFlag.ERROR : regionRuns >= 3 ? QcFlag.WARNING : QcFlag.INFO;
        clipping.add(severity, clipRegionStart / (double) rate, (clipRegionEnd + 1) / (double) rate,
                regionRuns + " clipped runs, " + regionClipSamples + " samples at full scale or flat-topped");
        clipRegionStart = -1;
        regionClipSamples = 0;
    }

    private void endZeroRun(long end, boolean trailing) {
        long len = end - zeroStart;
        double s = zeroStart / (double) rate;
        double e = end / (double) rate;
        if (len >= MIN_DIGITAL_SILENCE_S * rate) {
            String where = zeroStart == 0 ? (trailing ? "whole file" : "leading") : trailing ? "trailing" : "inside";
            String severity = zeroStart == 0 && trailing ? QcFlag.ERROR : "inside".equals(where) ? QcFlag.WARNING : QcFlag.INFO;
            silence.add(severity, s, e, String.format("%s, %.2f s of digital zero", where, e - s));
            if (digitalSilenceSpans.size() < FlagList.CAP) {
                digitalSilenceSpans.add(new double[] {s, e});
            }
        } else if (!trailing && zeroStart > 0 && len >= MIN_DROPOUT_S * rate && preLevelAtZeroStart >= DROPOUT_PRE_LEVEL) {
            dropouts.add(len >= 0.05 * rate ? QcFlag.ERROR : QcFlag.WARNING, s, e,
                    String.format("%.1f ms gap after audio at %.0f dBFS", 1000 * (e - s), 20 * Math.log10(preLevelAtZeroStart)));
        }
        zeroStart = -1;
    }

    private void endBlock() {
        double rms = Math.sqrt(blockEnergy / inBlock);
        if (rms < NEAR_SILENCE_LEVEL) {
            if (quietStartBlock < 0) {
                quietStartBlock = blockIndex;
                quietNonZeroBlocks = 0;
            }
            if (blockNonZero) {
                quietNonZeroBlocks++;
            }
        } else if (quietStartBlock >= 0) {
            endQuiet(blockIndex, false);
        }
        blockIndex++;
        inBlock = 0;
        blockEnergy = 0;
        blockNonZero = false;
    }

    private void endQuiet(long endBlock, boolean trailing) {
        long blocks = endBlock - quietStartBlock;
        // Runs that are mostly digital zero are already reported as digital_silence.
        if (blocks * blockLen >= MIN_NEAR_SILENCE_S * rate && quietNonZeroBlocks * 2 >= blocks) {
            double s = quietStartBlock * blockLen / (double) rate;
            double e = trailing ? pos / (double) rate : endBlock * blockLen / (double) rate;
            String where = quietStartBlock == 0 ? (trailing ? "whole file" : "leading") : trailing ? "trailing" : "inside";
            nearSilence.add("inside".equals(where) ? QcFlag.WARNING : QcFlag.INFO, s, e,
                    String.format("%s, %.1f s below -60 dBFS", where, e - s));
        }
        quietStartBlock = -1;
    }

    @Override
    public void finish() {
        closeClipRegion();
        if (zeroStart >= 0) {
            endZeroRun(pos, true);
        }
        if (inBlock > 0) {
            endBlock();
        }
        if (quietStartBlock >= 0) {
            endQuiet(blockIndex, true);
        }
        double duration = pos / (double) rate;
        if (pos == 0) {
            return;
        }
        StringBuilder dc = new StringBuilder();
        double worst = 0;
        for (int c = 0; c < channels; c++) {
            double mean = sum[c] / pos;
            if (Math.abs(mean) >= DC_LEVEL) {
                dc.append(dc.length() == 0 ? "" : "; ").append(String.format("channel %d mean %+.4f (%.1f dBFS)", c + 1, mean,
                        20 * Math.log10(Math.abs(mean))));
                worst = Math.max(worst, Math.abs(mean));
            }
        }
        if (worst > 0) { // one flag per file, listing the channels
            wholeFile.add(new QcFlag(QcFlag.DC_OFFSET, worst >= 0.02 ? QcFlag.WARNING : QcFlag.INFO, 0, duration, dc.toString()));
        }
        double energy = sLL + sRR;
        if (channels >= 2 && energy > 0 && sLL > 0 && sRR > 0) {
            double corr = sLR / Math.sqrt(sLL * sRR);
            // |L - R|^2 and |L + R|^2 from the three sums: exact zeros for L = R and R = -L, since
            // then the sums are built from identical terms
            double sDiff = Math.max(0, sLL + sRR - 2 * sLR);
            double sSum = Math.max(0, sLL + sRR + 2 * sLR);
            if (sDiff <= MONO_RESIDUAL * energy) {
                wholeFile.add(new QcFlag(QcFlag.MONO_AS_STEREO, QcFlag.INFO, 0, duration,
                        String.format("channels 1 and 2 identical (difference %.0f dB)", 10 * Math.log10(Math.max(1e-30, sDiff / energy)))));
            } else if (sSum <= MONO_RESIDUAL * energy) {
                wholeFile.add(new QcFlag(QcFlag.PHASE_INVERTED, QcFlag.ERROR, 0, duration,
                        "channel 2 is channel 1 inverted; a mono downmix cancels"));
            } else if (corr <= NEGATIVE_CORRELATION) {
                // Not necessarily a wiring fault: vinyl surface noise is vertical groove motion, out of phase
                // between the channels (Sonic Pi's vinyl_hiss correlates at -0.73), so say both and what it costs.
                double downmixDb = 10 * Math.log10(Math.max(1e-30, sSum / (2 * energy)));
                wholeFile.add(new QcFlag(QcFlag.PHASE_INVERTED, QcFlag.WARNING, 0, duration,
                        String.format("channels 1 and 2 correlate at %.2f, so a mono downmix loses %.1f dB: one channel may be"
                                + " inverted, or the sound is mostly out of phase (as vinyl surface noise is)", corr, -downmixDb)));
            }
        }
    }

    /** Seconds of native audio seen (where the decoded audio ends), NaN before {@link #start}. */
    double seconds() {
        return rate > 0 ? pos / (double) rate : Double.NaN;
    }

    /** All flags found, in type order; valid after {@link #finish()}. */
    List<QcFlag> flags() {
        List<QcFlag> out = new ArrayList<>();
        out.addAll(clipping.flags());
        out.addAll(silence.flags());
        out.addAll(nearSilence.flags());
        out.addAll(dropouts.flags());
        out.addAll(wholeFile);
        return out;
    }

    long clippedSamples() {
        return clipSamples;
    }
}
