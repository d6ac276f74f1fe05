package org.openpostage.server.app;

import org.openpostage.api.PostalService;

/** The conformance kit against the core, called in-process. */
class InProcessConformanceTest extends AppConformanceTest {
    @Override
    PostalService connect(PostalServerApp app, String apiKey) {
        return TestApps.inProcess(app.core(), apiKey);
    }
}
