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
    static final double CLIP_MERGE_S = 0.5;
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

    // zero runs
    private long zeroStart = -1;
    private double preLevelAtZeroStart;
    private double[] preRing; // per-sample max-channel square of the last 10 ms
    private int preIdx;
    private double preSum;

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
    private double sDiff;
    private double sSum;

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
        preRing = new double[Math.max(1, sampleRate / 100)];
        blockLen = Math.max(1, sampleRate / 10);
    }

    @Override
    public void accept(float[][] data, int frames) {
        for (int i = 0; i < frames; i++, pos++) {
            double maxSq = 0;
            boolean clippedHere = false;
            for (int c = 0; c < channels; c++) {
                float x = data[c][i];
                sum[c] += x;
                double sq = (double) x * x;
                if (sq > maxSq) {
                    maxSq = sq;
                }
                float ax = Math.abs(x);
                if (ax >= FULL_SCALE) {
                    if (++fullRun[c] == 2) {
                        clippedHere = true;
                    }
                } else {
                    fullRun[c] = 0;
                }
                if (ax >= PLATEAU_LEVEL && x == prev[c]) {
                    if (++plateau[c] == 2) { // third equal sample
                        clippedHere = true;
                    }
                } else {
                    plateau[c] = 0;
                }
                if (fullRun[c] >= 2 || plateau[c] >= 2) {
                    clipSamples++;
                    regionClipSamples++;
                }
                prev[c] = x;
            }
            if (clippedHere) {
                onClipRun();
            }
            if (channels >= 2) {
                double l = data[0][i];
                double r = data[1][i];
                sLL += l * l;
                sRR += r * r;
                sLR += l * r;
                sDiff += (l - r) * (l - r);
                sSum += (l + r) * (l + r);
            }
            boolean zero = maxSq <= ZERO * ZERO;
            if (zero) {
                if (zeroStart < 0) {
                    zeroStart = pos;
                    preLevelAtZeroStart = Math.sqrt(preSum / preRing.length);
                }
            } else if (zeroStart >= 0) {
                endZeroRun(pos, false);
            }
            preSum += maxSq - preRing[preIdx];
            preRing[preIdx] = maxSq;
            if (++preIdx == preRing.length) { // no modulo per sample
                preIdx = 0;
            }

            blockEnergy += maxSq;
            blockNonZero |= !zero;
            if (++inBlock == blockLen) {
                endBlock();
            }
        }
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
            if (sDiff <= MONO_RESIDUAL * energy) {
                wholeFile.add(new QcFlag(QcFlag.MONO_AS_STEREO, QcFlag.INFO, 0, duration,
                        String.format("channels 1 and 2 identical (difference %.0f dB)", 10 * Math.log10(Math.max(1e-30, sDiff / energy)))));
            } else if (sSum <= MONO_RESIDUAL * energy) {
                wholeFile.add(new QcFlag(QcFlag.PHASE_INVERTED, QcFlag.ERROR, 0, duration,
                        "channel 2 is channel 1 inverted; a mono downmix cancels"));
            } else if (corr <= NEGATIVE_CORRELATION) {
                wholeFile.add(new QcFlag(QcFlag.PHASE_INVERTED, QcFlag.WARNING, 0, duration,
                        String.format("channels 1 and 2 correlate at %.2f; one is probably inverted", corr)));
            }
        }
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
