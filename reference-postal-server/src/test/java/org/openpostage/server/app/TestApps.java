package org.openpostage.server.app;

import java.net.URI;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.openpostage.api.CallContext;
import org.openpostage.api.ClientConfig;
import org.openpostage.api.PostalClient;
import org.openpostage.api.PostalClients;
import org.openpostage.api.PostalService;
import org.openpostage.api.RetryPolicy;
import org.openpostage.api.TlsSettings;
import org.openpostage.api.indicium.VerificationKeySet;
import org.openpostage.api.model.AccountStatement;
import org.openpostage.api.model.BackgroundCatalogue;
import org.openpostage.api.model.BatchPurchaseRequest;
import org.openpostage.api.model.BatchPurchaseResult;
import org.openpostage.api.model.PrintComponent;
import org.openpostage.api.model.Purchase;
import org.openpostage.api.model.PurchaseRequest;
import org.openpostage.api.model.QuoteRequest;
import org.openpostage.api.model.RateQuote;
import org.openpostage.api.model.Refund;
import org.openpostage.api.model.RefundRequest;
import org.openpostage.api.model.VerificationResult;
import org.openpostage.api.model.VerifyRequest;
import org.openpostage.api.spi.Credentials;
import org.openpostage.api.value.Mode;
import org.openpostage.api.value.Money;
import org.openpostage.server.PostalAdmin;
import org.openpostage.server.PostalCore;
import org.openpostage.server.config.AppConfig;
import org.openpostage.server.config.ServerConfig;
import org.openpostage.server.internal.tls.TlsFiles;

/** Apps on loopback with free ports, partners with funded meters, and clients for either transport. */
final class TestApps {
    private TestApps() {
    }

    /** An app on an H2 file in {@code dir}, ports 0, no timers. */
    static PostalServerApp start(Path dir) {
        return start(dir, b -> { });
    }

    /** Like {@link #start(Path)}, with changes to the configuration. */
    static PostalServerApp start(Path dir, Consumer<AppConfig.Builder> tweak) {
        AppConfig.Builder b = AppConfig.builder().xmlPort(0).grpcPort(0)
                .server(ServerConfig.builder().dataDir(dir).backgroundTasks(false).softwareKeysForLivePostage(true).build());
        tweak.accept(b);
        return PostalServerApp.start(b.build());
    }

    /**
     * A partner's keys and meters.
     *
     * @param testKey   a test-mode API key
     * @param liveKey   a live-mode API key
     * @param testMeter its default test meter
     * @param liveMeter its default live meter
     */
    record Partner(String testKey, String liveKey, long testMeter, long liveMeter) {
    }

    /** Creates partner {@code id} with a test and a live meter, each funded with {@code cents}. */
    static Partner partner(PostalCore core, String id, long cents) {
        PostalAdmin admin = core.admin();
        admin.createPartner(id, id);
        long test = admin.createMeter(id, Mode.TEST, core.currency()).meterId();
        long live = admin.createMeter(id, Mode.LIVE, core.currency()).meterId();
        admin.fundMeter(test, new Money(cents, core.currency()), "test");
        admin.fundMeter(live, new Money(cents, core.currency()), "test");
        // Scanner keys: the conformance kit checks that a second scan of a piece is seen as a duplicate.
        return new Partner(admin.issueApiKey(id, Mode.TEST, true).apiKey(), admin.issueApiKey(id, Mode.LIVE, true).apiKey(),
                test, live);
    }

    /** A client of {@code endpoint} trusting the app's CA. */
    static PostalClient client(PostalServerApp app, URI endpoint, String apiKey) {
        return client(endpoint, apiKey, TlsSettings.builder().trustCertificates(app.caCertificate()).build());
    }

    /**
     * A client of {@code endpoint} with {@code tls}, without retries, so that the server's own
     * answers reach the test: the conformance kit checks that a pending payment is reported as
     * pending, which a retrying client would hide by settling it on its retry.
     */
    static PostalClient client(URI endpoint, String apiKey, TlsSettings tls) {
        return client(endpoint, apiKey, tls, Duration.ofSeconds(60));
    }

    /** Like {@link #client(URI, String, TlsSettings)}, with a request timeout. */
    static PostalClient client(URI endpoint, String apiKey, TlsSettings tls, Duration timeout) {
        return PostalClients.connect(ClientConfig.builder().endpoint(endpoint).apiKey(apiKey).tls(tls)
                .connectTimeout(timeout).requestTimeout(timeout).retryPolicy(RetryPolicy.none()).build());
    }

    /** A client TLS context that trusts the certificates of {@code caPem} (the app's CA). */
    static SSLContext clientTrusting(Path caPem) throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(TlsFiles.trustStore(caPem));
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        return tls;
    }

    /**
     * Deletes {@code dir} and everything in it; quietly does nothing for {@code null}. A process still
     * exiting (a PostgreSQL removing its postmaster.pid) may delete files during the walk: the walk is
     * then repeated, a few times, and a temporary directory left behind is no test failure.
     */
    static void deleteTree(Path dir) {
        for (int attempt = 0; dir != null && attempt < 5 && java.nio.file.Files.exists(dir); attempt++) {
            try (java.util.stream.Stream<Path> paths = java.nio.file.Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (java.io.IOException | java.io.UncheckedIOException e) {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** The core reached in-process, authenticated with an API key on every call as a transport would. */
    static PostalService inProcess(PostalCore core, String apiKey) {
        return new KeyedService(core, apiKey);
    }

    private record KeyedService(PostalCore core, String apiKey) implements PostalService {
        private CallContext auth(CallContext c) {
            CallContext context = c == null ? CallContext.empty() : c;
            return context.ensureRequestId().withCaller(core.authenticator().authenticate(Credentials.apiKey(apiKey)));
        }

        @Override
        public RateQuote quote(QuoteRequest request, CallContext context) {
            return core.quote(request, auth(context));
        }

        @Override
        public Purchase purchase(PurchaseRequest request, CallContext context) {
            return core.purchase(request, auth(context));
        }

        @Override
        public BatchPurchaseResult purchaseBatch(BatchPurchaseRequest request, CallContext context) {
            return core.purchaseBatch(request, auth(context));
        }

        @Override
        public Refund refund(RefundRequest request, CallContext context) {
            return core.refund(request, auth(context));
        }

        @Override
        public AccountStatement accountStatement(CallContext context) {
            return core.accountStatement(auth(context));
        }

        @Override
        public BackgroundCatalogue backgrounds(CallContext context) {
            return core.backgrounds(auth(context));
        }

        @Override
        public VerificationKeySet verificationKeys(CallContext context) {
            return core.verificationKeys(auth(context));
        }

        @Override
        public PrintComponent printComponent(CallContext context) {
            return core.printComponent(auth(context));
        }

        @Override
        public VerificationResult verify(VerifyRequest request, CallContext context) {
            return core.verify(request, auth(context));
        }

        @Override
        public org.openpostage.api.model.PurchaseRecord lookupPurchase(
                org.openpostage.api.model.PurchaseLookupRequest request, CallContext context) {
            return core.lookupPurchase(request, auth(context));
        }

        @Override
        public org.openpostage.api.model.PurchasePage listPurchases(org.openpostage.api.model.PurchaseListRequest request,
                                                                     CallContext context) {
            return core.listPurchases(request, auth(context));
        }

        @Override
        public org.openpostage.api.model.JournalExport exportJournal(
                org.openpostage.api.model.JournalExportRequest request, CallContext context) {
            return core.exportJournal(request, auth(context));
        }
    }
}
