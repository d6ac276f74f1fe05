package org.openpostage.server.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.function.Supplier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpostage.api.PostalClient;
import org.openpostage.api.TlsSettings;
import org.openpostage.api.error.PostageException;
import org.openpostage.api.model.MailPiece;
import org.openpostage.api.model.QuoteRequest;
import org.openpostage.api.model.RateQuote;
import org.openpostage.api.value.MailClass;
import org.openpostage.api.value.PostalCode;
import org.openpostage.api.value.Weight;
import org.openpostage.server.config.AppConfig;
import org.openpostage.server.internal.tls.DevCertificates;

/** The development CA, trust, and mutual TLS on both endpoints. */
class TlsTest {
    private static final QuoteRequest QUOTE = QuoteRequest.of(MailPiece.of(MailClass.LETTER, Weight.ofGrams(20),
            PostalCode.of("94107")));

    /** Refusals come at once; a short timeout keeps a client from waiting out a dead connection. */
    private static final java.time.Duration SHORT = java.time.Duration.ofSeconds(3);

    @TempDir
    Path dir;

    @Test
    void theFirstStartCreatesTheDevelopmentCaAndLaterStartsReuseIt() throws Exception {
        Path tls = dir.resolve("tls");
        byte[] ca;
        byte[] serverKeys;
        try (PostalServerApp app = TestApps.start(dir)) {
            assertEquals(tls.resolve(DevCertificates.CA_PEM), app.caCertificate());
            ca = Files.readAllBytes(app.caCertificate());
            serverKeys = Files.readAllBytes(tls.resolve("server.p12"));
            assertTrue(new String(ca, "US-ASCII").startsWith("-----BEGIN CERTIFICATE-----"));
            TestApps.Partner p = TestApps.partner(app.core(), "tls", 10_000);
            assertQuotes(app, p.testKey(), () -> TlsSettings.builder().trustCertificates(app.caCertificate()).build());
        }
        try (PostalServerApp again = TestApps.start(dir)) {
            assertArrayEquals(ca, Files.readAllBytes(again.caCertificate()), "the CA is reused");
            assertArrayEquals(serverKeys, Files.readAllBytes(tls.resolve("server.p12")), "the server key is reused");
            String key = again.admin().issueApiKey("tls", org.openpostage.api.value.Mode.TEST).apiKey();
            assertQuotes(again, key, () -> TlsSettings.builder().trustCertificates(again.caCertificate()).build());
        }
    }

    @Test
    void aClientThatDoesNotTrustTheCaFailsTheHandshakeOnBothEndpoints() {
        try (PostalServerApp app = TestApps.start(dir)) {
            TestApps.Partner p = TestApps.partner(app.core(), "tls", 10_000);
            for (URI endpoint : List.of(app.xmlEndpoint(), app.grpcEndpoint())) {
                try (PostalClient client = TestApps.client(endpoint, p.testKey(), TlsSettings.systemDefault(), SHORT)) {
                    assertThrows(PostageException.class, () -> client.quote(QUOTE), endpoint.toString());
                }
            }
        }
    }

    @Test
    void requiredClientCertificatesRefuseClientsWithoutOneOnBothEndpoints() throws Exception {
        ClientPki pki = ClientPki.create(dir.resolve("client-ca.pem"));
        try (PostalServerApp app = TestApps.start(dir.resolve("data"),
                b -> b.clientAuth(AppConfig.ClientAuth.REQUIRE, pki.caPem))) {
            TestApps.Partner p = TestApps.partner(app.core(), "mtls", 10_000);
            for (URI endpoint : List.of(app.xmlEndpoint(), app.grpcEndpoint())) {
                TlsSettings noCertificate = TlsSettings.builder().trustCertificates(app.caCertificate()).build();
                try (PostalClient client = TestApps.client(endpoint, p.testKey(), noCertificate, SHORT)) {
                    assertThrows(PostageException.class, () -> client.quote(QUOTE), endpoint.toString());
                }
            }
            assertQuotes(app, p.testKey(), () -> TlsSettings.builder().trustCertificates(app.caCertificate())
                    .clientKeyStore(pki.client, ClientPki.PASSWORD).build());
        }
    }

    @Test
    void theAdminConsoleWithMutualTlsServesNoPageToABrowserWithoutACertificate() throws Exception {
        ClientPki pki = ClientPki.create(dir.resolve("operator-ca.pem"));
        try (PostalServerApp app = TestApps.start(dir.resolve("data"), b -> b.adminPort(0)
                .adminClientAuth(AppConfig.ClientAuth.REQUIRE, pki.caPem))) {
            java.net.http.HttpRequest login = java.net.http.HttpRequest.newBuilder(app.adminConsole().resolve("/login"))
                    .timeout(SHORT).build();
            java.net.http.HttpClient anonymous = java.net.http.HttpClient.newBuilder()
                    .sslContext(TestApps.clientTrusting(app.caCertificate())).build();
            assertThrows(java.io.IOException.class, () -> anonymous.send(login,
                    java.net.http.HttpResponse.BodyHandlers.ofString()), "no certificate, no handshake");
            javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(
                    javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(pki.client, ClientPki.PASSWORD);
            javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(org.openpostage.server.internal.tls.TlsFiles.trustStore(app.caCertificate()));
            javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
            tls.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            java.net.http.HttpResponse<String> page = java.net.http.HttpClient.newBuilder().sslContext(tls).build()
                    .send(login, java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("Sign in"), "the operator still signs in with a password");
        }
    }

    /** A quote succeeds on both endpoints with the TLS settings made by {@code tls}. */
    private static void assertQuotes(PostalServerApp app, String apiKey, Supplier<TlsSettings> tls) {
        for (URI endpoint : List.of(app.xmlEndpoint(), app.grpcEndpoint())) {
            try (PostalClient client = TestApps.client(endpoint, apiKey, tls.get())) {
                RateQuote q = client.quote(QUOTE);
                assertTrue(q.price().isPositive(), endpoint.toString());
            }
        }
    }

    /** A CA for client certificates and one client certificate it issued. */
    private record ClientPki(Path caPem, KeyStore client) {
        static final char[] PASSWORD = "client-pass".toCharArray();

        static ClientPki create(Path caPem) throws Exception {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(256);
            KeyPair caKeys = g.generateKeyPair();
            X500Name caName = new X500Name("CN=Portal client CA");
            Instant now = Instant.now();
            X509Certificate ca = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
                    caName, BigInteger.ONE, Date.from(now.minusSeconds(60)), Date.from(now.plusSeconds(86_400)), caName,
                    caKeys.getPublic()).addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate())));
            KeyPair clientKeys = g.generateKeyPair();
            X509Certificate client = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
                    caName, BigInteger.TWO, Date.from(now.minusSeconds(60)), Date.from(now.plusSeconds(86_400)),
                    new X500Name("CN=portal-1"), clientKeys.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate())));
            DevCertificates.writePem(ca, caPem);
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("client", clientKeys.getPrivate(), PASSWORD, new Certificate[] {client, ca});
            return new ClientPki(caPem, ks);
        }
    }
}
