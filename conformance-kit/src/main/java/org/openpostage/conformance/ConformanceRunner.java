package org.openpostage.conformance;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs the conformance suite against a postal server's endpoint, from the command line:
 *
 * <pre>
 * java -cp 'conformance-kit.jar:lib/*' org.openpostage.conformance.ConformanceRunner conformance.properties
 * </pre>
 *
 * <p>The properties (a file, and/or {@code key=value} arguments that override it):
 * <ul>
 *   <li>{@code endpoint} (required): {@code https://host:8443} or {@code grpcs://host:9443}; the
 *       matching transport module must be on the class path;</li>
 *   <li>{@code apiKey} (required): a <b>test-mode</b> key of a partner whose default test meter holds
 *       at least 1,000.00 and that nothing else uses during the run;</li>
 *   <li>{@code trustCertificates}, {@code trustStore}, {@code trustStorePassword}, {@code clientKeyStore},
 *       {@code clientKeyStorePassword}, {@code requestTimeout}: as in {@code ClientConfig.fromProperties};</li>
 *   <li>{@code cards.approved}, {@code cards.declined}, {@code cards.insufficientFunds}, {@code cards.pending}
 *       (or {@code none}): the server's test card numbers (defaults: the reference server's);</li>
 *   <li>{@code liveApiKey}, {@code otherModeMeterId}, {@code settleTimeout} (ISO-8601),
 *       {@code piece.mailClass}, {@code piece.weightGrams}, {@code piece.origin}, {@code piece.destination}:
 *       optional.</li>
 * </ul>
 * Exit code 0 when every test passed (skips allowed), 1 otherwise, 2 for a usage error.
 */
public final class ConformanceRunner {
    private ConformanceRunner() {
    }

    /** Runs the suite; see the class documentation for the arguments. */
    public static void main(String[] args) throws IOException {
        Properties settings = new Properties();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq > 0) {
                settings.setProperty(arg.substring(0, eq), arg.substring(eq + 1));
            } else if (Files.isRegularFile(Path.of(arg))) {
                Properties file = new Properties();
                try (Reader r = Files.newBufferedReader(Path.of(arg), StandardCharsets.UTF_8)) {
                    file.load(r);
                }
                file.forEach(settings::putIfAbsent);
            } else {
                System.err.println("not a properties file or key=value: " + arg);
                System.exit(2);
            }
        }
        if (settings.getProperty("endpoint") == null || settings.getProperty("apiKey") == null) {
            System.err.println("usage: ConformanceRunner [conformance.properties] [endpoint=URI] [apiKey=KEY] [key=value...]");
            System.exit(2);
        }
        settings.forEach((k, v) -> System.setProperty(EndpointConformanceTest.PREFIX + k, (String) v));

        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(EndpointConformanceTest.class)).build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        launcher.execute(request, listener);
        TestExecutionSummary summary = listener.getSummary();
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        summary.printTo(out);
        summary.printFailuresTo(out, 5);
        System.exit(summary.getTotalFailureCount() == 0 && summary.getTestsSucceededCount() > 0 ? 0 : 1);
    }
}
