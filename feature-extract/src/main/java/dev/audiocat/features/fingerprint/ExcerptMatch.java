package dev.audiocat.features.fingerprint;

/**
 * One reference found in a query.
 *
 * @param referenceId            the reference's id (SHA-256 of its file)
 * @param referenceUri           where the reference came from
 * @param queryOffsetSeconds     where in the query the matched part starts
 * @param referenceOffsetSeconds where in the reference that point is
 * @param timeScale              reference duration per query duration: 1.03 for a query sped up by 3 %,
 *                               0.95 for a query slowed to 95 % tempo
 * @param pitchShiftSemitones    pitch of the query relative to the reference, in semitones (1/16-semitone steps)
 * @param score                  number of triplets that agree on offset, scale and pitch
 * @param verification           chance-corrected fraction of the query's peaks that find a reference peak at
 *                               this alignment ({@link ExcerptMatcher#verification}; NaN when not verified)
 */
public record ExcerptMatch(
        String referenceId,
        String referenceUri,
        double queryOffsetSeconds,
        double referenceOffsetSeconds,
        double timeScale,
        double pitchShiftSemitones,
        int score,
        double verification) {
}
