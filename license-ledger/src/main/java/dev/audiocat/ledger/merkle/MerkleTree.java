package dev.audiocat.ledger.merkle;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * RFC 9162 (Certificate Transparency v2) Merkle tree over SHA-256: leaf hash =
 * SHA-256(0x00 ‖ entry), interior node = SHA-256(0x01 ‖ left ‖ right), the tree over n leaves
 * splits at the largest power of two smaller than n. Leaf hashes are kept in one flat array (32
 * bytes per leaf: 32 MB per million entries) so that roots and proofs at any earlier size can be
 * recomputed — a checkpoint from last year is checked against the same tree.
 *
 * <p>Not thread-safe; callers synchronise.
 */
public final class MerkleTree {
    public static final int HASH_BYTES = 32;

    private byte[] leaves = new byte[HASH_BYTES * 1024];
    private long size;

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }

    public static byte[] leafHash(MessageDigest md, byte[] entry) {
        md.reset();
        md.update((byte) 0x00);
        md.update(entry);
        return md.digest();
    }

    /** Leaf hash of {@code entry[off, off+len)}, without copying it out. */
    public static byte[] leafHash(MessageDigest md, byte[] entry, int off, int len) {
        md.reset();
        md.update((byte) 0x00);
        md.update(entry, off, len);
        return md.digest();
    }

    public static byte[] nodeHash(MessageDigest md, byte[] left, byte[] right) {
        md.reset();
        md.update((byte) 0x01);
        md.update(left);
        md.update(right);
        return md.digest();
    }

    public long size() {
        return size;
    }

    /** Appends a leaf given its (already computed) leaf hash. */
    public void appendLeafHash(byte[] leafHash) {
        if (leafHash.length != HASH_BYTES) {
            throw new IllegalArgumentException("leaf hash must be 32 bytes, got " + leafHash.length);
        }
        long need = (size + 1) * HASH_BYTES;
        if (need > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("more than 67 million leaves: shard the ledger");
        }
        if (need > leaves.length) {
            leaves = Arrays.copyOf(leaves, (int) Math.min(Integer.MAX_VALUE - 8L, leaves.length * 2L));
        }
        System.arraycopy(leafHash, 0, leaves, (int) (size * HASH_BYTES), HASH_BYTES);
        size++;
    }

    /** Drops every leaf from {@code newSize} on (used when a replay is rebuilt). */
    public void truncate(long newSize) {
        if (newSize < 0 || newSize > size) {
            throw new IllegalArgumentException("cannot truncate " + size + " leaves to " + newSize);
        }
        size = newSize;
    }

    public byte[] leafHashAt(long index) {
        checkIndex(index, size);
        int off = (int) (index * HASH_BYTES);
        return Arrays.copyOfRange(leaves, off, off + HASH_BYTES);
    }

    /** Root of the tree over the first {@code treeSize} leaves (SHA-256 of "" when empty). */
    public byte[] root(long treeSize) {
        checkSize(treeSize);
        MessageDigest md = sha256();
        if (treeSize == 0) {
            return md.digest();
        }
        return subtreeRoot(md, 0, treeSize);
    }

    public byte[] root() {
        return root(size);
    }

    /** Inclusion proof (audit path) of leaf {@code index} in the tree of size {@code treeSize}. */
    public List<byte[]> inclusionProof(long index, long treeSize) {
        checkSize(treeSize);
        checkIndex(index, treeSize);
        List<byte[]> path = new ArrayList<>();
        path(sha256(), index, 0, treeSize, path);
        return path;
    }

    /** Consistency proof between the trees of sizes {@code first} ≤ {@code second}. */
    public List<byte[]> consistencyProof(long first, long second) {
        checkSize(second);
        if (first < 0 || first > second) {
            throw new IllegalArgumentException("consistency needs 0 <= first <= second, got " + first
                    + " and " + second);
        }
        List<byte[]> proof = new ArrayList<>();
        if (first == 0 || first == second) {
            return proof;
        }
        subproof(sha256(), first, 0, second, true, proof);
        return proof;
    }

    // ---------------------------------------------------------------- recursion (RFC 9162 2.1.1-2.1.4)

    private byte[] subtreeRoot(MessageDigest md, long lo, long hi) {
        long n = hi - lo;
        if (n == 1) {
            int off = (int) (lo * HASH_BYTES);
            return Arrays.copyOfRange(leaves, off, off + HASH_BYTES);
        }
        long k = largestPowerOfTwoBelow(n);
        byte[] left = subtreeRoot(md, lo, lo + k);
        byte[] right = subtreeRoot(md, lo + k, hi);
        return nodeHash(md, left, right);
    }

    private void path(MessageDigest md, long m, long lo, long hi, List<byte[]> out) {
        long n = hi - lo;
        if (n == 1) {
            return;
        }
        long k = largestPowerOfTwoBelow(n);
        if (m < k) {
            path(md, m, lo, lo + k, out);
            out.add(subtreeRoot(md, lo + k, hi));
        } else {
            path(md, m - k, lo + k, hi, out);
            out.add(subtreeRoot(md, lo, lo + k));
        }
    }

    private void subproof(MessageDigest md, long m, long lo, long hi, boolean whole,
            List<byte[]> out) {
        long n = hi - lo;
        if (m == n) {
            if (!whole) {
                out.add(subtreeRoot(md, lo, hi));
            }
            return;
        }
        long k = largestPowerOfTwoBelow(n);
        if (m <= k) {
            subproof(md, m, lo, lo + k, whole, out);
            out.add(subtreeRoot(md, lo + k, hi));
        } else {
            subproof(md, m - k, lo + k, hi, false, out);
            out.add(subtreeRoot(md, lo, lo + k));
        }
    }

    static long largestPowerOfTwoBelow(long n) {
        return Long.highestOneBit(n - 1);
    }

    // ---------------------------------------------------------------- verification (RFC 9162 2.1.3.2, 2.1.4.2)

    /** Verifies an inclusion proof; needs no tree, only the proof and the trusted root. */
    public static boolean verifyInclusion(long index, long treeSize, byte[] leafHash,
            List<byte[]> path, byte[] root) {
        if (index < 0 || index >= treeSize) {
            return false;
        }
        MessageDigest md = sha256();
        long fn = index;
        long sn = treeSize - 1;
        byte[] r = leafHash;
        for (byte[] p : path) {
            if (sn == 0) {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = nodeHash(md, p, r);
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            } else {
                r = nodeHash(md, r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && MessageDigest.isEqual(r, root);
    }

    /** Verifies that the tree of size {@code second} extends the tree of size {@code first}. */
    public static boolean verifyConsistency(long first, long second, byte[] firstRoot,
            byte[] secondRoot, List<byte[]> proof) {
        if (first < 0 || first > second) {
            return false;
        }
        if (first == second) {
            return proof.isEmpty() && MessageDigest.isEqual(firstRoot, secondRoot);
        }
        if (first == 0) {
            return proof.isEmpty();
        }
        if (proof.isEmpty()) {
            return false;
        }
        MessageDigest md = sha256();
        List<byte[]> path = new ArrayList<>(proof);
        if (Long.bitCount(first) == 1) {
            path.add(0, firstRoot);
        }
        long fn = first - 1;
        long sn = second - 1;
        while ((fn & 1) == 1) {
            fn >>= 1;
            sn >>= 1;
        }
        byte[] fr = path.get(0);
        byte[] sr = path.get(0);
        for (int i = 1; i < path.size(); i++) {
            byte[] c = path.get(i);
            if (sn == 0) {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn) {
                fr = nodeHash(md, c, fr);
                sr = nodeHash(md, c, sr);
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            } else {
                sr = nodeHash(md, sr, c);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && MessageDigest.isEqual(fr, firstRoot)
                && MessageDigest.isEqual(sr, secondRoot);
    }

    private void checkSize(long treeSize) {
        if (treeSize < 0 || treeSize > size) {
            throw new IllegalArgumentException(
                    "tree size " + treeSize + " is outside 0.." + size + " (entries in the log)");
        }
    }

    private static void checkIndex(long index, long treeSize) {
        if (index < 0 || index >= treeSize) {
            throw new IllegalArgumentException(
                    "entry " + index + " is outside 0.." + (treeSize - 1) + " of a tree of size " + treeSize);
        }
    }
}
