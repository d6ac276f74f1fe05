package org.openpostage.server.app;

import org.openpostage.api.PostalService;

/** The conformance kit against the app's XML endpoint over HTTPS, through the XML client. */
class XmlConformanceTest extends AppConformanceTest {
    @Override
    PostalService connect(PostalServerApp app, String apiKey) {
        return track(TestApps.client(app, app.xmlEndpoint(), apiKey));
    }
}
