package dev.audiocat.features.loudness;

/**
 * EBU R128 measurements of one file.
 *
 * @param integratedLufs  gated integrated loudness (ITU-R BS.1770-4), {@code Double.NEGATIVE_INFINITY}
 *                        when every block is below the -70 LUFS absolute gate (silence)
 * @param loudnessRangeLu loudness range (EBU Tech 3342); 0 when fewer than two short-term values pass the gates
 * @param truePeakDbtp    maximum true peak over all channels in dBTP (4x oversampled below 96 kHz)
 * @param samplePeakDbfs  maximum absolute sample value in dBFS
 * @param maxMomentaryLufs   loudest 400 ms block
 * @param maxShortTermLufs   loudest 3 s window
 */
public record LoudnessResult(
        double integratedLufs,
        double loudnessRangeLu,
        double truePeakDbtp,
        double samplePeakDbfs,
        double maxMomentaryLufs,
        double maxShortTermLufs) {
}
