package dev.audiocat.features.fingerprint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Landmark fingerprints and the matcher on real recordings (warzone2100-music, sonic-pi-samples):
 * excerpts found at the right place under time stretch, speed change and pitch shift; a track that
 * is not indexed answers "no match"; the on-disk index round-trips.
 */
class ExcerptMatcherTest {

    static final Path ALBUM = Path.of("/usr/share/games/warzone2100/music/albums/legacy_soundtrack");
    static final Path TRACK = ALBUM.resolve("track5.opus");
    static final Path OTHER = ALBUM.resolve("track12.opus");
    static final Path NOT_INDEXED = ALBUM.resolve("track13.opus");

    @TempDir
    static Path dir;
    static ReferenceIndex index;
    static String trackId;
    static Path excerpt;

    @BeforeAll
    static void buildIndex() throws Exception {
        for (Path p : List.of(TRACK, OTHER, NOT_INDEXED)) {
            assertTrue(Files.isRegularFile(p), p + " is missing: install warzone2100-music (scripts/tools.sh)");
        }
        index = ReferenceIndex.open(dir.resolve("refs"));
        trackId = "track5";
        assertTrue(index.add(trackId, TRACK.toUri().toString(), LandmarkExtractor.extract(TRACK, 0)));
        LandmarkHashes other = LandmarkExtractor.extract(OTHER, 0);
        assertTrue(index.add("track12", OTHER.toUri().toString(), other));
        assertFalse(index.add("track12", OTHER.toUri().toString(), other), "adding twice is a no-op");
        for (String loop : List.of("loop_amen_full.flac", "loop_tabla.flac", "guit_em9.flac")) {
            Path p = Path.of("/usr/share/sonic-pi/samples", loop);
            index.add(loop, p.toUri().toString(), LandmarkExtractor.extract(p, 0));
        }
        index.save();
        excerpt = dir.resolve("excerpt.wav");
        sh("ffmpeg", "-loglevel", "error", "-y", "-ss", "61.25", "-i", TRACK.toString(), "-t", "8", "-c:a", "pcm_s16le", excerpt.toString());
    }

    static void sh(String... cmd) throws Exception {
        FpcalcReference.run(List.of(cmd));
    }

    static ExcerptMatch best(Path query) throws Exception {
        ReferenceIndex loaded = ReferenceIndex.open(dir.resolve("refs"));
        List<ExcerptMatch> m = new ExcerptMatcher(loaded).match(LandmarkExtractor.extract(query, 0), 3);
        assertFalse(m.isEmpty(), "no match for " + query.getFileName());
        return m.get(0);
    }

    @Test
    void findsTheCleanExcerptAtItsOffset() throws Exception {
        ExcerptMatch m = best(excerpt);
        assertEquals(trackId, m.referenceId());
        assertEquals(TRACK.toUri().toString(), m.referenceUri());
        assertEquals(61.25, m.referenceOffsetSeconds() - m.timeScale() * m.queryOffsetSeconds(), 0.1);
        assertEquals(1.0, m.timeScale(), 0.01);
        assertEquals(0.0, m.pitchShiftSemitones(), 0.51);
    }

    @Test
    void survivesTempoSpeedAndPitchChanges() throws Exception {
        Object[][] cases = {
            {"tempo", "0.95", 0.95, 0.0},
            {"speed", "1.03", 1.03, 0.5},
            {"pitch", "100", 1.0, 1.0},
        };
        for (Object[] c : cases) {
            Path q = dir.resolve("q_" + c[0] + ".wav");
            sh("sox", excerpt.toString(), q.toString(), (String) c[0], (String) c[1]);
            ExcerptMatch m = best(q);
            assertEquals(trackId, m.referenceId(), c[0] + " " + c[1]);
            assertEquals((double) c[2], m.timeScale(), 0.015, "time scale under " + c[0] + " " + c[1]);
            assertEquals((double) c[3], m.pitchShiftSemitones(), 0.51, "pitch under " + c[0] + " " + c[1]);
            assertEquals(61.25, m.referenceOffsetSeconds() - m.timeScale() * m.queryOffsetSeconds(), 0.25, c[0] + " offset");
        }
    }

    @Test
    void answersNoMatchForATrackThatIsNotIndexed() throws Exception {
        Path q = dir.resolve("unknown.wav");
        sh("ffmpeg", "-loglevel", "error", "-y", "-ss", "40", "-i", NOT_INDEXED.toString(), "-t", "10", "-c:a", "pcm_s16le", q.toString());
        ReferenceIndex loaded = ReferenceIndex.open(dir.resolve("refs"));
        LandmarkHashes h = LandmarkExtractor.extract(q, 0);
        assertTrue(h.size() > 200, "a 10 s excerpt of music gives hundreds of hashes, got " + h.size());
        assertEquals(List.of(), new ExcerptMatcher(loaded).match(h, 3));
    }

    /**
     * The held-out false positive of the bench's seed 7: a band-passed 10 s excerpt of legacy track16
     * (from 31.786 s) votes for track12, a track of the same style, at a count above the threshold
     * for 10 s; the peak verification rejects it (its peaks agree with track12's no more than at a
     * wrong alignment), while the true band-passed excerpt of track5 passes it.
     */
    @Test
    void peakVerificationRejectsAStyleAlikeChanceVote() throws Exception {
        Path cut = dir.resolve("track16_cut.wav");
        sh("ffmpeg", "-loglevel", "error", "-y", "-ss", "31.786", "-i", ALBUM.resolve("track16.opus").toString(), "-t", "10",
                "-c:a", "pcm_s16le", cut.toString());
        Path q = dir.resolve("track16_bandpass.wav");
        sh("sox", cut.toString(), q.toString(), "sinc", "300-3400");
        ReferenceIndex loaded = ReferenceIndex.open(dir.resolve("refs"));
        LandmarkHashes h = LandmarkExtractor.extract(q, 0);
        List<ExcerptMatch> votedOnly = new ExcerptMatcher(loaded, ExcerptMatcher.DEFAULT_MIN_SCORE, 0.0).match(h, 3);
        assertTrue(votedOnly.stream().anyMatch(m -> m.referenceId().equals("track12")),
                "without verification the vote passes its threshold: " + votedOnly);
        assertEquals(List.of(), new ExcerptMatcher(loaded).match(h, 3));

        Path truePart = dir.resolve("q_bandpass.wav");
        sh("sox", excerpt.toString(), truePart.toString(), "sinc", "300-3400");
        ExcerptMatch m = best(truePart);
        assertEquals(trackId, m.referenceId());
        assertTrue(m.verification() >= ExcerptMatcher.DEFAULT_MIN_VERIFICATION, "verification " + m.verification());
    }

    /**
     * 8 s of the indexed track (from 61.25 s) spliced at 40 s into 80 s of a track that is not
     * indexed: the whole 88 s query's threshold is not reached, the window that holds the passage
     * finds it, at its place in the query and in the reference.
     */
    @Test
    void windowsFindAPassageInsideALongQuery() throws Exception {
        Path q = dir.resolve("long_query.wav");
        String fmt = "asetpts=PTS-STARTPTS,aformat=sample_fmts=s16:sample_rates=48000:channel_layouts=stereo";
        sh("ffmpeg", "-loglevel", "error", "-y", "-i", NOT_INDEXED.toString(), "-i", excerpt.toString(), "-i", NOT_INDEXED.toString(),
                "-filter_complex", "[0:a]atrim=0:40," + fmt + "[a];[1:a]" + fmt + "[b];[2:a]atrim=100:140," + fmt + "[c];[a][b][c]concat=n=3:v=0:a=1",
                "-c:a", "pcm_s16le", q.toString());
        ReferenceIndex loaded = ReferenceIndex.open(dir.resolve("refs"));
        LandmarkHashes h = LandmarkExtractor.extract(q, 0);
        ExcerptMatcher matcher = new ExcerptMatcher(loaded);
        assertEquals(List.of(), matcher.match(h, 3), "one whole-query vote stays below the 88 s threshold");
        List<List<ExcerptMatch>> perWindow = matcher.matchWindows(h, 3);
        assertEquals(ExcerptMatcher.windows(h.frames(), h.frameSeconds()).length, perWindow.size());
        List<ExcerptMatch> found = perWindow.stream().flatMap(List::stream).toList();
        assertFalse(found.isEmpty(), "no window found the passage");
        for (ExcerptMatch m : found) {
            assertEquals(trackId, m.referenceId());
            assertTrue(m.queryOffsetSeconds() >= 39.5 && m.queryOffsetSeconds() < 48, "passage at 40-48 s, matched from " + m.queryOffsetSeconds());
            assertEquals(61.25 - 40, m.referenceOffsetSeconds() - m.timeScale() * m.queryOffsetSeconds(), 0.15);
        }
    }

    @Test
    void analysisPassAgreesWithStandaloneExtraction() throws Exception {
        // ingest takes the landmarks from the analysis pass (22050 Hz, 2048 / 512), references add and
        // identify from the landmark-only path (11025 Hz, 1024 / 256): same bins and frame times
        Path track = Path.of("/usr/share/sonic-pi/samples", "loop_amen_full.flac");
        for (Path p : List.of(excerpt, track)) {
            LandmarkHashes pass = dev.audiocat.features.AudioAnalyzer.builder().build().analyze(p).landmarks();
            LandmarkHashes alone = LandmarkExtractor.extract(p, 0);
            assertEquals(alone.frameSeconds(), pass.frameSeconds(), 1e-12);
            assertEquals(alone.frames(), pass.frames(), 1);
            java.util.Map<Long, Integer> count = new java.util.HashMap<>();
            for (int i = 0; i < alone.size(); i++) {
                count.merge(((long) alone.hashes()[i] << 32) ^ alone.payloads()[i], 1, Integer::sum);
            }
            int common = 0;
            for (int i = 0; i < pass.size(); i++) {
                Integer c = count.get(((long) pass.hashes()[i] << 32) ^ pass.payloads()[i]);
                if (c != null && c > 0) {
                    common++;
                    count.put(((long) pass.hashes()[i] << 32) ^ pass.payloads()[i], c - 1);
                }
            }
            double share = common / (double) Math.max(pass.size(), alone.size());
            System.out.printf("%s: %d / %d hashes, %d identical (%.3f)%n", p.getFileName(), pass.size(), alone.size(), common, share);
            assertTrue(share >= 0.9, p.getFileName() + ": only " + share + " of the hashes agree");
        }
        // the analysis pass's hashes of the excerpt find it in an index built by the landmark-only path
        List<ExcerptMatch> m = new ExcerptMatcher(ReferenceIndex.open(dir.resolve("refs")))
                .match(dev.audiocat.features.AudioAnalyzer.builder().build().analyze(excerpt).landmarks(), 1);
        assertEquals(trackId, m.get(0).referenceId());
        assertEquals(61.25, m.get(0).referenceOffsetSeconds() - m.get(0).timeScale() * m.get(0).queryOffsetSeconds(), 0.1);
    }

    @Test
    void indexRoundTripsThroughDisk() throws Exception {
        ReferenceIndex loaded = ReferenceIndex.open(dir.resolve("refs"));
        assertEquals(index.size(), loaded.size());
        assertEquals(5, loaded.references().size());
        assertEquals(index.references(), loaded.references());
        LandmarkHashes h = LandmarkExtractor.extract(excerpt, 0);
        assertEquals(h, LandmarkHashes.fromBytes(h.toBytes()));
    }

    @Test
    void anIndexOfTheOldFormatAsksToBeRebuilt() throws Exception {
        Path old = dir.resolve("old-index");
        Files.createDirectories(old);
        // the header of a version-1 index ("ACLMK1", version 1, no references, no hashes)
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(20).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putLong(0x41434C4D4B310001L).putInt(0).putLong(0);
        Files.write(old.resolve(ReferenceIndex.FILE_NAME), b.array());
        java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () -> ReferenceIndex.open(old));
        assertTrue(e.getMessage().contains("format version 1") && e.getMessage().contains("references add"), e.getMessage());
    }

    @Test
    void queryVariantsChangeOnlyTheFieldsTheHintsMark() {
        // hints: span level below (1), ratio level above (2 << 4): four lookups
        int hash = (int) LandmarkExtractor.hash(200, 230, 190, 10, 15, 30);
        int[] out = new int[LandmarkExtractor.MAX_VARIANTS];
        int n = LandmarkExtractor.queryVariants(hash, 1 | (2 << 4), out);
        assertEquals(4, n);
        assertEquals(hash, out[0]);
        int span = (hash >>> LandmarkExtractor.SPAN_SHIFT) & 15;
        int ratio = (hash >>> LandmarkExtractor.RATIO_SHIFT) & 15;
        assertEquals(span - 1, (out[1] >>> LandmarkExtractor.SPAN_SHIFT) & 15);
        assertEquals(ratio + 1, (out[2] >>> LandmarkExtractor.RATIO_SHIFT) & 15);
        assertEquals(ratio + 1, (out[3] >>> LandmarkExtractor.RATIO_SHIFT) & 15);
        assertEquals(span - 1, (out[3] >>> LandmarkExtractor.SPAN_SHIFT) & 15);
        assertEquals(1, LandmarkExtractor.queryVariants(hash, 0, out));
    }

    @Test
    void groupsReencodedCopiesButNotDifferentTracks() throws Exception {
        // the first 90 s of the track as FLAC, 60 s as MP3, 75 s resampled to 22.05 kHz: one recording
        Path flac = dir.resolve("track5.flac");
        sh("ffmpeg", "-loglevel", "error", "-y", "-i", TRACK.toString(), "-t", "90", flac.toString());
        Path mp3 = dir.resolve("track5.mp3");
        sh("ffmpeg", "-loglevel", "error", "-y", "-i", flac.toString(), "-t", "60", "-b:a", "96k", mp3.toString());
        Path wav = dir.resolve("track5_22k.wav");
        sh("ffmpeg", "-loglevel", "error", "-y", "-i", flac.toString(), "-t", "75", "-ar", "22050", wav.toString());
        Path other = dir.resolve("track12.flac");
        sh("ffmpeg", "-loglevel", "error", "-y", "-i", OTHER.toString(), "-t", "90", other.toString());
        Map<String, String> fps = Map.of(
                "a-opus", ChromaprintSink.fingerprintFile(flac, 120).fingerprint(),
                "b-mp3", ChromaprintSink.fingerprintFile(mp3, 120).fingerprint(),
                "c-wav", ChromaprintSink.fingerprintFile(wav, 120).fingerprint(),
                "d-other", ChromaprintSink.fingerprintFile(other, 120).fingerprint(),
                "e-loop", ChromaprintSink.fingerprintFile(Path.of("/usr/share/sonic-pi/samples/loop_tabla.flac"), 120).fingerprint());
        Map<String, String> groups = new DuplicateGrouper().groupCompressed(fps);
        assertEquals(Map.of("a-opus", "a-opus", "b-mp3", "a-opus", "c-wav", "a-opus"), groups);
    }

    /**
     * The offset bound that lets the vote skip references is an upper bound: on random pair sets with
     * a planted alignment at a random scale in the supported range (and chance pairs around it), the
     * full vote never counts more pairs than the bound.
     */
    /** Planted alignments at random scales among chance pairs: {query payloads, reference payloads}. */
    static long[][] plantedPairs(java.util.Random rnd, int refRange) {
        double scale = ExcerptMatcher.MIN_SCALE + rnd.nextDouble() * (ExcerptMatcher.MAX_SCALE - ExcerptMatcher.MIN_SCALE);
        int offset = 200 + rnd.nextInt(5000);
        int planted = rnd.nextInt(40);
        int chance = 10 + rnd.nextInt(400);
        int n = planted + chance;
        long[] q = new long[n];
        long[] r = new long[n];
        for (int i = 0; i < n; i++) {
            int tQuery = rnd.nextInt(430);
            int span = 2 + rnd.nextInt(40);
            int tRef = i < planted ? (int) Math.round(offset + scale * tQuery) : offset + rnd.nextInt(refRange);
            int spanRef = i < planted ? (int) Math.round(span * scale) : 2 + rnd.nextInt(40);
            q[i] = LandmarkHashes.payload(tQuery, 100 + rnd.nextInt(3), span);
            r[i] = LandmarkHashes.payload(tRef, 100 + rnd.nextInt(3), Math.max(1, spanRef));
        }
        return new long[][] {q, r};
    }

    @Test
    void offsetBoundNeverUndercountsAVote() {
        java.util.Random rnd = new java.util.Random(20261122);
        int checked = 0;
        for (int trial = 0; trial < 400; trial++) {
            long[][] pairs = plantedPairs(rnd, 8000);
            long[] q = pairs[0];
            long[] r = pairs[1];
            int n = q.length;
            long[] byOffset = new long[n];
            int qFirst = Integer.MAX_VALUE;
            int qLast = Integer.MIN_VALUE;
            for (int i = 0; i < n; i++) {
                int tq = LandmarkHashes.time(q[i]);
                byOffset[i] = ((long) (LandmarkHashes.time(r[i]) - tq + (1 << 24)) << 32) | i;
                qFirst = Math.min(qFirst, tq);
                qLast = Math.max(qLast, tq);
            }
            java.util.Arrays.sort(byOffset);
            var vote = ExcerptMatcher.vote(q, r, n, 0.0232, 2);
            if (vote.isPresent()) {
                checked++;
                int bound = ExcerptMatcher.offsetBound(byOffset, n, qLast - qFirst);
                assertTrue(vote.get().score() <= bound, "trial " + trial + ": vote " + vote.get().score() + " > bound " + bound);
            }
        }
        assertTrue(checked > 300, "votes checked: " + checked);
    }

    /**
     * The vote's exact prunings (pairs per scale, offset bound, skipped scales, insertion-sorted
     * offsets with its fallback for crowded pairs) never lose a real match: asked for exactly its
     * score, a vote comes back identical (every field); asked for one more, it is empty. Half the
     * trials crowd the chance pairs into 60 reference frames, where the offsets are far from sorted.
     */
    @Test
    void prunedVoteKeepsEveryVoteThatReachesTheFloor() {
        java.util.Random rnd = new java.util.Random(424242);
        int checked = 0;
        int strong = 0;
        for (int trial = 0; trial < 600; trial++) {
            long[][] pairs = plantedPairs(rnd, trial % 2 == 0 ? 8000 : 60);
            long[] q = pairs[0];
            long[] r = pairs[1];
            var all = ExcerptMatcher.vote(q, r, q.length, 0.0232, 2);
            if (all.isEmpty()) {
                continue;
            }
            int score = all.get().score();
            assertEquals(all, ExcerptMatcher.vote(q, r, q.length, 0.0232, score), "trial " + trial);
            assertTrue(ExcerptMatcher.vote(q, r, q.length, 0.0232, score + 1).isEmpty(), "trial " + trial);
            checked++;
            strong += score >= 15 ? 1 : 0;
        }
        assertTrue(checked > 500, "votes checked: " + checked);
        assertTrue(strong > 100, "votes of at least 15: " + strong);
    }

    /**
     * Anchor peaks built one reference at a time (the first few) and then all at once give, for every
     * reference, the arrays of the all-at-once build (which the Beam readers use).
     */
    @Test
    void anchorsBuiltOneByOneEqualTheAllAtOnceBuild() {
        java.util.Random rnd = new java.util.Random(7);
        ReferenceIndex idx = ReferenceIndex.inMemory();
        int refs = 13;
        for (int r = 0; r < refs; r++) {
            int n = 50 + rnd.nextInt(400);
            int[] hashes = new int[n];
            long[] payloads = new long[n];
            for (int i = 0; i < n; i++) {
                hashes[i] = rnd.nextInt(1 << 12);
                payloads[i] = LandmarkHashes.payload(rnd.nextInt(3000), rnd.nextInt(1 << LandmarkHashes.BAND_BITS), 1 + rnd.nextInt(100));
            }
            idx.add("ref" + r, "uri" + r, new LandmarkHashes(hashes, new short[n], payloads, 0.0232, 3000));
        }
        long[][] all = idx.anchors(0, 1);
        int nonEmpty = 0;
        for (int r = refs - 1; r >= 0; r--) {
            assertTrue(java.util.Arrays.equals(all[r], idx.anchors(r)), "reference " + r);
            nonEmpty += all[r].length > 40 ? 1 : 0;
        }
        assertEquals(refs, nonEmpty);
    }

    /** The lookup's precomputed span range accepts exactly the pairs {@code plausible} accepts. */
    @Test
    void plausibleSpansAgreeWithPlausible() {
        int accepted = 0;
        int rejected = 0;
        for (int sq = 0; sq < (1 << LandmarkHashes.SPAN_BITS); sq++) {
            long range = ExcerptMatcher.plausibleSpans(sq);
            int min = (int) (range >> 32);
            int max = (int) range;
            for (int sr = 0; sr < (1 << LandmarkHashes.SPAN_BITS); sr++) {
                boolean expected = ExcerptMatcher.plausible(LandmarkHashes.payload(100, 500, sq), LandmarkHashes.payload(900, 500, sr));
                assertEquals(expected, sr >= min && sr <= max, sq + "/" + sr);
                accepted += expected ? 1 : 0;
                rejected += expected ? 0 : 1;
            }
        }
        assertTrue(accepted > 1000 && rejected > 1000, accepted + " accepted, " + rejected + " rejected");
    }

    /** The scale steps a pair's spans agree with, as an interval, are exactly those of the predicate. */
    @Test
    void agreeingStepsAreExactlyTheStepsWhereTheSpansAgree() {
        int agreeing = 0;
        int empty = 0;
        for (int sq = 0; sq < (1 << LandmarkHashes.SPAN_BITS); sq++) {
            for (int sr = 0; sr < (1 << LandmarkHashes.SPAN_BITS); sr++) {
                long a = ExcerptMatcher.agreeingSteps(sq, sr);
                int from = (int) (a >>> 32);
                int to = (int) a;
                assertTrue(from <= to && to <= ExcerptMatcher.SCALE_STEPS, sq + "/" + sr + ": " + from + ".." + to);
                for (int step = 0; step < ExcerptMatcher.SCALE_STEPS; step++) {
                    boolean agrees = ExcerptMatcher.spanAgrees(sq, sr, ExcerptMatcher.MIN_SCALE + step * ExcerptMatcher.SCALE_STEP);
                    assertEquals(agrees, step >= from && step < to, sq + "/" + sr + " at step " + step);
                    agreeing += agrees ? 1 : 0;
                }
                empty += from == to ? 1 : 0;
            }
        }
        assertTrue(agreeing > 10000 && empty > 10000, agreeing + " agreeing (pair, step), " + empty + " pairs with none");
    }
}
