package org.openpostage.transport.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.openpostage.api.ClientConfig;
import org.openpostage.api.PostalClient;
import org.openpostage.api.PostalClients;
import org.openpostage.api.RetryPolicy;
import org.openpostage.api.TlsSettings;
import org.openpostage.api.error.ConfigurationException;
import org.openpostage.api.error.ErrorCode;
import org.openpostage.api.error.ServiceUnavailableException;
import org.openpostage.api.model.RateQuote;
import org.openpostage.api.spi.Credentials;

/** TLS and mutual TLS, configured on the client exactly as for the XML transport (TlsSettings). */
class GrpcTlsTest {
    private final TestPki pki = TestPki.get();

    @Test
    void mutualTlsAcceptsTheRegisteredCertificateAndPassesItToTheAuthenticator() {
        try (GrpcTestServer server = GrpcTestServer.start(o -> o.clientAuth(GrpcServerOptions.ClientAuth.REQUIRE,
                pki.caPem));
             PostalClient client = PostalClients.connect(server.config().apiKey(null)
                     .tls(pki.withClientCertificate(pki.clientP12)).build())) {
            RateQuote quote = client.quote(Fixtures.quote(Fixtures.letter()));

            assertEquals(server.service.lastResult(), quote);
            Credentials shown = server.authenticator.seen().get(0);
            assertEquals(pki.clientCertificate, shown.clientCertificates().get(0));
            assertEquals(2, shown.clientCertificates().size(), "leaf and CA");
            assertTrue(server.service.lastContext().caller().credentialId().startsWith("cert-"));
        }
    }

    @Test
    void mutualTlsRefusesClientsWithoutATrustedCertificateAtTheHandshake() {
        try (GrpcTestServer server = GrpcTestServer.start(o -> o.clientAuth(GrpcServerOptions.ClientAuth.REQUIRE,
                pki.caPem))) {
            for (TlsSettings tls : new TlsSettings[] {pki.trustOnly(), pki.withClientCertificate(pki.strangerP12)}) {
                try (PostalClient client = PostalClients.connect(server.config().tls(tls)
                        .retryPolicy(RetryPolicy.none()).build())) {
                    // the client's own settings: a configuration error, never retried (as over XML)
                    ConfigurationException e = assertThrows(ConfigurationException.class,
                            () -> client.purchase(Fixtures.oneLetter()));
                    assertEquals(ErrorCode.INVALID_CONFIGURATION, e.code());
                }
            }
            assertEquals(0, server.authenticator.seen().size(), "no call got past the handshake");
            assertEquals(0, server.service.mutatingCalls());
        }
    }

    @Test
    void optionalClientAuthAcceptsEitherCredential() {
        try (GrpcTestServer server = GrpcTestServer.start(o -> o.clientAuth(GrpcServerOptions.ClientAuth.OPTIONAL,
                pki.caPem));
             PostalClient byKey = server.client();
             PostalClient byCertificate = PostalClients.connect(server.config().apiKey(null)
                     .tls(pki.withClientCertificate(pki.clientP12)).build())) {
            byKey.backgrounds();
            assertEquals("key-test-1", server.service.lastContext().caller().credentialId());
            byCertificate.backgrounds();
            assertTrue(server.service.lastContext().caller().credentialId().startsWith("cert-"));
        }
    }

    @Test
    void theClientRefusesAServerItDoesNotTrustOrThatNamesAnotherHost() {
        try (GrpcTestServer server = GrpcTestServer.start()) {
            ClientConfig.Builder base = server.config().retryPolicy(RetryPolicy.none());
            try (PostalClient systemTrust = PostalClients.connect(base.tls(TlsSettings.systemDefault()).build())) {
                ConfigurationException e = assertThrows(ConfigurationException.class,
                        () -> systemTrust.backgrounds());
                assertTrue(e.getMessage().contains("TLS handshake"), e.getMessage());
            }
            try (PostalClient wrongName = PostalClients.connect(server.config().retryPolicy(RetryPolicy.none())
                    .option(GrpcTransportProvider.AUTHORITY, "postal.example:443").build())) {
                assertThrows(ConfigurationException.class, () -> wrongName.backgrounds());
            }
            assertEquals(0, server.service.calls("backgrounds"));
            // by IP address: the certificate names 127.0.0.1 too
            try (PostalClient byIp = PostalClients.connect(server.config()
                    .endpoint("grpcs://127.0.0.1:" + server.binding.port()).build())) {
                byIp.backgrounds();
            }
        }
    }

    @Test
    void theServerNegotiatesTls13OrTls12WithHttp2() throws IOException {
        try (GrpcTestServer server = GrpcTestServer.start()) {
            for (String protocol : TlsSettings.PROTOCOLS) {
                try (SSLSocket socket = (SSLSocket) pki.trustOnly().sslContext().getSocketFactory()
                        .createSocket("localhost", server.binding.port())) {
                    socket.setEnabledProtocols(new String[] {protocol});
                    SSLParameters parameters = socket.getSSLParameters();
                    parameters.setApplicationProtocols(new String[] {"h2"});
                    socket.setSSLParameters(parameters);
                    socket.startHandshake();
                    assertEquals(protocol, socket.getSession().getProtocol());
                    assertEquals("h2", socket.getApplicationProtocol());
                }
            }
        }
    }

    @Test
    void aPlainTextClientCannotTalkToATlsServer() {
        try (GrpcTestServer server = GrpcTestServer.start();
             PostalClient plain = PostalClients.connect(ClientConfig.builder()
                     .endpoint("grpc://localhost:" + server.binding.port()).apiKey(TestAuthenticator.TEST_KEY)
                     .retryPolicy(RetryPolicy.none()).build())) {
            assertThrows(ServiceUnavailableException.class, () -> plain.backgrounds());
            assertEquals(0, server.service.calls("backgrounds"));
        }
    }

    @Test
    void plainTextWorksOnLoopbackForTests() throws IOException {
        InMemoryPostalService service = new InMemoryPostalService();
        try (GrpcServerBinding binding = new GrpcServerBinding(service, new TestAuthenticator(),
                GrpcServerOptions.builder().bindAddress("127.0.0.1").port(0).plaintext().build()).start();
             PostalClient client = PostalClients.connect(ClientConfig.builder()
                     .endpoint("grpc://127.0.0.1:" + binding.port()).apiKey(TestAuthenticator.TEST_KEY).build())) {
            assertEquals(service.catalogue(), client.backgrounds());
        }
    }

    @Test
    void serverOptionsRefuseUnsafeOrIncompleteTls() {
        assertThrows(ConfigurationException.class, () -> GrpcServerOptions.builder().build());
        assertThrows(ConfigurationException.class, () -> GrpcServerOptions.builder().plaintext()
                .clientAuth(GrpcServerOptions.ClientAuth.REQUIRE, pki.caPem).build());
        assertThrows(ConfigurationException.class, () -> GrpcServerOptions.builder()
                .tlsPem(pki.serverChainPem, pki.serverKeyPem).clientAuth(GrpcServerOptions.ClientAuth.REQUIRE,
                        (X509TrustManager) null).build());
        ConfigurationException notPkcs8 = assertThrows(ConfigurationException.class,
                () -> GrpcServerOptions.builder().tlsPem(pki.serverChainPem, pki.caPem));
        assertTrue(notPkcs8.getMessage().contains("openssl pkcs8"), notPkcs8.getMessage());
        GrpcServerOptions p12 = GrpcServerOptions.builder().tlsPkcs12(pki.clientP12, TestPki.PASSWORD).build();
        assertTrue(p12.tls());
    }
}
