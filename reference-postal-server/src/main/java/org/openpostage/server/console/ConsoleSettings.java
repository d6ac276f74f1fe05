package org.openpostage.server.console;

import java.security.KeyStore;
import java.util.Objects;

/**
 * Where and how the admin console listens: HTTPS only, with the server's key, and optionally
 * mutual TLS (an operator's browser must then present a certificate of {@code clientCas} before it
 * sees the sign-in page; the operator still signs in with name and password).
 *
 * @param bind                the address ({@code 127.0.0.1} by default: reach it through an SSH tunnel or a VPN)
 * @param port                the port; 0 for any free one
 * @param keyStore            the server's TLS key and chain
 * @param keyStorePassword    its password
 * @param requireClientCertificate whether a client certificate is required (mutual TLS)
 * @param clientCas           the CAs whose client certificates are accepted, or {@code null}
 */
public record ConsoleSettings(String bind, int port, KeyStore keyStore, char[] keyStorePassword,
                              boolean requireClientCertificate, KeyStore clientCas) {
    public ConsoleSettings {
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(keyStore, "keyStore");
        Objects.requireNonNull(keyStorePassword, "keyStorePassword");
        if (requireClientCertificate && clientCas == null) {
            throw new IllegalArgumentException("mutual TLS needs the CAs of the client certificates");
        }
    }
}
