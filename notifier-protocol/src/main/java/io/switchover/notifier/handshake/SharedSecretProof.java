package io.switchover.notifier.handshake;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The shared-secret challenge-response. Each side proves it knows the secret by an HMAC-SHA256 over
 * both sides' fresh nonces and the identities in play, so a proof can be neither replayed on
 * another connection nor reflected back from the other role:
 *
 * <pre>
 * proof = HMAC-SHA256(secret, label 0x00 len(cluster) cluster len(client) client
 *                             len(server) server len(kind) kind client-nonce server-nonce)
 * label = "switchover-notifier-v1 client" | "switchover-notifier-v1 server"
 * len(x) = one byte, the UTF-8 length of x
 * </pre>
 *
 * The connecting side proves first, so an accepting node never hands a proof to a stranger.
 */
public final class SharedSecretProof {
    static final String CLIENT_LABEL = "switchover-notifier-v1 client";
    static final String SERVER_LABEL = "switchover-notifier-v1 server";

    private SharedSecretProof() {}

    /** The proof the connecting side sends. */
    public static byte[] client(
            byte[] secret,
            String cluster,
            String clientNode,
            String serverNode,
            String kind,
            byte[] clientNonce,
            byte[] serverNonce) {
        return proof(
                secret,
                CLIENT_LABEL,
                cluster,
                clientNode,
                serverNode,
                kind,
                clientNonce,
                serverNonce);
    }

    /** The proof the accepting side sends. */
    public static byte[] server(
            byte[] secret,
            String cluster,
            String clientNode,
            String serverNode,
            String kind,
            byte[] clientNonce,
            byte[] serverNonce) {
        return proof(
                secret,
                SERVER_LABEL,
                cluster,
                clientNode,
                serverNode,
                kind,
                clientNonce,
                serverNonce);
    }

    /** Compares proofs in constant time. */
    public static boolean matches(byte[] expected, byte[] actual) {
        return actual != null && MessageDigest.isEqual(expected, actual);
    }

    private static byte[] proof(
            byte[] secret,
            String label,
            String cluster,
            String clientNode,
            String serverNode,
            String kind,
            byte[] clientNonce,
            byte[] serverNonce) {
        ByteArrayOutputStream in = new ByteArrayOutputStream(160);
        in.writeBytes(label.getBytes(StandardCharsets.UTF_8));
        in.write(0);
        for (String s : new String[] {cluster, clientNode, serverNode, kind}) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            in.write(b.length);
            in.writeBytes(b);
        }
        in.writeBytes(clientNonce);
        in.writeBytes(serverNonce);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(in.toByteArray());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }
}
