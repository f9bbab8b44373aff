package dev.audiocat.ledger.merkle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.audiocat.ledger.Hex;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MerkleTreeTest {
    // RFC 6962 / 9162 reference data, as published with the Certificate Transparency
    // implementations (transparency-dev/merkle testonly): leaves, and the root for sizes 0..8.
    static final String[] LEAVES = {"", "00", "10", "2021", "3031", "40414243",
            "5051525354555657", "606162636465666768696a6b6c6d6e6f"};
    static final String[] ROOTS = {
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
            "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
            "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};

    static MerkleTree reference() {
        MerkleTree t = new MerkleTree();
        MessageDigest md = MerkleTree.sha256();
        for (String l : LEAVES) {
            t.appendLeafHash(MerkleTree.leafHash(md, Hex.decode(l)));
        }
        return t;
    }

    @Test
    void rootsMatchTheReferenceForEverySize() {
        MerkleTree t = reference();
        for (int n = 0; n <= 8; n++) {
            assertEquals(ROOTS[n], Hex.encode(t.root(n)), "size " + n);
        }
    }

    @Test
    void inclusionProofsMatchTheReference() {
        MerkleTree t = reference();
        assertEquals(List.of("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
                t.inclusionProof(0, 8).stream().map(Hex::encode).toList());
        assertEquals(List.of("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
                t.inclusionProof(5, 8).stream().map(Hex::encode).toList());
    }

    @Test
    void consistencyProofMatchesTheReference() {
        MerkleTree t = reference();
        // RFC 9162 2.1.4.1: PROOF(2, D[8]) = [MTH(D[2:4]), MTH(D[4:8])]
        List<String> p = t.consistencyProof(2, 8).stream().map(Hex::encode).toList();
        assertEquals(List.of("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"), p);
    }

    @Test
    void everyProofOfEveryShapeVerifiesAndAlteredOnesDoNot() {
        MerkleTree t = new MerkleTree();
        MessageDigest md = MerkleTree.sha256();
        int max = 37;
        for (int i = 0; i < max; i++) {
            t.appendLeafHash(MerkleTree.leafHash(md, new byte[] {(byte) i, (byte) (i * 7)}));
        }
        int proofs = 0;
        for (int n = 1; n <= max; n++) {
            byte[] root = t.root(n);
            for (int i = 0; i < n; i++) {
                List<byte[]> path = t.inclusionProof(i, n);
                assertTrue(MerkleTree.verifyInclusion(i, n, t.leafHashAt(i), path, root), i + "/" + n);
                if (n > 1) {
                    assertFalse(MerkleTree.verifyInclusion((i + 1) % n, n, t.leafHashAt(i), path, root));
                    List<byte[]> bad = new ArrayList<>(path);
                    byte[] b0 = bad.get(0).clone();
                    b0[3] ^= 1;
                    bad.set(0, b0);
                    assertFalse(MerkleTree.verifyInclusion(i, n, t.leafHashAt(i), bad, root));
                }
                proofs++;
            }
            for (int m = 0; m <= n; m++) {
                List<byte[]> c = t.consistencyProof(m, n);
                assertTrue(MerkleTree.verifyConsistency(m, n, t.root(m), root, c), m + "->" + n);
                if (m > 0 && m < n) {
                    byte[] wrong = t.root(m).clone();
                    wrong[0] ^= 1;
                    assertFalse(MerkleTree.verifyConsistency(m, n, wrong, root, c));
                    assertFalse(MerkleTree.verifyConsistency(m, n, t.root(m), t.root(n - 1), c));
                }
                proofs++;
            }
        }
        assertEquals(max * (max + 1) / 2 + (max * (max + 3)) / 2, proofs);
    }
}
