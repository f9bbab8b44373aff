package dev.audiocat.ledger;

import dev.audiocat.ledger.json.Json;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A signed tree head: "the first {@code treeSize} entries have Merkle root {@code rootHash}",
 * signed with Ed25519 over the canonical JSON of every field but the signature.
 */
public record SignedCheckpoint(long treeSize, String rootHash, Instant time, String keyId,
        String signature) {

    static final String TYPE = "audiocat-ledger-checkpoint/v1";

    public static SignedCheckpoint sign(long treeSize, byte[] root, Instant time, String keyId,
            PrivateKey key) {
        SignedCheckpoint unsigned = new SignedCheckpoint(treeSize, Hex.encode(root), time, keyId, null);
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(key);
            s.update(unsigned.signedBytes());
            return new SignedCheckpoint(treeSize, unsigned.rootHash, time, keyId,
                    Base64.getEncoder().encodeToString(s.sign()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed: " + e.getMessage(), e);
        }
    }

    byte[] signedBytes() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key_id", keyId);
        m.put("root_hash", rootHash);
        m.put("time", time.toString());
        m.put("tree_size", treeSize);
        m.put("type", TYPE);
        return Json.canonicalBytes(m);
    }

    public boolean verify(PublicKey key) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(key);
            s.update(signedBytes());
            return s.verify(Base64.getDecoder().decode(signature));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    public byte[] rootBytes() {
        return Hex.decode(rootHash);
    }

    public byte[] toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key_id", keyId);
        m.put("root_hash", rootHash);
        m.put("signature", signature);
        m.put("time", time.toString());
        m.put("tree_size", treeSize);
        m.put("type", TYPE);
        return Json.canonicalBytes(m);
    }

    public static SignedCheckpoint parse(byte[] json) {
        Map<String, Object> m =
                Json.parseObject(new String(json, java.nio.charset.StandardCharsets.UTF_8));
        if (!TYPE.equals(m.get("type"))) {
            throw new IllegalArgumentException("not an audiocat ledger checkpoint: type " + m.get("type"));
        }
        return new SignedCheckpoint((Long) m.get("tree_size"), (String) m.get("root_hash"),
                Instant.parse((String) m.get("time")), (String) m.get("key_id"),
                (String) m.get("signature"));
    }
}
