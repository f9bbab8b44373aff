package dev.audiocat.pipelines.catalog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * One writer per catalog folder: {@code audiocat ingest} holds an operating-system lock on
 * {@code CATALOG/.ingest.lock} from before it reads the catalog until its rows are written. A second ingest
 * into the same catalog (a cron job that overlaps the last night's, two terminals) stops at once with
 * who holds it, instead of reading the same "not yet catalogued" files and analysing them twice.
 *
 * <p>The lock is the kernel's ({@link FileChannel#tryLock()}), so it goes with the process: a killed
 * ingest leaves no stale lock to clean up. The file itself stays, holding the last holder's description.
 * Readers ({@code catalog show}, {@code export}, {@code index rebuild}) take no lock: the datasets are
 * append-only and their files appear whole.
 */
public final class CatalogLock implements AutoCloseable {

    /** The lock file's name inside the catalog folder. */
    public static final String FILE = ".ingest.lock";

    /**
     * Lock files this JVM holds, with their descriptions. Checked before a channel is opened: on Linux, closing
     * any channel of a file drops every lock the process holds on it, so a refused second run in the same JVM
     * must not open (and close) one.
     */
    private static final java.util.Map<Path, String> HELD = new java.util.concurrent.ConcurrentHashMap<>();

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private boolean closed;

    private CatalogLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the catalog's write lock, creating the folder if needed.
     *
     * @param what this run, in words, written into the lock file for whoever finds it held (e.g. the library)
     * @throws IllegalStateException when another process (or another run in this JVM) holds it, naming the holder
     */
    public static CatalogLock acquire(Path catalog, String what) {
        Path file;
        try {
            // the real path: a catalog reached through a symbolic link is the same catalog
            file = Files.createDirectories(catalog).toRealPath().resolve(FILE);
        } catch (IOException e) {
            throw new UncheckedIOException(catalog + ": cannot create the catalog folder (" + e.getMessage() + "); check that it is writable", e);
        }
        String me = (ProcessHandle.current().pid() + "@" + host() + ", started " + Instant.now() + ", " + what).replaceAll("\\p{Cntrl}", " ");
        String inThisJvm = HELD.putIfAbsent(file, me);
        if (inThisJvm != null) {
            throw held(catalog, inThisJvm);
        }
        try {
            return open(catalog, file, me);
        } catch (RuntimeException e) {
            HELD.remove(file);
            throw e;
        }
    }

    private static IllegalStateException held(Path catalog, String holder) {
        return new IllegalStateException(catalog + ": another ingest is writing this catalog" + (holder.isEmpty() ? "" : " (" + holder + ")")
                + "; wait for it to finish, or give this run another --out");
    }

    private static CatalogLock open(Path catalog, Path file, String me) {
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot open the catalog's lock file (" + e.getMessage()
                    + "); check that the catalog folder is writable", e);
        }
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException held) {
            lock = null; // another channel of this JVM (outside this class) holds it
        } catch (IOException e) {
            close(ch);
            throw new UncheckedIOException(file + ": cannot lock the catalog (" + e.getMessage() + ")", e);
        }
        if (lock == null) {
            String holder = holder(ch);
            close(ch);
            throw held(catalog, holder);
        }
        try {
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(me.getBytes(StandardCharsets.UTF_8)), 0);
            ch.force(false);
        } catch (IOException e) {
            // the lock holds without the description; only a second run's message is poorer
        }
        return new CatalogLock(file, ch, lock);
    }

    /** The description the holder wrote ("pid@host, started ..., what"), or empty. */
    private static String holder(FileChannel ch) {
        try {
            long size = Math.min(ch.size(), 4096);
            ByteBuffer b = ByteBuffer.allocate((int) size);
            while (b.hasRemaining() && ch.read(b, b.position()) > 0) {
                // read it all
            }
            return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8).replaceAll("\\p{Cntrl}", " ").trim();
        } catch (IOException e) {
            return "";
        }
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return ManagementFactory.getRuntimeMXBean().getName();
        }
    }

    private static void close(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing held
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it too
        }
        close(channel);
        HELD.remove(file);
    }
}
