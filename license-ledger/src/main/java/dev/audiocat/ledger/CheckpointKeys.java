package dev.audiocat.ledger;

import dev.audiocat.ledger.merkle.MerkleTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * The Ed25519 key that signs checkpoints (JDK provider, no extra library). The private key lives
 * with the operator ({@code $AUDIOCAT_HOME/keys/ledger-ed25519.key}, mode 600), never in the
 * ledger; the ledger stores the public key ({@code meta/checkpoint-key.pub}) on first use.
 */
public final class CheckpointKeys {
    private CheckpointKeys() {}

    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no Ed25519: " + e.getMessage(), e);
        }
    }

    public static Path defaultKeyFile() {
        return AudiocatHome.dir().resolve("keys").resolve("ledger-ed25519.key");
    }

    /** Loads the key pair from {@code file} (and {@code file}.pub), creating both if missing. */
    public static KeyPair loadOrCreate(Path file) throws IOException {
        Path pub = file.resolveSibling(file.getFileName() + ".pub");
        if (Files.exists(file)) {
            try {
                KeyFactory kf = KeyFactory.getInstance("Ed25519");
                PrivateKey priv = kf.generatePrivate(new PKCS8EncodedKeySpec(
                        Base64.getDecoder().decode(Files.readString(file).trim())));
                PublicKey pk = publicKey(Files.readString(pub).trim());
                return new KeyPair(pk, priv);
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                throw new IOException(file + " (or " + pub + ") is not an Ed25519 key written by audiocat: "
                        + e.getMessage() + "; move it away to create a new key", e);
            }
        }
        Files.createDirectories(file.getParent());
        KeyPair kp = generate();
        Path tmp = Files.createTempFile(file.getParent(), ".key-", ".tmp");
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: rely on the folder's permissions
        }
        Files.writeString(tmp, Base64.getEncoder().encodeToString(kp.getPrivate().getEncoded()) + "\n");
        Files.writeString(pub, encodePublic(kp.getPublic()) + "\n");
        Files.move(tmp, file);
        return kp;
    }

    public static String encodePublic(PublicKey k) {
        return Base64.getEncoder().encodeToString(k.getEncoded());
    }

    public static PublicKey publicKey(String base64) throws GeneralSecurityException {
        return KeyFactory.getInstance("Ed25519")
                .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64.trim())));
    }

    /** First 16 hex digits of SHA-256 of the public key's X.509 encoding. */
    public static String keyId(PublicKey k) {
        return Hex.encode(MerkleTree.sha256().digest(k.getEncoded())).substring(0, 16);
    }

    static byte[] publicKeyBytes(PublicKey k) {
        return (encodePublic(k) + "\n").getBytes(StandardCharsets.US_ASCII);
    }
}
