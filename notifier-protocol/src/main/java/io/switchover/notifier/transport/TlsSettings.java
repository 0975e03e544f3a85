package io.switchover.notifier.transport;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLException;

/**
 * Mutual TLS 1.3 through the JDK provider. Both sides present a certificate signed by the pair's CA
 * ({@code trustedCertificates}); the handshake additionally requires each certificate to name the
 * node id its owner announces.
 *
 * @param certificateChain PEM: this node's certificate, then any intermediates
 * @param privateKey PEM: this node's PKCS#8 private key (unencrypted)
 * @param trustedCertificates PEM: the CA certificate(s) that sign the pair's certificates
 */
public record TlsSettings(Path certificateChain, Path privateKey, Path trustedCertificates) {
    static final String PROTOCOL = "TLSv1.3";

    public TlsSettings {
        requireReadable("certificate chain", certificateChain);
        requireReadable("private key", privateKey);
        requireReadable("trusted certificates", trustedCertificates);
    }

    SslContext serverContext() {
        try {
            return SslContextBuilder.forServer(certificateChain.toFile(), privateKey.toFile())
                    .trustManager(trustedCertificates.toFile())
                    .clientAuth(ClientAuth.REQUIRE)
                    .sslProvider(SslProvider.JDK)
                    .protocols(PROTOCOL)
                    .build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("TLS server context: " + e.getMessage(), e);
        }
    }

    SslContext clientContext() {
        try {
            return SslContextBuilder.forClient()
                    .keyManager(certificateChain.toFile(), privateKey.toFile())
                    .trustManager(trustedCertificates.toFile())
                    .sslProvider(SslProvider.JDK)
                    .protocols(PROTOCOL)
                    // Identity is the node id bound to the certificate, checked in the handshake;
                    // peers are addressed by IP in most pairs, so host names prove nothing here.
                    .endpointIdentificationAlgorithm(null)
                    .build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("TLS client context: " + e.getMessage(), e);
        }
    }

    private static void requireReadable(String what, Path path) {
        if (path == null) {
            throw new IllegalArgumentException("TLS " + what + " path is missing");
        }
        if (!Files.isReadable(path)) {
            throw new IllegalArgumentException(
                    "TLS " + what + " file " + path + " does not exist or is not readable");
        }
    }
}
