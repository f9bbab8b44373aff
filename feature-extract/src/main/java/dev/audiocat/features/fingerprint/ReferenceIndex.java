package dev.audiocat.features.fingerprint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A local, on-disk index of reference recordings' landmark hashes: the hashes sorted in one array,
 * each with the reference number and the payload packed in a long (12 bytes per hash).
 *
 * <p>File {@code landmarks.idx} in the index folder: magic, reference table (id, source URI,
 * duration), then the sorted hash array and the entry array, little-endian. {@link #save()} writes a
 * temporary file and renames it, so a crash never leaves a half-written index.
 */
public final class ReferenceIndex {

    public static final String FILE_NAME = "landmarks.idx";
    /** "ACLMK1" and the format version in the low 16 bits. */
    private static final long MAGIC_PREFIX = 0x41434C4D4B310000L;
    /**
     * 2: triplet hashes with span levels and interpolated anchor frequencies (payload: 23-bit time,
     * 11-bit frequency, 7-bit span). 3: the same design, references analysed at 11025 Hz (1024-point
     * frames) with the level test in linear magnitude: a few peaks differ from version 2's. 4: the
     * same, references decoded with the Opus decoder's own stereo-to-mono downmix
     * (LandmarkExtractor.extract): under 1 % of a track's hashes differ from version 3's. Older
     * indexes hold hashes of another extractor: they must be rebuilt.
     */
    static final int VERSION = 4;
    private static final long MAGIC = MAGIC_PREFIX | VERSION;
    private static final int REF_SHIFT = LandmarkHashes.PAYLOAD_BITS;

    /** One indexed recording. */
    public record Reference(String id, String uri, double seconds, int hashes) {
    }

    private final Path dir;
    private final List<Reference> references = new ArrayList<>();
    private final Map<String, Integer> byId = new HashMap<>();
    private int[] hashes = new int[0];
    private long[] entries = new long[0];
    // added since the last sort
    private int[] pendingHashes = new int[0];
    private long[] pendingEntries = new long[0];
    private int pending;

    private ReferenceIndex(Path dir) {
        this.dir = dir;
    }

    /** An empty index that lives in memory only (tests, Beam side inputs). */
    public static ReferenceIndex inMemory() {
        return new ReferenceIndex(null);
    }

    /** Opens the index in {@code dir}, or an empty one when the folder holds none yet. */
    public static ReferenceIndex open(Path dir) throws IOException {
        ReferenceIndex index = new ReferenceIndex(dir);
        Path file = dir.resolve(FILE_NAME);
        if (Files.exists(file)) {
            index.read(file);
        }
        return index;
    }

    public boolean contains(String referenceId) {
        return byId.containsKey(referenceId);
    }

    public List<Reference> references() {
        return List.copyOf(references);
    }

    public Optional<Reference> reference(int number) {
        return number >= 0 && number < references.size() ? Optional.of(references.get(number)) : Optional.empty();
    }

    /** Number of references (reference numbers are 0 .. count - 1). */
    public int referenceCount() {
        return references.size();
    }

    /** Total hashes in the index. */
    public long size() {
        return hashes.length + (long) pending;
    }

    /** Seconds of reference audio indexed. */
    public double seconds() {
        return references.stream().mapToDouble(Reference::seconds).sum();
    }

    /**
     * Adds a recording. Adding an id that is already there is a no-op (returns false), so
     * re-running {@code references add} on the same folder changes nothing.
     */
    public boolean add(String id, String uri, LandmarkHashes h) {
        if (byId.containsKey(id)) {
            return false;
        }
        int number = references.size();
        if (number >= (1 << (63 - REF_SHIFT))) {
            throw new IllegalStateException("reference index is full (" + number + " references)");
        }
        references.add(new Reference(id, uri, h.seconds(), h.size()));
        byId.put(id, number);
        ensurePending(pending + h.size());
        for (int i = 0; i < h.size(); i++) {
            pendingHashes[pending] = h.hashes()[i];
            pendingEntries[pending] = ((long) number << REF_SHIFT) | h.payloads()[i];
            pending++;
        }
        return true;
    }

    private void ensurePending(int n) {
        if (n > pendingHashes.length) {
            int cap = Math.max(n, pendingHashes.length * 2);
            pendingHashes = Arrays.copyOf(pendingHashes, cap);
            pendingEntries = Arrays.copyOf(pendingEntries, cap);
        }
    }

    /** Merges pending additions into the sorted arrays. */
    private void compact() {
        if (pending == 0) {
            return;
        }
        int n = hashes.length + pending;
        long[] keys = new long[n];
        // sort (hash, entry index) pairs by packing hash into the high bits of a long key
        int[] allH = Arrays.copyOf(hashes, n);
        long[] allE = Arrays.copyOf(entries, n);
        System.arraycopy(pendingHashes, 0, allH, hashes.length, pending);
        System.arraycopy(pendingEntries, 0, allE, hashes.length, pending);
        for (int i = 0; i < n; i++) {
            keys[i] = ((long) allH[i] << 32) | i;
        }
        Arrays.sort(keys);
        int[] h = new int[n];
        long[] e = new long[n];
        for (int i = 0; i < n; i++) {
            int src = (int) keys[i];
            h[i] = allH[src];
            e[i] = allE[src];
        }
        hashes = h;
        entries = e;
        starts = null;
        anchors = null;
        anchorsBuiltOneByOne = 0;
        pending = 0;
        pendingHashes = new int[0];
        pendingEntries = new long[0];
    }

    /**
     * First position of {@code hash} in the sorted array, and the number of entries for it. The
     * first lookup builds a direct table of the positions of every hash value (2^23 + 1 ints, 32 MB):
     * a query makes about ten lookups per triplet, and binary searches over the whole array cost
     * more than the voting.
     */
    long range(int hash) {
        compact();
        if (hash < 0 || hash >= (1 << LandmarkExtractor.HASH_BITS)) {
            return 0;
        }
        if (starts == null) {
            int[] t = new int[(1 << LandmarkExtractor.HASH_BITS) + 1];
            for (int h : hashes) {
                t[h + 1]++;
            }
            for (int i = 1; i < t.length; i++) {
                t[i] += t[i - 1];
            }
            starts = t;
        }
        int start = starts[hash];
        return ((long) start << 32) | (starts[hash + 1] - start);
    }

    // positions by hash value, built on the first lookup; dropped when hashes are added
    private int[] starts;
    // per reference, its distinct anchor peaks (see anchors()); built on first use, dropped when hashes are added
    private long[][] anchors;

    /**
     * The distinct anchor peaks of reference {@code number}, sorted: {@code time << BAND_BITS | band}
     * (the payloads without their span, see {@link LandmarkHashes#anchors()}). Used to verify a vote
     * against every peak of the reference, not only those whose triplets matched. Built on first use:
     * the first few references one pass over the entries each, then all the others in one pass.
     */
    public synchronized long[] anchors(int number) {
        compact();
        if (anchors == null) {
            anchors = new long[references.size()][];
        }
        if (anchors[number] == null) {
            if (anchorsBuiltOneByOne < ONE_BY_ONE) {
                // a one-shot `identify` verifies a few candidates: one pass over the entries for each
                // (~5 ms) instead of all references' peaks (~0.5 s for 3.5 h of references)
                anchorsBuiltOneByOne++;
                int count = 0;
                for (long e : entries) {
                    count += referenceNumber(e) == number ? 1 : 0;
                }
                long[] a = new long[count];
                int fill = 0;
                for (long e : entries) {
                    if (referenceNumber(e) == number) {
                        a[fill++] = LandmarkHashes.anchorOf(payloadOf(e));
                    }
                }
                anchors[number] = LandmarkHashes.sortedDistinct(a, count);
            } else {
                long[][] all = anchors(0, 1);
                for (int r = 0; r < all.length; r++) {
                    if (anchors[r] == null) {
                        anchors[r] = all[r];
                    }
                }
            }
        }
        return anchors[number];
    }

    /** References whose anchor peaks are built one pass each before all are built in one pass. */
    private static final int ONE_BY_ONE = 8;
    private int anchorsBuiltOneByOne;

    /**
     * The distinct anchor peaks (as {@link #anchors(int)}) of every reference {@code r} with
     * {@code r % shards == shard}, at {@code [r / shards]}: one shard of readers that split the
     * references between them builds only its own arrays.
     */
    public synchronized long[][] anchors(int shard, int shards) {
        compact();
        int n = (references.size() + shards - 1 - shard) / shards;
        int[] count = new int[n];
        for (long e : entries) {
            int r = referenceNumber(e);
            if (r % shards == shard) {
                count[r / shards]++;
            }
        }
        long[][] a = new long[n][];
        for (int k = 0; k < n; k++) {
            a[k] = new long[count[k]];
        }
        int[] fill = new int[n];
        for (long e : entries) {
            int r = referenceNumber(e);
            if (r % shards == shard) {
                int k = r / shards;
                a[k][fill[k]++] = LandmarkHashes.anchorOf(payloadOf(e));
            }
        }
        for (int k = 0; k < n; k++) {
            a[k] = LandmarkHashes.sortedDistinct(a[k], a[k].length);
        }
        return a;
    }

    long entry(int position) {
        return entries[position];
    }

    /** Packs a reference number and a payload into one index entry. */
    public static long entryOf(int referenceNumber, long payload) {
        return ((long) referenceNumber << REF_SHIFT) | payload;
    }

    /** The reference number of an index entry. */
    public static int referenceNumber(long entry) {
        return (int) (entry >>> REF_SHIFT);
    }

    /** The payload (anchor time, band, span) of an index entry. */
    public static long payloadOf(long entry) {
        return entry & ((1L << REF_SHIFT) - 1);
    }

    /** Calls {@code sink} with every (hash, reference number, payload) of the index, in hash order. */
    public void forEachHash(HashConsumer sink) {
        compact();
        for (int i = 0; i < hashes.length; i++) {
            sink.accept(hashes[i], referenceNumber(entries[i]), payloadOf(entries[i]));
        }
    }

    @FunctionalInterface
    public interface HashConsumer {
        void accept(int hash, int referenceNumber, long payload);
    }

    /** Writes the index to its folder (atomically: temporary file, then rename). */
    public void save() throws IOException {
        if (dir == null) {
            throw new IllegalStateException("an in-memory reference index cannot be saved");
        }
        compact();
        Files.createDirectories(dir);
        Path tmp = dir.resolve(FILE_NAME + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer head = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            head.putLong(MAGIC).putInt(references.size());
            for (Reference r : references) {
                byte[] id = r.id().getBytes(StandardCharsets.UTF_8);
                byte[] uri = r.uri().getBytes(StandardCharsets.UTF_8);
                if (head.remaining() < 24 + id.length + uri.length) {
                    head.flip();
                    writeFully(ch, head);
                    head.clear();
                    if (head.remaining() < 24 + id.length + uri.length) {
                        head = ByteBuffer.allocate(24 + id.length + uri.length).order(ByteOrder.LITTLE_ENDIAN);
                    }
                }
                head.putInt(id.length).put(id).putInt(uri.length).put(uri).putDouble(r.seconds()).putInt(r.hashes());
            }
            head.putLong(hashes.length);
            head.flip();
            writeFully(ch, head);
            ByteBuffer body = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < hashes.length; i++) {
                if (body.remaining() < 4) {
                    body.flip();
                    writeFully(ch, body);
                    body.clear();
                }
                body.putInt(hashes[i]);
            }
            for (int i = 0; i < entries.length; i++) {
                if (body.remaining() < 8) {
                    body.flip();
                    writeFully(ch, body);
                    body.clear();
                }
                body.putLong(entries[i]);
            }
            body.flip();
            writeFully(ch, body);
            ch.force(true);
        }
        Files.move(tmp, dir.resolve(FILE_NAME), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    private void read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buf = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()).order(ByteOrder.LITTLE_ENDIAN);
            long magic = buf.remaining() < 12 ? 0 : buf.getLong();
            if ((magic & ~0xFFFFL) != MAGIC_PREFIX) {
                throw new IOException(file + ": not an audiocat reference index (bad magic); delete it and run 'audiocat references add' again");
            }
            if (magic != MAGIC) {
                throw new IOException(file + ": reference index format version " + (magic & 0xFFFF) + ", this audiocat reads version " + VERSION
                        + " (the landmark hashes changed): delete it and run 'audiocat references add' on the reference folders again");
            }
            int refs = buf.getInt();
            for (int i = 0; i < refs; i++) {
                byte[] id = new byte[buf.getInt()];
                buf.get(id);
                byte[] uri = new byte[buf.getInt()];
                buf.get(uri);
                double seconds = buf.getDouble();
                int count = buf.getInt();
                Reference r = new Reference(new String(id, StandardCharsets.UTF_8), new String(uri, StandardCharsets.UTF_8), seconds, count);
                byId.put(r.id(), references.size());
                references.add(r);
            }
            int n = Math.toIntExact(buf.getLong());
            hashes = new int[n];
            entries = new long[n];
            buf.asIntBuffer().get(hashes);
            buf.position(buf.position() + 4 * n);
            buf.asLongBuffer().get(entries);
        } catch (java.nio.BufferUnderflowException e) {
            throw new IOException(file + ": the reference index is truncated; delete it and run 'audiocat references add' again", e);
        }
    }

    /** Index size on disk in bytes (after {@link #save()}). */
    public long bytesOnDisk() throws IOException {
        Path f = dir == null ? null : dir.resolve(FILE_NAME);
        return f != null && Files.exists(f) ? Files.size(f) : 0;
    }
}
