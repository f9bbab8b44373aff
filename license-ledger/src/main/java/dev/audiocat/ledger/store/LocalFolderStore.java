package dev.audiocat.ledger.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * The embedded default: one folder holding {@code ledger.log} (one record per line, a record is
 * committed when its terminating newline is on disk), {@code checkpoints/} and {@code meta/}.
 *
 * <p>Writers serialise on an exclusive {@link FileLock} on {@code ledger.lock} (other processes)
 * plus a per-folder {@link ReentrantLock} (other threads of this JVM: file locks are per process).
 * A writer killed mid-append leaves bytes without a newline at the end; readers ignore them and
 * the next writer truncates them while it holds the lock, so the log always verifies and can be
 * appended to.
 */
public final class LocalFolderStore implements LogStore {
    private static final ConcurrentHashMap<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

    private final Path dir;
    private final Path log;
    private final Path lockFile;
    private final boolean fsync;
    private final ReentrantLock jvmLock;
    private FileChannel lockCh;
    private FileChannel logCh;

    // what this instance has already scanned: records [0, scannedCount) end at scannedBytes
    private long scannedCount;
    private long scannedBytes;
    // byte offset of record k * MARK_EVERY, so catching up never rescans the whole file
    private static final int MARK_EVERY = 64;
    private long[] marks = {0L};
    private int markCount = 1;

    private void mark(long seq, long offset) {
        if (seq % MARK_EVERY == 0) {
            int k = (int) (seq / MARK_EVERY);
            if (k == markCount) {
                if (k == marks.length) {
                    marks = Arrays.copyOf(marks, marks.length * 2);
                }
                marks[k] = offset;
                markCount++;
            }
        }
    }

    /**
     * @param fsync force every append to disk before returning (durable; slower). Without it an OS
     *     crash (not a process crash) can lose the last appends, never corrupt earlier ones.
     */
    public LocalFolderStore(Path dir, boolean fsync) throws IOException {
        this.dir = dir.toAbsolutePath().normalize();
        Files.createDirectories(this.dir.resolve("checkpoints"));
        Files.createDirectories(this.dir.resolve("meta"));
        this.log = this.dir.resolve("ledger.log");
        this.lockFile = this.dir.resolve("ledger.lock");
        this.fsync = fsync;
        this.jvmLock = JVM_LOCKS.computeIfAbsent(this.dir, p -> new ReentrantLock());
        if (!Files.exists(log)) {
            try {
                Files.createFile(log);
            } catch (FileAlreadyExistsException e) {
                // another writer created it
            }
        }
    }

    public Path dir() {
        return dir;
    }

    @Override
    public String location() {
        return dir.toString();
    }

    @Override
    public synchronized long read(long from, RecordSink sink) throws IOException {
        long delivered = 0;
        // start at the nearest known record offset at or before 'from'
        int mark = (int) Math.min(from / MARK_EVERY, markCount - 1);
        long seq = mark < 0 ? 0 : (long) mark * MARK_EVERY;
        long startByte = mark < 0 ? 0 : marks[mark];
        long committedEnd = startByte;
        try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(log), 1 << 16)) {
            in.skipNBytes(startByte);
            ByteArrayBuilder line = new ByteArrayBuilder();
            long pos = startByte;
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                int start = 0;
                for (int i = 0; i < n; i++) {
                    if (buf[i] == '\n') {
                        if (seq >= from) {
                            line.append(buf, start, i - start);
                            sink.accept(seq, line.toArray());
                            delivered++;
                        }
                        line.reset();
                        seq++;
                        start = i + 1;
                        committedEnd = pos + i + 1;
                        mark(seq, committedEnd);
                    }
                }
                line.append(buf, start, n - start);
                pos += n;
            }
        }
        if (committedEnd >= scannedBytes) {
            scannedBytes = committedEnd;
            scannedCount = seq;
        }
        return delivered;
    }

    @Override
    public boolean tryAppend(long seq, byte[] record) throws IOException {
        for (byte b : record) {
            if (b == '\n') {
                throw new IllegalArgumentException("a record must not contain a newline");
            }
        }
        jvmLock.lock();
        try {
            if (lockCh == null) {
                // kept open: opening two channels per append would cost more than the append
                lockCh = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                logCh = FileChannel.open(log, StandardOpenOption.READ, StandardOpenOption.WRITE);
            }
        } catch (IOException e) {
            jvmLock.unlock();
            throw e;
        }
        FileChannel ch = logCh;
        try (FileLock ignored = lockCh.lock()) {
            long end = scanToEnd(ch);
            if (ch.size() > end) {
                // a writer died mid-append: its bytes were never a record
                ch.truncate(end);
            }
            if (seq != scannedCount) {
                return false;
            }
            ByteBuffer out = ByteBuffer.allocate(record.length + 1);
            out.put(record).put((byte) '\n').flip();
            ch.position(end);
            while (out.hasRemaining()) {
                ch.write(out);
            }
            if (fsync) {
                ch.force(false);
            }
            scannedBytes = end + record.length + 1;
            scannedCount++;
            mark(scannedCount, scannedBytes);
            return true;
        } finally {
            jvmLock.unlock();
        }
    }

    /** Counts committed records from where this instance last looked; returns their end offset. */
    private synchronized long scanToEnd(FileChannel ch) throws IOException {
        long size = ch.size();
        if (scannedBytes > size) {
            throw new IOException(log + " shrank from " + scannedBytes + " to " + size
                    + " bytes while open: the log was modified outside the ledger");
        }
        ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        long pos = scannedBytes;
        long count = scannedCount;
        long end = scannedBytes;
        while (pos < size) {
            buf.clear();
            int n = ch.read(buf, pos);
            if (n <= 0) {
                break;
            }
            for (int i = 0; i < n; i++) {
                if (buf.get(i) == '\n') {
                    count++;
                    end = pos + i + 1;
                    mark(count, end);
                }
            }
            pos += n;
        }
        scannedCount = count;
        scannedBytes = end;
        return end;
    }

    @Override
    public long tornTailBytes() throws IOException {
        try (FileChannel ch = FileChannel.open(log, StandardOpenOption.READ)) {
            long size = ch.size();
            long pos = size;
            ByteBuffer one = ByteBuffer.allocate(1);
            while (pos > 0) {
                one.clear();
                ch.read(one, pos - 1);
                if (one.get(0) == '\n') {
                    break;
                }
                pos--;
            }
            return size - pos;
        }
    }

    @Override
    public boolean putCheckpoint(long treeSize, byte[] json) throws IOException {
        return createExclusive(dir.resolve("checkpoints").resolve(String.format("%020d.json", treeSize)),
                json);
    }

    @Override
    public List<byte[]> checkpoints() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir.resolve("checkpoints"))) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        }
        List<byte[]> out = new ArrayList<>();
        for (Path p : files) {
            out.add(Files.readAllBytes(p));
        }
        return out;
    }

    @Override
    public Optional<byte[]> getMeta(String name) throws IOException {
        Path p = dir.resolve("meta").resolve(name);
        return Files.exists(p) ? Optional.of(Files.readAllBytes(p)) : Optional.empty();
    }

    @Override
    public boolean putMetaIfAbsent(String name, byte[] content) throws IOException {
        return createExclusive(dir.resolve("meta").resolve(name), content);
    }

    /** Write to a temp file, then link it into place: the target appears complete or not at all. */
    private static boolean createExclusive(Path target, byte[] content) throws IOException {
        if (Files.exists(target)) {
            return false;
        }
        Path tmp = Files.createTempFile(target.getParent(), ".tmp-", ".part");
        try {
            Files.write(tmp, content);
            try {
                Files.createLink(target, tmp);
                return true;
            } catch (FileAlreadyExistsException e) {
                return false;
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Override
    public void close() throws IOException {
        jvmLock.lock();
        try {
            if (lockCh != null) {
                lockCh.close();
                logCh.close();
                lockCh = null;
                logCh = null;
            }
        } finally {
            jvmLock.unlock();
        }
    }

    /** Growable byte array for assembling a line that crosses read buffers. */
    private static final class ByteArrayBuilder {
        private byte[] a = new byte[512];
        private int n;

        void append(byte[] src, int off, int len) {
            if (n + len > a.length) {
                a = Arrays.copyOf(a, Math.max(a.length * 2, n + len));
            }
            System.arraycopy(src, off, a, n, len);
            n += len;
        }

        void reset() {
            n = 0;
        }

        byte[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }
}
