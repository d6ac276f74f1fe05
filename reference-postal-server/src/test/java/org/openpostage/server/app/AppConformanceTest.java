package org.openpostage.server.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.openpostage.api.PostalClient;
import org.openpostage.api.PostalService;
import org.openpostage.conformance.ConformanceFixture;
import org.openpostage.conformance.PostalServiceContract;

/**
 * The conformance kit against a started {@link PostalServerApp} on H2, through one target
 * (in-process, XML client or gRPC client); each subclass names its target.
 */
abstract class AppConformanceTest extends PostalServiceContract {
    private static final long FUNDS = 500_000; // 5,000.00: the kit needs at least 1,000.00

    private Path dir;
    private PostalServerApp app;
    private final List<PostalClient> clients = new ArrayList<>();

    /** The service of the target, authenticated with {@code apiKey}. */
    abstract PostalService connect(PostalServerApp app, String apiKey);

    /** Remembers a client, to close it after the tests. */
    final PostalService track(PostalClient client) {
        clients.add(client);
        return client;
    }

    @Override
    protected ConformanceFixture createFixture() {
        try {
            dir = Files.createTempDirectory("conformance");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        app = TestApps.start(dir);
        TestApps.Partner p = TestApps.partner(app.core(), "conformance", FUNDS);
        return ConformanceFixture.builder()
                .service(connect(app, p.testKey()))
                .unauthenticated(connect(app, "op_test_not_a_key_of_this_server"))
                .live(connect(app, p.liveKey()))
                .otherModeMeterId(p.liveMeter())
                .reconcile(app.core()::reconcile)
                .build();
    }

    @AfterAll
    void stop() {
        clients.forEach(PostalClient::close);
        if (app != null) {
            app.close();
        }
        TestApps.deleteTree(dir);
    }
}
