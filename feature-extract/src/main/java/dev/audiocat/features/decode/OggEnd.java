package dev.audiocat.features.decode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Whether an Ogg file ends as Ogg files end: its last page complete and flagged end-of-stream (header type
 * bit 0x04, RFC 3533 section 6). An Ogg stream states no duration of its own; FFmpeg takes the granule
 * position of the last page it finds, so a file cut short looks whole by its duration. Its end shows it: the
 * last page is cut off, or complete without the end-of-stream flag. Only the file's tail is read.
 */
final class OggEnd {

    /** Pages are at most 27 + 255 + 255 * 255 bytes: a tail this long holds the start of the last one. */
    private static final int TAIL = 27 + 255 + 255 * 255;

    private OggEnd() {
    }

    /** True when the file's last Ogg page is cut off or lacks the end-of-stream flag; false when it ends properly or holds no page. */
    static boolean endMissing(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            int n = (int) Math.min(size, TAIL);
            ByteBuffer tail = ByteBuffer.allocate(n);
            n = RiffHeader.read(ch, tail, size - n);
            byte[] b = tail.array();
            for (int i = n - 27; i >= 0; i--) {
                if (b[i] != 'O' || b[i + 1] != 'g' || b[i + 2] != 'g' || b[i + 3] != 'S' || b[i + 4] != 0) {
                    continue;
                }
                int segments = b[i + 26] & 0xff;
                if (i + 27 + segments > n) {
                    return true; // the last page's header is cut off
                }
                long body = 0;
                for (int s = 0; s < segments; s++) {
                    body += b[i + 27 + s] & 0xff;
                }
                if (i + 27 + segments + body > n) {
                    return true; // its body is
                }
                return (b[i + 5] & 0x04) == 0;
            }
            return false;
        }
    }
}
