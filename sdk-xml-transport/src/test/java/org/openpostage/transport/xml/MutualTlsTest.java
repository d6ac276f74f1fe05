package org.openpostage.transport.xml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openpostage.api.ClientConfig;
import org.openpostage.api.PostalClient;
import org.openpostage.api.PostalClients;
import org.openpostage.api.RetryPolicy;
import org.openpostage.api.TlsSettings;
import org.openpostage.api.error.PostageException;
import org.openpostage.api.model.AccountStatement;
import org.openpostage.transport.xml.XmlHttpsConfigurator.ClientAuth;
import org.openpostage.transport.xml.testing.InMemoryPostalService;
import org.openpostage.transport.xml.testing.Samples;
import org.openpostage.transport.xml.testing.TestAuthenticator;
import org.openpostage.transport.xml.testing.TestPki;
import org.openpostage.transport.xml.testing.TestServer;

/** Client certificates: required (mutual TLS), optional, and not asked for (API key only). */
class MutualTlsTest {
    private static TestPki pki;
    private static TestPki.Identity partnerB;
    private final InMemoryPostalService service = new InMemoryPostalService();
    private final TestAuthenticator authenticator = new TestAuthenticator();
    private TestServer server;

    @BeforeAll
    static void pki() {
        pki = TestPki.create("OpenPostage Test CA");
        partnerB = pki.client("partner-b");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private void start(ClientAuth mode) {
        server = TestServer.start(pki.serverContext(pki.server()), mode,
                XmlServerBinding.builder(service, authenticator).build());
    }

    private PostalClient client(String apiKey, TlsSettings tls) {
        return PostalClients.connect(ClientConfig.builder().endpoint(server.uri()).apiKey(apiKey).tls(tls)
                .retryPolicy(new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(10))).build());
    }

    @Test
    void requiredRefusesAClientWithoutCertificateAtTheHandshake() throws IOException {
        start(ClientAuth.REQUIRED);
        // With either protocol the server ends the connection during the handshake: no HTTP byte comes back.
        assertTrue(rawExchange(pki.clientContext(), "TLSv1.2").startsWith("refused"));
        assertTrue(rawExchange(pki.clientContext(), "TLSv1.3").startsWith("refused"));
        // The same raw client with a certificate gets an answer, so the refusal is about the certificate.
        assertEquals("answered", rawExchange(pki.clientTrust(partnerB).sslContext(), "TLSv1.3"));
        service.calls(); // the answered request above reached the service; count from here
        int callsBefore = service.calls();
        // The SDK client reports it, with an API key even, and nothing reached the service.
        try (PostalClient client = client(TestAuthenticator.LIVE_KEY, pki.clientTrust())) {
            PostageException failure = assertThrows(PostageException.class, client::accountStatement);
            assertTrue(failure.getMessage().contains("TLS") || failure.getMessage().contains("connection"),
                    failure.toString());
        }
        assertEquals(callsBefore, service.calls());
        assertEquals(1, server.exchanges().size(), "only the request with a certificate was served");
    }

    @Test
    void requiredAcceptsACertificateFromTheTrustedCaAndIdentifiesTheCallerByIt() {
        start(ClientAuth.REQUIRED);
        try (PostalClient client = client(null, pki.clientTrust(partnerB))) {
            AccountStatement statement = client.accountStatement();
            assertEquals("partner-b", statement.partnerId());
            client.purchase(Samples.purchase(Samples.card()));
        }
        var credentials = authenticator.lastCredentials();
        assertEquals(null, credentials.apiKey());
        assertEquals("CN=partner-b", credentials.clientCertificates().get(0).getSubjectX500Principal().getName());
        assertTrue(service.lastContext().caller().credentialId().startsWith("cert:"));
    }

    @Test
    void requiredRefusesACertificateFromAnotherCa() {
        start(ClientAuth.REQUIRED);
        TestPki rogue = TestPki.create("Rogue CA");
        TlsSettings tls = TlsSettings.builder().trustStore(pki.trustStore())
                .clientKeyStore(rogue.client("partner-a").keyStore(), TestPki.PASSWORD).build();
        try (PostalClient client = client(TestAuthenticator.LIVE_KEY, tls)) {
            assertThrows(PostageException.class, client::accountStatement);
        }
        assertEquals(0, service.calls());
    }

    @Test
    void apiKeyOnlyModeAsksForNoCertificate() {
        start(ClientAuth.NONE);
        try (PostalClient client = client(TestAuthenticator.LIVE_KEY, pki.clientTrust(partnerB))) {
            assertEquals("partner-a", client.accountStatement().partnerId(), "identified by the API key");
        }
        assertTrue(authenticator.lastCredentials().clientCertificates().isEmpty(), "no certificate was asked for");
        try (PostalClient anonymous = client(null, pki.clientTrust())) {
            assertThrows(org.openpostage.api.error.AuthenticationException.class, anonymous::accountStatement);
        }
    }

    @Test
    void optionalModeTakesEitherCredential() {
        start(ClientAuth.OPTIONAL);
        try (PostalClient byKey = client(TestAuthenticator.TEST_KEY, pki.clientTrust());
             PostalClient byCert = client(null, pki.clientTrust(partnerB))) {
            assertEquals("partner-a", byKey.accountStatement().partnerId());
            assertEquals("partner-b", byCert.accountStatement().partnerId());
        }
    }

    /**
     * Handshakes with {@code protocol}, sends a request and reads the first response byte:
     * {@code "answered"}, or {@code "refused: <why>"} if the connection failed or closed first.
     */
    private String rawExchange(SSLContext tls, String protocol) {
        try (SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(),
                server.port())) {
            s.setEnabledProtocols(new String[] {protocol});
            s.setSoTimeout(5000);
            s.startHandshake();
            OutputStream out = s.getOutputStream();
            out.write(("GET /v1/account HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Api-Key: " + TestAuthenticator.LIVE_KEY
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            // read the whole answer (the request asked the server to close): once it has ended, the
            // test server has recorded the exchange
            return in.readAllBytes().length == 0 ? "refused: closed without a response" : "answered";
        } catch (IOException e) {
            return "refused: " + e;
        }
    }
}
