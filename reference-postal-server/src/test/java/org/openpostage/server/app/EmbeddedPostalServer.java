package org.openpostage.server.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.openpostage.server.config.AppConfig;

/**
 * A reference postal server for other modules' tests (the Spring Boot starter, the example shop,
 * the conformance command): started on loopback with ephemeral ports and real TLS (its own
 * development CA), an H2 ledger in a temporary directory, no background timers, and one partner
 * whose test and live meters each hold 5,000.00. Shipped in this module's test jar; nothing may
 * depend on the reference server outside test scope.
 *
 * <pre>{@code
 * try (EmbeddedPostalServer postal = EmbeddedPostalServer.start()) {
 *     ClientConfig config = ClientConfig.builder().endpoint(postal.xmlEndpoint()).apiKey(postal.testApiKey())
 *             .tls(TlsSettings.builder().trustCertificates(postal.caCertificate()).build()).build();
 * }
 * }</pre>
 */
public final class EmbeddedPostalServer implements AutoCloseable {
    /** What each of the partner's meters holds at the start, in cents: 5,000.00. */
    public static final long FUNDS = 500_000;

    private final Path dir;
    private final PostalServerApp app;
    private final TestApps.Partner partner;

    private EmbeddedPostalServer(Path dir, PostalServerApp app, TestApps.Partner partner) {
        this.dir = dir;
        this.app = app;
        this.partner = partner;
    }

    /** Starts a server with the defaults described above. */
    public static EmbeddedPostalServer start() {
        return start(b -> { });
    }

    /** Starts a server whose configuration {@code tweak} adjusts (client certificates, for example). */
    public static EmbeddedPostalServer start(Consumer<AppConfig.Builder> tweak) {
        Path dir;
        try {
            dir = Files.createTempDirectory("embedded-postal");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        PostalServerApp app = null;
        try {
            app = TestApps.start(dir, tweak);
            return new EmbeddedPostalServer(dir, app, TestApps.partner(app.core(), "embedded", FUNDS));
        } catch (RuntimeException e) {
            if (app != null) {
                app.close();
            }
            TestApps.deleteTree(dir);
            throw e;
        }
    }

    /** The XML endpoint, {@code https://localhost:port}. */
    public URI xmlEndpoint() {
        return app.xmlEndpoint();
    }

    /** The gRPC endpoint, {@code grpcs://localhost:port}. */
    public URI grpcEndpoint() {
        return app.grpcEndpoint();
    }

    /** The PEM file of the server's development CA, for clients to trust. */
    public Path caCertificate() {
        return app.caCertificate();
    }

    /** A test-mode API key of the partner (a scanner key: verifying records scans). */
    public String testApiKey() {
        return partner.testKey();
    }

    /** A live-mode API key of the partner. */
    public String liveApiKey() {
        return partner.liveKey();
    }

    /** The partner's default test meter. */
    public long testMeterId() {
        return partner.testMeter();
    }

    /** The partner's default live meter. */
    public long liveMeterId() {
        return partner.liveMeter();
    }

    /** The running application, for what the accessors above do not cover. */
    public PostalServerApp app() {
        return app;
    }

    /** Stops the server and deletes its data. */
    @Override
    public void close() {
        app.close();
        TestApps.deleteTree(dir);
    }
}
