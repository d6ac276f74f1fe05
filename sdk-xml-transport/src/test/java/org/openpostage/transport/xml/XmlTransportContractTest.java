package org.openpostage.transport.xml;

import java.net.URI;
import org.openpostage.api.ClientConfig;
import org.openpostage.api.PostalService;
import org.openpostage.conformance.transport.TransportContract;
import org.openpostage.conformance.transport.TransportHarness;
import org.openpostage.transport.xml.testing.TestAuthenticator;
import org.openpostage.transport.xml.testing.TestPki;
import org.openpostage.transport.xml.testing.TestServer;

/** The transport test kit's fault-injection suite over XML and HTTPS (the JDK's HTTPS server). */
class XmlTransportContractTest extends TransportContract {
    private static final TestPki PKI = TestPki.create("OpenPostage XML contract CA");

    @Override
    protected TransportHarness harness() {
        return new TransportHarness() {
            @Override
            public String name() {
                return "xml";
            }

            @Override
            public Server start(PostalService service, boolean requireClientCertificate) {
                TestServer server = TestServer.start(PKI.serverContext(PKI.server()), requireClientCertificate
                                ? XmlHttpsConfigurator.ClientAuth.REQUIRED : XmlHttpsConfigurator.ClientAuth.NONE,
                        XmlServerBinding.builder(service, new TestAuthenticator()).build());
                return new Server() {
                    @Override
                    public int port() {
                        return server.port();
                    }

                    @Override
                    public void close() {
                        server.close();
                    }
                };
            }

            @Override
            public URI endpoint(int port) {
                return URI.create("https://localhost:" + port);
            }

            @Override
            public ClientConfig.Builder client(URI endpoint, boolean withClientCertificate) {
                return ClientConfig.builder().endpoint(endpoint).apiKey(TestAuthenticator.TEST_KEY)
                        .tls(withClientCertificate ? PKI.clientTrust(PKI.client("partner-a")) : PKI.clientTrust());
            }
        };
    }
}
