package org.openpostage.benchmarks.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.openpostage.api.value.Mode;
import org.openpostage.api.value.Money;
import org.openpostage.server.model.MeterAudit;
import org.openpostage.server.PostalAdmin;
import org.openpostage.server.config.ServerConfig;
import org.openpostage.server.config.AppConfig;
import org.openpostage.server.app.PostalServerApp;

/**
 * The postal server side of the load driver: a {@link PostalServerApp} on loopback with a partner,
 * funded test meters and an API key. {@link LoadDriver} runs it in its own JVM ({@link #open}) or
 * starts this class's {@link #main} as a separate process ({@code --server process}), so that the
 * clients' CPU and memory do not hide the server's; the child then answers commands on its
 * standard input ({@code audit}, {@code dbsize}, {@code quit}), one line each.
 */
public final class LoadServer implements AutoCloseable {
    /** What a client needs to know about the running server. */
    record Info(URI grpc, URI xml, Path ca, String apiKey, long[] meters, long pid) {
    }

    /** The ledger audit: indicia issued on the driver's meters and the problems found. */
    record Audit(long issued, long problems, String firstProblem) {
    }

    private final PostalServerApp app;
    private final Info info;
    private final Path dataDir;
    private final String jdbcUrl;
    private final String jdbcUser;

    private LoadServer(PostalServerApp app, Info info, Path dataDir, String jdbcUrl, String jdbcUser) {
        this.app = app;
        this.info = info;
        this.dataDir = dataDir;
        this.jdbcUrl = jdbcUrl;
        this.jdbcUser = jdbcUser;
    }

    /**
     * Starts a server in this JVM. Options: {@code meters}, {@code jdbc} (with its schema already
     * chosen), {@code jdbc-user}, {@code h2-options} (settings added to the default H2 URL),
     * {@code pool}, {@code psd}, {@code token-label}, {@code pkcs11-library}, {@code server-warm-up} (seconds: the
     * server's {@code warm-up}, a warm-up pass before it starts).
     */
    static LoadServer open(Map<String, String> o, Path dataDir) {
        int meters = Integer.parseInt(o.getOrDefault("meters", "4"));
        ServerConfig.Builder server = ServerConfig.builder().dataDir(dataDir).backgroundTasks(false)
                .softwareKeysForLivePostage(true);
        if (o.containsKey("pool")) {
            server.poolSize(Integer.parseInt(o.get("pool")));
        }
        if ("pkcs11".equals(o.get("psd"))) {
            String pin = System.getenv("OPENPOSTAGE_PSD_PKCS11_PIN");
            server.signingDevice(ServerConfig.SigningDevice.PKCS11).pkcs11TokenLabel(o.get("token-label"))
                    .pkcs11Library(Path.of(o.getOrDefault("pkcs11-library", ServerConfig.SOFTHSM2_LIBRARY.toString())))
                    .pkcs11Pin(pin == null ? null : pin.toCharArray());
        }
        String url = o.get("jdbc");
        if (url == null && o.containsKey("h2-options")) {
            // The server's own H2 URL with settings added, e.g. ";CACHE_SIZE=262144" (KB).
            server.jdbcUrl(ServerConfig.builder().dataDir(dataDir).build().jdbcUrl() + o.get("h2-options"));
        }
        if (url != null) {
            server.jdbcUrl(url);
            if (o.containsKey("jdbc-user")) {
                server.jdbcUser(o.get("jdbc-user"));
            }
        }
        PostalServerApp app = PostalServerApp.start(AppConfig.builder().xmlPort(0).grpcPort(0).server(server.build())
                .warmUp(Duration.ofSeconds(Integer.parseInt(o.getOrDefault("server-warm-up", "0")))).build());
        try {
            PostalAdmin admin = app.admin();
            String partner = "load-" + Long.toString(System.nanoTime(), 36);
            admin.createPartner(partner, "Load driver");
            long[] meterIds = new long[meters];
            for (int i = 0; i < meters; i++) {
                meterIds[i] = admin.createMeter(partner, Mode.TEST, app.core().currency()).meterId();
                admin.fundMeter(meterIds[i], new Money(100_000_000_000L, app.core().currency()), "load");
            }
            String apiKey = admin.issueApiKey(partner, Mode.TEST).apiKey();
            Info info = new Info(app.grpcEndpoint(), app.xmlEndpoint(), app.caCertificate(), apiKey, meterIds,
                    ProcessHandle.current().pid());
            return new LoadServer(app, info, dataDir, url, o.get("jdbc-user"));
        } catch (RuntimeException e) {
            app.close();
            throw e;
        }
    }

    Info info() {
        return info;
    }

    /** Audits the ledger ({@link PostalAdmin#audit}) over the driver's meters. */
    Audit audit() {
        List<MeterAudit> audit = app.admin().audit();
        long issued = 0;
        long problems = 0;
        String first = null;
        for (MeterAudit a : audit) {
            if (Arrays.stream(info.meters()).anyMatch(id -> id == a.meterId())) {
                issued += a.lastSerial();
            }
            problems += a.problems().size();
            if (first == null && !a.problems().isEmpty()) {
                first = "meter " + a.meterId() + ": " + a.problems().get(0);
            }
        }
        return new Audit(issued, problems, first);
    }

    /**
     * The ledger's size in bytes: H2's file, or on PostgreSQL every table of the run's schema with
     * its indexes and TOAST ({@code pg_total_relation_size}).
     */
    long databaseBytes() {
        try {
            if (jdbcUrl == null) {
                Path file = dataDir.resolve("ledger.mv.db");
                return Files.exists(file) ? Files.size(file) : 0;
            }
            try (Connection c = DriverManager.getConnection(jdbcUrl, jdbcUser, null);
                 Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) FROM pg_class c"
                         + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema()"
                         + " AND c.relkind = 'r'")) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        } catch (IOException | SQLException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        app.close();
    }

    /**
     * The server as a separate process: prints one {@code READY key=value ...} line, then answers
     * the commands it reads until {@code quit} or the end of its input. Options as {@link #open},
     * plus {@code data-dir}.
     */
    public static void main(String[] args) throws IOException {
        Map<String, String> o = LoadDriver.options(args);
        try (PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
                StandardCharsets.UTF_8); LoadServer server = open(o, Path.of(o.get("data-dir")))) {
            Info i = server.info();
            out.println("READY grpc=" + i.grpc() + " xml=" + i.xml() + " ca=" + i.ca() + " key=" + i.apiKey()
                    + " meters=" + Arrays.stream(i.meters()).mapToObj(Long::toString).collect(Collectors.joining(","))
                    + " pid=" + i.pid());
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null; ) {
                switch (line.strip()) {
                    case "audit" -> {
                        Audit a = server.audit();
                        out.println("AUDIT " + a.issued() + " " + a.problems() + " "
                                + (a.firstProblem() == null ? "-" : a.firstProblem().replace('\n', ' ')));
                    }
                    case "dbsize" -> out.println("DBSIZE " + server.databaseBytes());
                    case "quit" -> {
                        return;
                    }
                    default -> out.println("ERROR unknown command");
                }
            }
        }
    }
}
