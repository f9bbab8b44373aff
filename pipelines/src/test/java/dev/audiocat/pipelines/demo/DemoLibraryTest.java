package dev.audiocat.pipelines.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.audiocat.features.decode.AudioDecoder;
import dev.audiocat.features.decode.AudioProbe;
import dev.audiocat.features.decode.DecodeException;
import dev.audiocat.features.loudness.LoudnessMeter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Generates the demo library once and checks it against its manifest with the project's own decoder and with ffmpeg. */
class DemoLibraryTest {

    @TempDir
    static Path dir;

    private static DemoManifest manifest;
    private static double generationSeconds;

    @BeforeAll
    static void generate() throws IOException {
        long t0 = System.nanoTime();
        manifest = DemoLibrary.generate(dir, DemoLibrary.DEFAULT_SEED);
        generationSeconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("demo library: %d files, %.1f min of audio, generated in %.1f s%n", manifest.files().size(),
                manifest.totalAudioSeconds() / 60, generationSeconds);
    }

    @Test
    void libraryHasTheRequiredSpread() {
        List<DemoManifest.Entry> good = manifest.good();
        assertTrue(good.size() >= 24, good.size() + " good files");
        assertTrue(manifest.broken().size() >= 3);
        Set<String> formats = good.stream().map(DemoManifest.Entry::format).collect(Collectors.toCollection(TreeSet::new));
        assertTrue(formats.containsAll(Set.of("WAV_16", "WAV_24", "FLAC_16", "FLAC_24", "MP3", "OGG_VORBIS", "M4A_AAC", "AIFF_16")),
                formats.toString());
        assertEquals(Set.of(1, 2), good.stream().map(DemoManifest.Entry::channels).collect(Collectors.toSet()));
        assertEquals(8000, good.stream().mapToInt(DemoManifest.Entry::sampleRate).min().orElseThrow());
        assertEquals(96000, good.stream().mapToInt(DemoManifest.Entry::sampleRate).max().orElseThrow());
        assertTrue(good.stream().map(DemoManifest.Entry::sampleRate).distinct().count() >= 6);
        assertEquals(1.0, good.stream().mapToDouble(DemoManifest.Entry::durationSeconds).min().orElseThrow(), 1e-9);
        assertEquals(300.0, good.stream().mapToDouble(DemoManifest.Entry::durationSeconds).max().orElseThrow(), 1e-9);
        double minutes = manifest.totalAudioSeconds() / 60;
        assertTrue(minutes >= 15 && minutes <= 25, minutes + " minutes");
        assertTrue(good.stream().anyMatch(e -> e.path().split("/").length >= 4), "a file two folders down");
        assertTrue(good.stream().filter(e -> e.tags().containsKey("isrc") || e.tags().containsKey("tsrc")).count() >= 5);
        assertTrue(good.stream().filter(e -> e.tags().containsKey("coding_history")).count() >= 1, "a BWF file");
        assertTrue(good.stream().filter(e -> e.integratedLufs() != null).count() >= 5, "designed loudness");
        Set<String> reasons = manifest.broken().stream().map(DemoManifest.Entry::deadLetterReason).collect(Collectors.toSet());
        assertEquals(Set.of("empty_file", "unrecognised_format", "no_audio_stream", "no_audio_samples"), reasons);
        assertTrue(manifest.find("broken/truncated.mp3").isPresent());
        assertTrue(manifest.find("broken/empty.wav").isPresent());
        assertTrue(manifest.find("broken/random-bytes.flac").isPresent());
        assertTrue(generationSeconds < 120, "generation took " + generationSeconds + " s");
    }

    @Test
    void manifestIsWrittenBesideTheFilesAndReadsBack() throws IOException {
        Path file = dir.resolve(DemoLibrary.MANIFEST_FILE);
        assertTrue(Files.isRegularFile(file));
        DemoManifest read = DemoManifest.read(file);
        assertEquals(manifest, read);
        assertEquals(DemoManifest.VERSION, read.version());
        assertEquals(DemoLibrary.DEFAULT_SEED, read.seed());
        // every file on disk is in the manifest and nothing else is there (no temporary files left)
        Set<String> onDisk;
        try (Stream<Path> s = Files.walk(dir)) {
            onDisk = s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString().replace('\\', '/'))
                    .filter(p -> !p.equals(DemoLibrary.MANIFEST_FILE)).collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(manifest.files().stream().map(DemoManifest.Entry::path).collect(Collectors.toCollection(TreeSet::new)), onDisk);
        for (DemoManifest.Entry e : manifest.files()) {
            assertEquals(Files.size(e.resolve(dir)), e.sizeBytes(), e.path());
            assertEquals(DemoLibrary.sha256(e.resolve(dir)), e.sha256(), e.path());
        }
        Path bad = dir.resolve("not-a-manifest.json");
        Files.writeString(bad, "{\"version\": 1, \"files\": [");
        IOException ex = assertThrows(IOException.class, () -> DemoManifest.read(bad));
        assertTrue(ex.getMessage().contains("not-a-manifest.json"), ex.getMessage());
        Files.delete(bad);
    }

    @Test
    void everyGoodFileDecodesAsTheManifestSays() throws Exception {
        int checkedLoudness = 0;
        for (DemoManifest.Entry e : manifest.good()) {
            Path f = e.resolve(dir);
            try (AudioDecoder d = AudioDecoder.open(f)) {
                AudioProbe p = d.probe();
                assertEquals(e.container(), p.container(), e.path());
                // FFmpeg names its MP3 decoder mp3float; the codec is mp3
                assertEquals(e.codec(), p.codec().equals("mp3float") ? "mp3" : p.codec(), e.path());
                assertEquals(e.sampleRate(), p.sampleRate(), e.path());
                assertEquals(e.channels(), p.channels(), e.path());
                assertEquals(e.bitDepth(), p.bitDepth(), e.path());
                for (Map.Entry<String, String> t : e.tags().entrySet()) {
                    assertEquals(t.getValue(), p.tags().get(t.getKey()), e.path() + " tag " + t.getKey() + " in " + p.tags());
                }
                LoudnessMeter meter = e.integratedLufs() != null ? new LoudnessMeter() : null;
                long frames = d.decode(meter, 22050, null);
                double seconds = frames / (double) p.sampleRate();
                if (e.durationToleranceSeconds() == 0) {
                    assertEquals(e.frames(), frames, e.path() + " must decode to exactly the frames written");
                } else {
                    // lossy: at least what was written, at most one codec frame of padding more
                    assertTrue(frames >= e.frames() && seconds - e.durationSeconds() <= e.durationToleranceSeconds() + 1e-9,
                            e.path() + " decoded " + seconds + " s for " + e.durationSeconds() + " s");
                }
                if (meter != null) {
                    double lufs = meter.result().integratedLufs();
                    assertEquals(e.integratedLufs(), lufs, e.loudnessToleranceLu(), e.path() + " (LoudnessMeter)");
                    checkedLoudness++;
                }
            }
        }
        assertEquals(manifest.good().stream().filter(e -> e.integratedLufs() != null).count(), checkedLoudness);
    }

    @Test
    void everyBrokenFileIsADecodeFailureWithTheExpectedReason() {
        int failures = 0;
        for (DemoManifest.Entry e : manifest.broken()) {
            assertNotNull(e.deadLetterReason(), e.path());
            assertNull(e.sampleRate());
            DecodeException ex = assertThrows(DecodeException.class, () -> {
                try (AudioDecoder d = AudioDecoder.open(e.resolve(dir))) {
                    d.decode(null, 22050, new LoudnessMeter());
                }
            }, e.path() + " decoded");
            assertEquals(e.deadLetterReason(), ex.reason(), e.path() + ": " + ex.getMessage());
            assertTrue(ex.getMessage().contains(e.resolve(dir).toString()), "the message names the file: " + ex.getMessage());
            failures++;
        }
        assertEquals(4, failures);
        assertEquals(0, manifest.find("broken/empty.wav").orElseThrow().sizeBytes());
    }

    /**
     * The designed loudness, checked by an independent meter: ffmpeg's ebur128 filter (Debian's build,
     * installed by scripts/tools.sh; a missing ffmpeg fails the test).
     */
    @Test
    void designedLoudnessAgreesWithFfmpegEbur128() throws Exception {
        int checked = 0;
        for (DemoManifest.Entry e : manifest.good()) {
            if (e.integratedLufs() == null) {
                continue;
            }
            double measured = ffmpegIntegratedLoudness(e.resolve(dir));
            assertEquals(e.integratedLufs(), measured, e.loudnessToleranceLu(), e.path() + " (ffmpeg ebur128)");
            checked++;
        }
        assertTrue(checked >= 5, checked + " files with designed loudness");
    }

    @Test
    void generationIsDeterministicAndIndependentOfThreads(@TempDir Path other) throws IOException {
        // one file per muxer that could smuggle in randomness or time (Ogg serials, MP4 creation times, ID3, bext)
        Set<String> subset = Set.of("lofi/voicemail-8k.mp3", "short/sting-1s.m4a", "music/demos/loop-32k.ogg",
                "broadcast/lineup-tone-bwf.wav", "field/wind-bursts-32k.aiff", "broken/truncated.mp3", "broken/random-bytes.flac");
        List<String> seen = new ArrayList<>();
        DemoManifest again = DemoLibrary.generate(other, DemoLibrary.DEFAULT_SEED, en -> {
            synchronized (seen) {
                seen.add(en.path());
            }
        }, subset::contains, 1);
        assertEquals(subset, new TreeSet<>(seen));
        assertEquals(subset.size(), again.files().size());
        for (DemoManifest.Entry e : again.files()) {
            assertEquals(manifest.find(e.path()).orElseThrow(), e, e.path() + " differs between runs");
        }
        DemoManifest otherSeed = DemoLibrary.generate(other, 7, en -> { }, "field/wind-bursts-32k.aiff"::equals, 1);
        assertFalse(otherSeed.files().get(0).sha256().equals(manifest.find("field/wind-bursts-32k.aiff").orElseThrow().sha256()),
                "another seed must give other noise");
    }

    @Test
    void ensureReusesAnIntactLibrary() throws IOException {
        Path f = dir.resolve("archive/tape-transfer-5min-22k.flac");
        FileTime before = Files.getLastModifiedTime(f);
        DemoManifest m = DemoLibrary.ensure(dir, DemoLibrary.DEFAULT_SEED);
        assertEquals(manifest, m);
        assertEquals(before, Files.getLastModifiedTime(f), "an intact library must not be rewritten");
    }

    private static double ffmpegIntegratedLoudness(Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ffmpeg", "-nostdin", "-hide_banner", "-nostats", "-i", file.toString(), "-af", "ebur128",
                "-f", "null", "-").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            fail("ffmpeg ebur128 failed on " + file + ": " + out);
        }
        // the summary block at the end: "Integrated loudness:\n    I:         -23.0 LUFS"
        Matcher m = Pattern.compile("Integrated loudness:\\s*I:\\s*(-?[0-9.]+) LUFS").matcher(out);
        if (!m.find()) {
            fail("no integrated loudness in ffmpeg's output for " + file + ": " + out.substring(Math.max(0, out.length() - 2000)));
        }
        return Double.parseDouble(m.group(1));
    }
}
