package io.switchover.notifier.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import io.switchover.notifier.frame.CloseReason;
import io.switchover.notifier.session.ConnectionKind;
import io.switchover.notifier.session.Outcome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mutual TLS 1.3 with certificates generated at test time. */
class TlsTest {
    @TempDir static Path dir;
    static X509Bundle pairCa;
    static X509Bundle strangerCa;

    @BeforeAll
    static void certificates() throws Exception {
        pairCa = ca("CN=pair-ca");
        strangerCa = ca("CN=stranger-ca");
    }

    static X509Bundle ca(String subject) throws Exception {
        return new CertificateBuilder()
                .subject(subject)
                .ecp256()
                .setIsCertificateAuthority(true)
                .notBefore(Instant.now().minusSeconds(60))
                .buildSelfSigned();
    }

    /** Writes a node's PEM files signed by {@code ca} and returns its TLS settings. */
    static TlsSettings node(String name, X509Bundle ca, String cn) throws Exception {
        X509Bundle cert =
                new CertificateBuilder()
                        .subject("CN=" + cn)
                        .addSanDnsName(cn)
                        .ecp256()
                        .notBefore(Instant.now().minusSeconds(60))
                        .addExtendedKeyUsageServerAuth()
                        .addExtendedKeyUsageClientAuth()
                        .buildIssuedBy(ca);
        Path chain = dir.resolve(name + "-chain.pem");
        Path key = dir.resolve(name + "-key.pem");
        Path trust = dir.resolve(name + "-trust.pem");
        Files.writeString(chain, cert.getCertificatePathPEM(), StandardCharsets.US_ASCII);
        Files.writeString(key, cert.getPrivateKeyPEM(), StandardCharsets.US_ASCII);
        Files.writeString(trust, pairCa.getCertificatePEM(), StandardCharsets.US_ASCII);
        return new TlsSettings(chain, key, trust);
    }

    @Test
    void tls_bothCertificatesFromThePairCa_establishesAndPings() throws Exception {
        TlsSettings a = node("a", pairCa, "node-a");
        TlsSettings b = node("b", pairCa, "node-b");
        try (TestPair pair =
                new TestPair(s -> s.sharedSecret(null).tls(a), s -> s.sharedSecret(null).tls(b))
                        .connect()) {
            assertThat(pair.clientMain().peer().authMethod()).isEqualTo("tls");
            assertThat(pair.clientMain().peer().certificateSubject()).isEqualTo("CN=node-a");
            assertThat(pair.serverMain().peer().certificateSubject()).isEqualTo("CN=node-b");
            assertThat(pair.client.ping(ConnectionKind.AUX, Duration.ofSeconds(2)).get())
                    .isInstanceOf(Outcome.Success.class);
        }
    }

    @Test
    void tls_withSharedSecretToo_establishes() throws Exception {
        TlsSettings a = node("a2", pairCa, "node-a");
        TlsSettings b = node("b2", pairCa, "node-b");
        try (TestPair pair = new TestPair(s -> s.tls(a), s -> s.tls(b)).connect()) {
            assertThat(pair.clientMain().peer().authMethod()).isEqualTo("tls+hmac-sha256");
        }
    }

    @Test
    void tls_clientCertificateFromAStrangerCa_failsOnBothSides() throws Exception {
        TlsSettings a = node("a3", pairCa, "node-a");
        TlsSettings b = node("b3", strangerCa, "node-b");
        try (TestPair pair =
                new TestPair(s -> s.sharedSecret(null).tls(a), s -> s.sharedSecret(null).tls(b))) {
            pair.client.start();
            await().atMost(Duration.ofSeconds(5))
                    .until(
                            () ->
                                    pair.server.stats().closedLocally(CloseReason.TLS_FAILED) >= 1
                                            && pair.client
                                                            .stats()
                                                            .closedLocally(CloseReason.TLS_FAILED)
                                                    >= 1);
            assertThat(pair.serverEvents.established).isEmpty();
            assertThat(pair.clientEvents.failed)
                    .anySatisfy(f -> assertThat(f.reason()).isEqualTo(CloseReason.TLS_FAILED));
        }
    }

    @Test
    void tls_certificateNamingAnotherNode_refusedAsAuthenticationFailure() throws Exception {
        TlsSettings a = node("a4", pairCa, "node-a");
        TlsSettings b = node("b4", pairCa, "node-x"); // valid CA, but names node-x, not node-b
        try (TestPair pair =
                new TestPair(s -> s.sharedSecret(null).tls(a), s -> s.sharedSecret(null).tls(b))) {
            pair.client.start();
            await().atMost(Duration.ofSeconds(5))
                    .until(
                            () ->
                                    pair.server
                                                            .stats()
                                                            .closedLocally(
                                                                    CloseReason
                                                                            .AUTHENTICATION_FAILED)
                                                    >= 1
                                            && pair.client
                                                            .stats()
                                                            .closedByPeer(
                                                                    CloseReason
                                                                            .AUTHENTICATION_FAILED)
                                                    >= 1);
            assertThat(pair.clientEvents.failed)
                    .anySatisfy(f -> assertThat(f.detail()).contains("node-b").contains("node-x"));
        }
    }

    @Test
    void tls_oneSideWithoutTls_neverEstablishes() throws Exception {
        TlsSettings a = node("a5", pairCa, "node-a");
        try (TestPair pair = new TestPair(s -> s.tls(a), s -> s)) {
            pair.client.start();
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> pair.server.stats().closedLocally(CloseReason.TLS_FAILED) >= 1);
            assertThat(pair.serverEvents.established).isEmpty();
            assertThat(pair.clientEvents.established).isEmpty();
        }
    }

    @Test
    void tlsSettings_missingFile_namesThePath() {
        Path missing = dir.resolve("nope.pem");
        assertThatThrownBy(() -> new TlsSettings(missing, missing, missing))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("certificate chain");
    }
}
