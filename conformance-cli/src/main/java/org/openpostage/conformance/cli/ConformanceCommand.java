package org.openpostage.conformance.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.openpostage.api.PostalClients;
import org.openpostage.conformance.ConformanceRunner;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The conformance kit as one command: runs the whole contract suite against a postal server given
 * its endpoint, a test API key and the CA to trust, prints a readable report and writes JUnit XML.
 *
 * <pre>
 * java -jar openpostage-conformance.jar --endpoint https://postal.example:8443 \
 *      --api-key "$OPENPOSTAGE_API_KEY" --ca postal-ca.pem --reports conformance-reports
 * </pre>
 *
 * Exit code 0 when the server conforms, 1 when a test failed, 2 for a usage error. See
 * docs/conformance.md for what the server must be set up with.
 */
@Command(name = "openpostage-conformance", mixinStandardHelpOptions = true,
        versionProvider = ConformanceCommand.Version.class, sortOptions = false, usageHelpWidth = 110,
        description = {"Runs the OpenPostage contract suite against a postal server over XML (https://) or gRPC "
                + "(grpcs://), prints a report and writes JUnit XML.", ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the server conforms (every test passed; skips allowed)", "1:a test failed",
                "2:a usage error"})
public final class ConformanceCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--endpoint", paramLabel = "URI",
            description = "The server: https://host:port (XML over HTTPS) or grpcs://host:port (gRPC over TLS).")
    String endpoint;

    @Option(names = "--api-key", paramLabel = "KEY", defaultValue = "${env:OPENPOSTAGE_API_KEY}",
            description = "A test-mode API key of a partner whose test meter holds at least 1,000.00 and that "
                    + "nothing else uses during the run (default: $OPENPOSTAGE_API_KEY).")
    String apiKey;

    @Option(names = "--ca", paramLabel = "PEM", description = "The CA certificates to trust (PEM), instead of the JDK's.")
    Path ca;

    @Option(names = "--client-key-store", paramLabel = "P12",
            description = "A PKCS#12 client certificate and key, for servers that require mutual TLS.")
    Path clientKeyStore;

    @Option(names = "--client-key-store-password", paramLabel = "PASSWORD",
            defaultValue = "${env:OPENPOSTAGE_CLIENT_KEY_STORE_PASSWORD}",
            description = "Its password (default: $OPENPOSTAGE_CLIENT_KEY_STORE_PASSWORD).")
    String clientKeyStorePassword;

    @Option(names = "--live-api-key", paramLabel = "KEY", defaultValue = "${env:OPENPOSTAGE_LIVE_API_KEY}",
            description = "A live-mode key of a funded partner: enables the tests of valid, duplicate and refunded "
                    + "live postage (default: $OPENPOSTAGE_LIVE_API_KEY).")
    String liveApiKey;

    @Option(names = "--settings", paramLabel = "FILE",
            description = "A properties file with any of the runner's settings (docs/conformance.md); options win.")
    Path settingsFile;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "One setting, for example cards.approved=4242424242424242 or cards.pending=none; repeatable.")
    Map<String, String> set = new LinkedHashMap<>();

    @Option(names = "--reports", paramLabel = "DIR", defaultValue = "conformance-reports",
            description = "Where to write the JUnit XML report (default: ${DEFAULT-VALUE}).")
    Path reports;

    @Option(names = "--test", paramLabel = "REGEX",
            description = "Run only the tests whose qualified method name matches, such as '.*Refunds#.*'; repeatable.")
    List<String> tests = new ArrayList<>();

    /** Runs the command and exits with its code. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command, with usage errors answered by exit code 2. */
    public static CommandLine commandLine() {
        return new CommandLine(new ConformanceCommand()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        Map<String, String> settings = new LinkedHashMap<>();
        if (settingsFile != null) {
            settings.putAll(ConformanceRunner.settings(settingsFile));
        }
        settings.putAll(set);
        put(settings, "endpoint", endpoint);
        put(settings, "apiKey", apiKey);
        put(settings, "trustCertificates", ca);
        put(settings, "clientKeyStore", clientKeyStore);
        put(settings, "clientKeyStorePassword", clientKeyStorePassword);
        put(settings, "liveApiKey", liveApiKey);
        if (settings.get("endpoint") == null || settings.get("apiKey") == null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--endpoint and --api-key (or $OPENPOSTAGE_API_KEY, or the settings file) are required");
        }
        String scheme = java.net.URI.create(settings.get("endpoint")).getScheme();
        if (PostalClients.providers().stream().noneMatch(p -> p.schemes().contains(scheme))) {
            throw new CommandLine.ParameterException(spec.commandLine(), "no transport handles '" + scheme
                    + "': use https:// (XML) or grpcs:// (gRPC)");
        }
        ConformanceRunner.Result result = ConformanceRunner.run(settings, out, reports, tests);
        out.println("JUnit XML: " + result.junitXml());
        out.flush();
        return result.conforms() ? 0 : 1;
    }

    private static void put(Map<String, String> settings, String key, Object value) {
        if (value != null && !value.toString().isBlank()) {
            settings.put(key, value.toString());
        }
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = ConformanceCommand.class.getPackage().getImplementationVersion();
            return new String[] {"openpostage-conformance " + (v == null ? "(development build)" : v),
                    "transports: " + PostalClients.providers().stream().map(p -> p.name() + " " + p.schemes()).toList()};
        }
    }
}
