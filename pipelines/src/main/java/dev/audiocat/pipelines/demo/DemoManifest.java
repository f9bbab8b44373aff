package dev.audiocat.pipelines.demo;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the demo library holds and what each file is known to be, by design: written beside the files
 * as {@value DemoLibrary#MANIFEST_FILE} so a catalog can be checked against it.
 *
 * @param version   manifest format version ({@value #VERSION})
 * @param generator what made the files, with its version; files differ when this changes
 * @param seed      the seed the library was generated from
 * @param files     every file, good and broken, sorted by path
 */
public record DemoManifest(int version, String generator, long seed, List<Entry> files) {

    public static final int VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public DemoManifest {
        files = files.stream().sorted(Comparator.comparing(Entry::path)).toList();
    }

    /**
     * One file of the library.
     *
     * @param path                     path relative to the library folder, '/'-separated
     * @param format                   {@code AudioEncoder.Format} name (e.g. {@code FLAC_24}) for good files;
     *                                 for broken files what the name pretends ({@code MP3}, {@code WAV_16}, ...)
     * @param container                FFmpeg demuxer name a prober reports (e.g. {@code wav}, {@code mov,mp4,m4a,3gp,3g2,mj2}); null when broken
     * @param codec                    FFmpeg codec name ({@code ffprobe}'s codec_name: {@code mp3}, {@code aac}, {@code pcm_s24le});
     *                                 FFmpeg's MP3 decoder itself is named {@code mp3float}; null when broken
     * @param sampleRate               Hz, null when broken
     * @param channels                 null when broken
     * @param bitDepth                 stored bits per sample for PCM and FLAC, null for lossy and broken files
     * @param frames                   samples per channel that were encoded, null when broken
     * @param durationSeconds          {@code frames / sampleRate}, null when broken
     * @param durationToleranceSeconds how far a decoded duration may be from it: 0 for lossless formats; for
     *                                 lossy ones one codec frame (FFmpeg trims the encoder delay, the final
     *                                 frame's padding may remain)
     * @param integratedLufs           designed EBU R128 integrated loudness from the signal's closed form, or null
     * @param loudnessToleranceLu      tolerance of {@code integratedLufs}, or null
     * @param tags                     embedded tags as FFmpeg reads them back (keys lower-cased, e.g. MP3's ISRC as {@code tsrc},
     *                                 BWF description as {@code comment}); empty when none were written
     * @param content                  what the audio is, in words
     * @param broken                   true for files that must become dead letters
     * @param deadLetterReason         the decoder's reason for a broken file ({@code DecodeException.reason()}), else null
     * @param sizeBytes                file size
     * @param sha256                   SHA-256 of the file bytes, hex (the catalog's {@code asset_id})
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Entry(
            String path,
            String format,
            String container,
            String codec,
            Integer sampleRate,
            Integer channels,
            Integer bitDepth,
            Long frames,
            Double durationSeconds,
            Double durationToleranceSeconds,
            Double integratedLufs,
            Double loudnessToleranceLu,
            Map<String, String> tags,
            String content,
            boolean broken,
            String deadLetterReason,
            long sizeBytes,
            String sha256) {

        public Entry {
            tags = tags == null ? Map.of() : new TreeMap<>(tags);
        }

        /** This file inside the library folder {@code dir}. */
        public Path resolve(Path dir) {
            return dir.resolve(path.replace('/', dir.getFileSystem().getSeparator().charAt(0)));
        }
    }

    @JsonIgnore
    public List<Entry> good() {
        return files.stream().filter(e -> !e.broken()).toList();
    }

    @JsonIgnore
    public List<Entry> broken() {
        return files.stream().filter(Entry::broken).toList();
    }

    /** Total designed duration of the good files. */
    @JsonIgnore
    public double totalAudioSeconds() {
        return good().stream().mapToDouble(Entry::durationSeconds).sum();
    }

    public Optional<Entry> find(String relativePath) {
        return files.stream().filter(e -> e.path().equals(relativePath)).findFirst();
    }

    /** Reads a manifest written by {@link #write(Path)}. */
    public static DemoManifest read(Path file) throws IOException {
        try {
            DemoManifest m = JSON.readValue(file.toFile(), DemoManifest.class);
            if (m.version() != VERSION) {
                throw new IOException(file + ": demo manifest version " + m.version() + " is not " + VERSION
                        + "; regenerate the demo library");
            }
            return m;
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IOException(file + ": not a readable demo manifest (" + e.getOriginalMessage() + "); regenerate the demo library", e);
        }
    }

    /** Writes the manifest as indented JSON, replacing {@code file} atomically. */
    public void write(Path file) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        JSON.writeValue(tmp.toFile(), this);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    String toJson() throws IOException {
        return JSON.writeValueAsString(this);
    }
}
