package dev.audiocat.pipelines;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Lists the files of a library folder, recursively, in a stable order.
 *
 * <p>Every regular file is a candidate for decoding (archives hold odd extensions: .bwf, .rf64, .w64,
 * .mka, none at all), except hidden files and files whose extension says they are not audio
 * (sidecars such as .json, .txt, .jpg, .cue, .pdf): those are counted as ignored, so the summary can
 * say what was left out.
 *
 * <p>Symbolic links are followed, to files and to folders (archives build "by artist" views and
 * mount points out of them); a file reached by two paths is a candidate under each. A link whose
 * target is missing is still a candidate, so it ends as a dead letter that names it, not as nothing.
 * A link back to a folder being walked (a loop) is not followed twice.
 */
public final class LibraryScanner {

    /** Extensions that are never audio; such files are ignored rather than turned into dead letters. */
    public static final Set<String> NOT_AUDIO = Set.of(
            "json", "txt", "md", "csv", "tsv", "xml", "yaml", "yml", "nfo", "log", "cue", "m3u", "m3u8", "pls",
            "jpg", "jpeg", "png", "gif", "bmp", "tif", "tiff", "webp", "pdf", "doc", "docx", "rtf", "html", "htm",
            "zip", "gz", "tar", "7z", "rar", "parquet", "avsc", "sfk", "pkf", "reapeaks", "asd", "db", "ini", "ds_store");

    /** What a scan found. */
    public record Listing(List<AudioFile> candidates, List<String> ignored) {
    }

    private LibraryScanner() {
    }

    public static Listing scan(Path root) {
        if (!Files.isDirectory(root)) {
            if (Files.isRegularFile(root)) {
                return new Listing(List.of(toAudioFile(root)), List.of());
            }
            throw new IllegalArgumentException(root + ": no such folder; give the folder that holds the audio files");
        }
        List<AudioFile> files = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        try {
            Files.walkFileTree(root, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    if (!dir.equals(root) && dir.getFileName().toString().startsWith(".")) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    // Following links, a link's own attributes arrive only when its target cannot be read.
                    if (attrs.isSymbolicLink()) {
                        files.add(new AudioFile(file.toUri().toString(), file.toAbsolutePath().toString(), -1, 0));
                        return FileVisitResult.CONTINUE;
                    }
                    if (!attrs.isRegularFile()) {
                        return FileVisitResult.CONTINUE;
                    }
                    String name = file.getFileName().toString();
                    if (ignoredName(name)) {
                        ignored.add(file.toUri().toString());
                    } else {
                        files.add(new AudioFile(file.toUri().toString(), file.toAbsolutePath().toString(), attrs.size(),
                                attrs.lastModifiedTime().toMillis()));
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) {
                    if (exc instanceof FileSystemLoopException) {
                        return FileVisitResult.CONTINUE; // its files are listed under the folder it points back to
                    }
                    // unreadable entries still become candidates: the analysis turns them into dead letters
                    files.add(new AudioFile(file.toUri().toString(), file.toAbsolutePath().toString(), -1, 0));
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root + ": " + e.getMessage(), e);
        }
        files.sort(Comparator.comparing(AudioFile::uri));
        ignored.sort(Comparator.naturalOrder());
        return new Listing(files, ignored);
    }

    private static AudioFile toAudioFile(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return new AudioFile(file.toUri().toString(), file.toAbsolutePath().toString(), a.size(), a.lastModifiedTime().toMillis());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** True when a file or object name says it is not audio (hidden files, sidecars): such names are ignored. */
    static boolean ignoredName(String name) {
        return name.startsWith(".") || NOT_AUDIO.contains(extension(name));
    }

    static String extension(String name) {
        int i = name.lastIndexOf('.');
        return i < 0 ? "" : name.substring(i + 1).toLowerCase(Locale.ROOT);
    }
}
