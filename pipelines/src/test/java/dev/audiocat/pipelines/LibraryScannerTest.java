package dev.audiocat.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LibraryScannerTest {

    @TempDir
    Path dir;

    /**
     * Links to files and folders are followed; a link to nothing is a candidate (it ends as a dead letter);
     * a link back to the library is not walked twice; hidden folders and sidecars stay out.
     */
    @Test
    void symbolicLinksAreFollowedAndALinkToNothingIsStillACandidate() throws Exception {
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Files.write(elsewhere.resolve("a.wav"), new byte[] {1, 2, 3});
        Path lib = Files.createDirectories(dir.resolve("lib"));
        Files.write(lib.resolve("plain.wav"), new byte[] {1});
        Files.write(lib.resolve("notes.txt"), new byte[] {1});
        Files.createDirectories(lib.resolve(".hidden"));
        Files.write(lib.resolve(".hidden/x.wav"), new byte[] {1});
        Files.createDirectories(lib.resolve("sub"));
        Files.write(lib.resolve("sub/naïve name ✓.wav"), new byte[] {1, 2});
        Files.createSymbolicLink(lib.resolve("link.wav"), elsewhere.resolve("a.wav"));
        Files.createSymbolicLink(lib.resolve("linkdir"), elsewhere);
        Files.createSymbolicLink(lib.resolve("gone.wav"), dir.resolve("no-such-file.wav"));
        Files.createSymbolicLink(lib.resolve("loop"), lib);

        LibraryScanner.Listing listing = LibraryScanner.scan(lib);

        Map<String, Long> found = new TreeMap<>();
        for (AudioFile f : listing.candidates()) {
            found.put(lib.relativize(Path.of(f.localPath())).toString(), f.sizeBytes());
        }
        assertEquals(Map.of("gone.wav", -1L, "link.wav", 3L, "linkdir/a.wav", 3L, "plain.wav", 1L, "sub/naïve name ✓.wav", 2L), found);
        assertEquals(List.of(lib.resolve("notes.txt").toUri().toString()), listing.ignored());
    }

    @Test
    void fileNamesAreTheOwnersNotTheUrisEncoding() throws Exception {
        Path f = dir.resolve("naïve name ✓ 100%.wav");
        Files.write(f, new byte[] {1});
        AudioFile local = LibraryScanner.scan(dir).candidates().get(0);
        assertEquals("naïve name ✓ 100%.wav", local.fileName());
        assertEquals(f.toUri().toString(), local.uri()); // the URI stays percent-encoded
        // an S3 URI holds the object key as it is
        assertEquals("100%25 live.wav", new AudioFile("s3://bucket/set/100%25 live.wav", null, 1, 0).fileName());
    }
}
