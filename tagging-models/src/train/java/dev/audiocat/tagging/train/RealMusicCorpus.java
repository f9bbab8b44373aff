package dev.audiocat.tagging.train;

import dev.audiocat.features.dsp.FrameDispatcher;
import dev.audiocat.features.dsp.FrameProcessor;
import dev.audiocat.tagging.Labels;
import dev.audiocat.tagging.frontend.FrontEndSpec;
import dev.audiocat.tagging.frontend.PatchSet;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Real recorded music for the contrastive term: the soundtracks of Debian game-music packages whose
 * licenses allow training (GPL-2+/GPL-3+/CC-BY-SA-3.0, credited in the model card). warzone2100-music
 * is the bench's evaluation set and is never used here. Tracks are split by index: every fifth track
 * (index % 5 == 2) is a validation track, never trained on.
 *
 * <p>Training excerpts are single patches (2.4 s) spread evenly over the whole track; two excerpts
 * of one track far apart are a positive pair (see {@link TaggerTraining.RealPairs}). The tracks carry
 * no instrument labels: their rows are masked out of the instrument term and count as "music" for the
 * content term. Validation excerpts follow the bench's layout (11 × 10 s from the first 150 s).
 */
final class RealMusicCorpus {

    /** A package's music folder (or archive), its license and credit as the card records them. */
    record Source(String pkg, String location, String license, String credit) {
    }

    static final List<Source> SOURCES = List.of(
            new Source("singularity-music", "/usr/share/games/singularity/music", "CC-BY-SA-3.0", "Max McCracken (Endgame: Singularity soundtrack)"),
            new Source("hyperrogue-music", "/usr/share/hyperrogue/music", "CC-BY-SA-3.0", "Shawn Parrotte, Lincoln Domina, Will Savino (HyperRogue soundtrack)"),
            new Source("asc-music", "/usr/share/games/asc/music", "GPL-2.0-or-later", "Michael Kievernagel (Advanced Strategic Command soundtrack)"),
            new Source("planetblupi-music-ogg", "/usr/share/planetblupi/music", "GPL-3.0-or-later", "Planet Blupi soundtrack (Epsitec SA, Mathieu Schroeter)"),
            new Source("nexuiz-music", "/usr/share/games/nexuiz/data/music.pk3", "GPL-2.0-or-later", "Alientrap, Lee Vermeulen et al. (Nexuiz soundtrack)"),
            new Source("wesnoth-1.16-music", "/usr/share/games/wesnoth/1.16/data/core/music", "GPL-2.0-or-later", "The Battle for Wesnoth project (soundtrack)"));

    static final double EXCERPT_SECONDS = 2.4;
    static final int MAX_EXCERPTS = 24;
    static final double MAX_TRACK_SECONDS = 480;
    static final double MIN_TRACK_SECONDS = 40;

    private RealMusicCorpus() {
    }

    /** All tracks of the installed sources, in a fixed order (source order, then file name). */
    static List<Path> tracks(Path work) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Source s : SOURCES) {
            Path loc = Path.of(s.location());
            if (!Files.exists(loc)) {
                throw new IllegalArgumentException(loc + " is missing: apt-get install " + s.pkg() + " (scripts/tools.sh: AUDIOCAT_TRAIN_PACKAGES)");
            }
            if (Files.isRegularFile(loc)) {
                out.addAll(unpack(loc, work.resolve("realmusic").resolve(s.pkg())));
                continue;
            }
            try (Stream<Path> st = Files.list(loc)) {
                st.filter(p -> p.toString().matches(".*\\.(ogg|mp3|opus|flac)$"))
                        .filter(p -> !p.getFileName().toString().startsWith("silence"))
                        .sorted().forEach(out::add);
            }
        }
        return out;
    }

    static boolean isValidation(int track) {
        return track % 5 == 2;
    }

    /** The .ogg files of a Quake-style .pk3 (zip) archive, extracted once into {@code dir}. */
    private static List<Path> unpack(Path pk3, Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Path> out = new ArrayList<>();
        try (ZipFile z = new ZipFile(pk3.toFile())) {
            List<? extends ZipEntry> entries = z.stream().filter(e -> e.getName().endsWith(".ogg")).sorted((a, b) -> a.getName().compareTo(b.getName())).toList();
            for (ZipEntry e : entries) {
                Path f = dir.resolve(Path.of(e.getName()).getFileName().toString());
                if (!Files.isRegularFile(f) || Files.size(f) != e.getSize()) {
                    try (InputStream in = z.getInputStream(e)) {
                        Files.copy(in, f, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
                out.add(f);
            }
        }
        return out;
    }

    /**
     * Training excerpts of the training tracks: up to {@link #MAX_EXCERPTS} single-patch excerpts
     * spread evenly over the first {@link #MAX_TRACK_SECONDS}; near-silent ones (RMS below −50 dBFS)
     * are skipped. {@code group} = track index, the clip id ends with the excerpt's start in seconds.
     */
    static List<Clip> trainingExcerpts(List<Path> tracks) throws Exception {
        List<Clip> out = new ArrayList<>();
        int len = (int) Math.round(EXCERPT_SECONDS * MidiCorpus.RATE);
        for (int t = 0; t < tracks.size(); t++) {
            if (isValidation(t)) {
                continue;
            }
            float[] pcm = decodeOrSkip(tracks.get(t), (int) (MAX_TRACK_SECONDS * MidiCorpus.RATE));
            if (pcm.length < MIN_TRACK_SECONDS * MidiCorpus.RATE) {
                continue;
            }
            int n = (int) Math.min(MAX_EXCERPTS, Math.floor(pcm.length / (6.0 * MidiCorpus.RATE)));
            for (int e = 0; e < n; e++) {
                int start = (int) ((long) (pcm.length - len) * e / (n - 1));
                float[] x = Arrays.copyOfRange(pcm, start, start + len);
                if (rmsDb(x) < -50) {
                    continue;
                }
                out.add(new Clip(String.format(Locale.ROOT, "real-%d-%.2f", t, start / (double) MidiCorpus.RATE), x,
                        new float[Labels.INSTRUMENTS.size()], Labels.CONTENT.indexOf("music"), -1, t));
            }
        }
        return out;
    }

    /** Validation excerpts of the validation tracks, the bench's layout: 11 × 10 s from the first 150 s. */
    static List<Clip> validationExcerpts(List<Path> tracks) throws Exception {
        List<Clip> out = new ArrayList<>();
        int len = 10 * MidiCorpus.RATE;
        int per = 11;
        for (int t = 0; t < tracks.size(); t++) {
            if (!isValidation(t)) {
                continue;
            }
            float[] pcm = decodeOrSkip(tracks.get(t), 150 * MidiCorpus.RATE);
            if (pcm.length < len * 2) {
                continue;
            }
            for (int e = 0; e < per; e++) {
                int start = (int) ((long) (pcm.length - len) * e / (per - 1));
                out.add(new Clip(String.format(Locale.ROOT, "realval-%d-%d", t, e), Arrays.copyOfRange(pcm, start, start + len),
                        new float[Labels.INSTRUMENTS.size()], Labels.CONTENT.indexOf("music"), -1, t));
            }
        }
        return out;
    }

    /** The decoded track, or an empty array when FFmpeg cannot read it (hyperrogue-music ships a damaged hr-savino-ocean.ogg). */
    private static float[] decodeOrSkip(Path track, int maxSamples) {
        try {
            return BenchMain.decode(track, maxSamples);
        } catch (Exception e) {
            System.out.println("real music: skipping " + track + ": " + e.getMessage());
            return new float[0];
        }
    }

    static double rmsDb(float[] x) {
        double s = 1e-20;
        for (float v : x) {
            s += v * v;
        }
        return 10 * Math.log10(s / x.length);
    }

    static double startSeconds(Clip c) {
        return Double.parseDouble(c.id().substring(c.id().lastIndexOf('-') + 1));
    }

    /**
     * "Same track" retrieval on the validation excerpts: each excerpt's non-overlapping patches, their
     * model embeddings averaged (as the card's mean_l2 aggregation does), precision@10 of excerpts of
     * the same track; the bench's MFCC statistics on the same excerpts as the baseline.
     */
    static final class Check {
        final PatchData patches = new PatchData();
        final List<Integer> rows = new ArrayList<>();
        final List<Integer> trackOf = new ArrayList<>();
        final double mfccBaseline;
        final int tracks;

        Check(List<Clip> excerpts) {
            this(excerpts, FrontEndSpec.DEFAULT);
        }

        /** As above, with the patches of {@code spec} (a card's front end: its patch size and hop). */
        Check(List<Clip> excerpts, FrontEndSpec spec) {
            List<float[]> mfcc = new ArrayList<>();
            for (int i = 0; i < excerpts.size(); i++) {
                Clip c = excerpts.get(i);
                BenchMain.Mfcc m = new BenchMain.Mfcc();
                FrameDispatcher d = new FrameDispatcher(spec.nFft(), spec.hop(), List.<FrameProcessor>of(m));
                d.start(spec.sampleRate(), 1);
                d.accept(new float[][] {c.samples()}, c.samples().length);
                d.finish();
                mfcc.add(m.stats());
                PatchSet ps = PatchData.patchesOf(c.samples(), spec, 32);
                for (int p = 0; p < ps.size(); p++) {
                    if (ps.peakDb()[p] < -80 && p > 0) {
                        continue;
                    }
                    rows.add(patches.size());
                    patches.patches.add(ps.patches()[p]);
                    patches.instruments.add(c.instruments());
                    patches.content.add(c.content());
                    patches.clipIndex.add(i);
                }
                trackOf.add(c.group());
            }
            mfccBaseline = BenchMain.precisionAtK(BenchMain.standardise(mfcc), trackOf);
            tracks = (int) trackOf.stream().distinct().count();
        }

        /** Precision@10 "same track" of the per-excerpt means of {@code patchEmbeddings} (one per row). */
        double sameTrack(float[][] patchEmbeddings) {
            int dim = patchEmbeddings[0].length;
            float[][] sum = new float[trackOf.size()][dim];
            for (int i = 0; i < rows.size(); i++) {
                float[] acc = sum[patches.clipIndex.get(i)];
                for (int d = 0; d < dim; d++) {
                    acc[d] += patchEmbeddings[i][d];
                }
            }
            return BenchMain.precisionAtK(Arrays.asList(sum), trackOf);
        }
    }
}
