package org.openpostage.server.app;

import org.openpostage.api.PostalService;

/** The conformance kit against the app's gRPC endpoint over TLS, through the gRPC client. */
class GrpcConformanceTest extends AppConformanceTest {
    @Override
    PostalService connect(PostalServerApp app, String apiKey) {
        return track(TestApps.client(app, app.grpcEndpoint(), apiKey));
    }
}
