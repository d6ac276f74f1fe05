package org.openpostage.transport.grpc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import org.openpostage.api.ClientConfig;
import org.openpostage.api.PostalService;
import org.openpostage.conformance.transport.TransportContract;
import org.openpostage.conformance.transport.TransportHarness;

/** The transport test kit's fault-injection suite over gRPC and TLS. */
class GrpcTransportContractTest extends TransportContract {

    @Override
    protected TransportHarness harness() {
        TestPki pki = TestPki.get();
        return new TransportHarness() {
            @Override
            public String name() {
                return "grpc";
            }

            @Override
            public Server start(PostalService service, boolean requireClientCertificate) {
                GrpcServerOptions.Builder options = GrpcServerOptions.builder().bindAddress("127.0.0.1").port(0)
                        .tlsPem(pki.serverChainPem, pki.serverKeyPem);
                if (requireClientCertificate) {
                    options.clientAuth(GrpcServerOptions.ClientAuth.REQUIRE, pki.caPem);
                }
                GrpcServerBinding binding;
                try {
                    binding = new GrpcServerBinding(service, new TestAuthenticator(), options.build()).start();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return new Server() {
                    @Override
                    public int port() {
                        return binding.port();
                    }

                    @Override
                    public void close() {
                        binding.close();
                    }
                };
            }

            @Override
            public URI endpoint(int port) {
                return URI.create("grpcs://localhost:" + port);
            }

            @Override
            public ClientConfig.Builder client(URI endpoint, boolean withClientCertificate) {
                return ClientConfig.builder().endpoint(endpoint).apiKey(TestAuthenticator.TEST_KEY)
                        .tls(withClientCertificate ? pki.withClientCertificate(pki.clientP12) : pki.trustOnly());
            }
        };
    }
}
