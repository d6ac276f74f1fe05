package org.openpostage.portal;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.openpostage.api.indicium.VerificationKeySet;
import org.openpostage.portal.config.PortalConfig;
import org.openpostage.server.app.PostalServerApp;
import org.openpostage.server.config.AppConfig;

/**
 * One postal server (ports 0, a temporary data directory, demo partners) and two portals for
 * the whole test run: {@code paper-shop} over XML ({@code https://}) and {@code market} over gRPC
 * ({@code grpcs://}), each with its partner's live key. Started on first use, stopped at exit.
 */
final class World {
    private static World instance;

    final Path dir;
    final PostalServerApp server;
    final PortalApp paperShop;
    final PortalApp market;
    private final Properties keys = new Properties();

    private World() throws IOException {
        dir = Files.createTempDirectory("portal-test");
        server = PostalServerApp.start(AppConfig.fromProperties(Map.of(
                "data.dir", dir.resolve("postal").toString(), "xml.port", "0", "grpc.port", "0", "demo", "true",
                "background-tasks", "false")));
        try (Reader r = Files.newBufferedReader(dir.resolve("postal").resolve("demo-api-keys.properties"))) {
            keys.load(r);
        }
        // Paper Shop prints on A4, Market Stall on US Letter (the default of a shop in the US).
        paperShop = PortalApp.start(portal("paper-shop", "Paper Shop", "#1f5f8b", server.xmlEndpoint().toString(),
                keys.getProperty("paper-shop.live")).with("portal.paper", "a4"));
        market = PortalApp.start(portal("market", "Market Stall", "#7a3e9d", server.grpcEndpoint().toString(),
                keys.getProperty("market.live")));
        Runtime.getRuntime().addShutdownHook(new Thread(this::close));
    }

    static synchronized World get() {
        if (instance == null) {
            try {
                instance = new World();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return instance;
    }

    private PortalConfig portal(String partner, String name, String colour, String endpoint, String apiKey) {
        return portal(partner, name, colour, endpoint, apiKey, dir.resolve(partner));
    }

    /** A test portal's configuration; the background resolver is off, tests run its passes themselves. */
    private PortalConfig portal(String partner, String name, String colour, String endpoint, String apiKey, Path data) {
        return PortalConfig.fromProperties(Map.of("postal.endpoint", endpoint, "postal.api-key", apiKey,
                "postal.trust-certificates", server.caCertificate().toString(), "portal.name", name,
                "portal.colour", colour, "portal.partner", partner, "portal.port", "0",
                "portal.data-dir", data.toString(), "portal.resolve-interval", "0"));
    }

    /** Another portal of {@code partner} (live key, own database) reaching the postal server at {@code endpoint}; the caller closes it. */
    PortalApp extraPortal(String partner, String name, java.net.URI endpoint) throws IOException {
        return extraPortal(partner, name, endpoint, Files.createTempDirectory(dir, name.replace(' ', '-')), Map.of());
    }

    /**
     * Another portal of {@code partner} on the database in {@code data} (a second node, when another
     * portal uses it too) with {@code settings} on top of the test defaults; the caller closes it.
     */
    PortalApp extraPortal(String partner, String name, java.net.URI endpoint, Path data, Map<String, String> settings) {
        PortalConfig config = portal(partner, name, "#555555", endpoint.toString(), keys.getProperty(partner + ".live"), data);
        for (Map.Entry<String, String> e : settings.entrySet()) {
            config = config.with(e.getKey(), e.getValue());
        }
        return PortalApp.start(config);
    }

    /** The postal server's TLS directory: {@code server.p12} and {@code keystore.password} (docs/operations.md). */
    Path serverTls() {
        return dir.resolve("postal").resolve("tls");
    }

    /** The keys that verify the server's indicia. */
    VerificationKeySet keys() {
        try (org.openpostage.api.PostalClient client = org.openpostage.api.PostalClients.connect(
                paperShop.config().clientConfig())) {
            return client.verificationKeys();
        }
    }

    private void close() {
        market.close();
        paperShop.close();
        server.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind
        }
    }
}
