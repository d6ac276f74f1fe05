package org.openpostage.conformance;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.MethodFilter;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;
import org.junit.platform.reporting.legacy.xml.LegacyXmlReportGeneratingListener;

/**
 * Runs the conformance suite ({@link EndpointConformanceTest}) against a postal server's endpoint:
 * prints a readable report as it goes ({@link ConformanceReport}) and, when asked, writes JUnit XML
 * that CI servers read. The one-command form for postal operators is the {@code openpostage-conformance}
 * jar (module conformance-cli, docs/conformance.md); {@link #main} is the same without options:
 *
 * <pre>
 * java -cp 'conformance-kit.jar:lib/*' org.openpostage.conformance.ConformanceRunner conformance.properties
 * </pre>
 *
 * <p>The settings (a properties file, and/or {@code key=value} arguments that override it):
 * <ul>
 *   <li>{@code endpoint} (required): {@code https://host:8443} or {@code grpcs://host:9443}; the
 *       matching transport module must be on the class path;</li>
 *   <li>{@code apiKey} (required): a <b>test-mode</b> key of a partner whose default test meter holds
 *       at least 1,000.00 and that nothing else uses during the run;</li>
 *   <li>{@code trustCertificates}, {@code trustStore}, {@code trustStorePassword}, {@code clientKeyStore},
 *       {@code clientKeyStorePassword}, {@code requestTimeout}: as in {@code ClientConfig.fromProperties};</li>
 *   <li>{@code cards.approved}, {@code cards.declined}, {@code cards.insufficientFunds}, {@code cards.pending}
 *       (or {@code none}): the server's test card numbers (defaults: the reference server's);</li>
 *   <li>{@code liveApiKey}, {@code otherModeMeterId}, {@code settleTimeout} (a duration such as {@code 30s}),
 *       {@code piece.mailClass}, {@code piece.weightGrams}, {@code piece.origin}, {@code piece.destination}:
 *       optional.</li>
 * </ul>
 * Exit code 0 when every test passed (skips allowed), 1 otherwise, 2 for a usage error.
 */
public final class ConformanceRunner {
    private ConformanceRunner() {
    }

    /**
     * What a run found.
     *
     * @param passed   tests that passed
     * @param failed   tests that failed or aborted with an error
     * @param skipped  tests skipped (a part of the fixture missing, for example no live key)
     * @param junitXml the JUnit XML report written, or {@code null}
     */
    public record Result(long passed, long failed, long skipped, Path junitXml) {
        /** Whether the server conforms: some test passed and none failed. */
        public boolean conforms() {
            return failed == 0 && passed > 0;
        }
    }

    /**
     * Runs the suite against the server {@code settings} describe (the keys above, without prefix).
     *
     * @param settings      the settings; {@code endpoint} and {@code apiKey} are required
     * @param out           where the readable report goes
     * @param junitXmlDir   where to write JUnit XML ({@code TEST-junit-jupiter.xml}), or {@code null} for none
     * @param methodPatterns regular expressions over the tests' fully qualified method names
     *                       ({@code ...PostalServiceContract$Refunds#once}, without parameters) to run only some; empty for all
     * @throws IllegalArgumentException if {@code endpoint} or {@code apiKey} is missing
     */
    public static Result run(Map<String, String> settings, PrintWriter out, Path junitXmlDir,
                             List<String> methodPatterns) {
        Objects.requireNonNull(out, "out");
        if (settings.get("endpoint") == null || settings.get("apiKey") == null) {
            throw new IllegalArgumentException("endpoint and apiKey are required");
        }
        Map<String, String> saved = new TreeMap<>();
        settings.forEach((k, v) -> {
            String name = EndpointConformanceTest.PREFIX + k;
            String old = System.setProperty(name, v);
            saved.put(name, old);
        });
        try {
            LauncherDiscoveryRequestBuilder request = LauncherDiscoveryRequestBuilder.request()
                    .selectors(selectClass(EndpointConformanceTest.class));
            if (!methodPatterns.isEmpty()) {
                request.filters(MethodFilter.includeMethodNamePatterns(methodPatterns.toArray(String[]::new)));
            }
            LauncherDiscoveryRequest discovery = request.build();
            List<TestExecutionListener> listeners = new ArrayList<>();
            SummaryGeneratingListener summary = new SummaryGeneratingListener();
            listeners.add(summary);
            listeners.add(new ConformanceReport(out, settings.get("endpoint")));
            if (junitXmlDir != null) {
                try {
                    Files.createDirectories(junitXmlDir);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot create " + junitXmlDir, e);
                }
                listeners.add(new LegacyXmlReportGeneratingListener(junitXmlDir, out));
            }
            Launcher launcher = LauncherFactory.create();
            launcher.execute(discovery, listeners.toArray(TestExecutionListener[]::new));
            TestExecutionSummary s = summary.getSummary();
            out.flush();
            return new Result(s.getTestsSucceededCount(), s.getTotalFailureCount(),
                    s.getTestsSkippedCount() + s.getTestsAbortedCount(),
                    junitXmlDir == null ? null : junitXmlDir.resolve("TEST-junit-jupiter.xml"));
        } finally {
            saved.forEach((name, old) -> {
                if (old == null) {
                    System.clearProperty(name);
                } else {
                    System.setProperty(name, old);
                }
            });
        }
    }

    /** Runs the suite; see the class documentation for the arguments. */
    public static void main(String[] args) throws IOException {
        Map<String, String> settings = new TreeMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq > 0) {
                settings.put(arg.substring(0, eq), arg.substring(eq + 1));
            } else if (Files.isRegularFile(Path.of(arg))) {
                settings(Path.of(arg)).forEach(settings::putIfAbsent);
            } else {
                System.err.println("not a properties file or key=value: " + arg);
                System.exit(2);
            }
        }
        if (settings.get("endpoint") == null || settings.get("apiKey") == null) {
            System.err.println("usage: ConformanceRunner [conformance.properties] [endpoint=URI] [apiKey=KEY] [key=value...]");
            System.exit(2);
        }
        Result result = run(settings, new PrintWriter(System.out, true, StandardCharsets.UTF_8), null, List.of());
        System.exit(result.conforms() ? 0 : 1);
    }

    /** The settings in properties file {@code file}. */
    public static Map<String, String> settings(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        Map<String, String> m = new TreeMap<>();
        p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k)));
        return m;
    }
}
