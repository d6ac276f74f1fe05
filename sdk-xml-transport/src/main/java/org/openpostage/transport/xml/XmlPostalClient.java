package org.openpostage.transport.xml;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.openpostage.api.CallContext;
import org.openpostage.api.ClientConfig;
import org.openpostage.api.PostalClient;
import org.openpostage.api.PostalOperation;
import org.openpostage.api.error.ConfigurationException;
import org.openpostage.api.indicium.VerificationKeySet;
import org.openpostage.api.model.AccountStatement;
import org.openpostage.api.model.BackgroundCatalogue;
import org.openpostage.api.model.BatchPurchaseRequest;
import org.openpostage.api.model.BatchPurchaseResult;
import org.openpostage.api.model.JournalExport;
import org.openpostage.api.model.JournalExportRequest;
import org.openpostage.api.model.PrintComponent;
import org.openpostage.api.model.Purchase;
import org.openpostage.api.model.PurchaseListRequest;
import org.openpostage.api.model.PurchaseLookupRequest;
import org.openpostage.api.model.PurchasePage;
import org.openpostage.api.model.PurchaseRecord;
import org.openpostage.api.model.PurchaseRequest;
import org.openpostage.api.model.QuoteRequest;
import org.openpostage.api.model.RateQuote;
import org.openpostage.api.model.Refund;
import org.openpostage.api.model.RefundRequest;
import org.openpostage.api.model.VerificationResult;
import org.openpostage.api.model.VerifyRequest;
import org.openpostage.api.spi.PipelinedPostalClient;
import org.openpostage.transport.xml.internal.HardenedXml;
import org.openpostage.transport.xml.internal.HttpCaller;

/**
 * A {@link PostalClient} that speaks the OpenPostage XML protocol over HTTPS. Usually obtained
 * through {@link org.openpostage.api.PostalClients#connect} with an {@code https://} endpoint.
 *
 * <p>Calls run through the pipeline every transport shares ({@link PipelinedPostalClient}): one
 * deadline per call (the earlier of the context's deadline and the request timeout), retries of
 * what is safe to retry with backoff, jitter and the server's {@code Retry-After}, purchases,
 * batches and refunds always with the same {@code Idempotency-Key}, and the configured
 * interceptors. This class adds the XML transport's part: the API key ({@code X-Api-Key}), TLS
 * trust and client certificate (TLS 1.3 and 1.2 only, host names verified), the connect timeout,
 * and the call's deadline sent as {@code X-Request-Timeout-Ms}. Connections are pooled; share one
 * client per postal server and close it when done.
 *
 * <p>Transport options ({@link ClientConfig#options()}): {@code xml.maxConnections} (default 50) and
 * {@code xml.maxResponseBytes} (default 64 MiB).
 */
public final class XmlPostalClient implements PostalClient {
    /** The option naming the size of the connection pool. */
    public static final String OPTION_MAX_CONNECTIONS = "xml.maxConnections";
    /** The option naming the largest response body accepted, in bytes. */
    public static final String OPTION_MAX_RESPONSE_BYTES = "xml.maxResponseBytes";

    private final ClientConfig config;
    private final PipelinedPostalClient pipeline;

    /**
     * A client for {@code config}.
     *
     * @throws ConfigurationException if the endpoint is not {@code https}, has a query or fragment, the API
     *                                key cannot travel in a header, or the TLS settings cannot be used
     */
    public XmlPostalClient(ClientConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        if (!"https".equals(config.scheme())) {
            throw new ConfigurationException("the XML transport needs an https:// endpoint, not " + config.endpoint());
        }
        if (config.endpoint().getRawQuery() != null || config.endpoint().getRawFragment() != null) {
            throw new ConfigurationException("endpoint " + config.endpoint() + " must not have a query or fragment");
        }
        if (config.apiKey() != null && !config.apiKey().matches("[!-~]{1,1024}")) {
            throw new ConfigurationException("the API key must be visible ASCII characters to travel in a header");
        }
        XmlLimits limits = XmlLimits.RESPONSES.withMaxBodyBytes(option(OPTION_MAX_RESPONSE_BYTES,
                XmlLimits.RESPONSES.maxBodyBytes()));
        HttpCaller caller = new HttpCaller(new HttpCaller.Settings(config.endpoint(), config.apiKey(), config.tls(),
                config.connectTimeout(), config.requestTimeout(),
                (int) Math.min(1000, option(OPTION_MAX_CONNECTIONS, 50)),
                new HardenedXml.Limits(limits.maxBodyBytes(), limits.maxDepth(), limits.maxElements(),
                        (int) Math.min(Integer.MAX_VALUE, Math.max(limits.maxTextLength(), limits.maxBodyBytes())),
                        limits.maxAttributesPerElement()),
                userAgent()));
        this.pipeline = new PipelinedPostalClient(config, caller);
    }

    @Override
    public ClientConfig config() {
        return config;
    }

    @Override
    public RateQuote quote(QuoteRequest request, CallContext context) {
        return pipeline.quote(request, context);
    }

    @Override
    public Purchase purchase(PurchaseRequest request, CallContext context) {
        return pipeline.purchase(request, context);
    }

    @Override
    public BatchPurchaseResult purchaseBatch(BatchPurchaseRequest request, CallContext context) {
        return pipeline.purchaseBatch(request, context);
    }

    @Override
    public Refund refund(RefundRequest request, CallContext context) {
        return pipeline.refund(request, context);
    }

    @Override
    public AccountStatement accountStatement(CallContext context) {
        return pipeline.accountStatement(context);
    }

    @Override
    public BackgroundCatalogue backgrounds(CallContext context) {
        return pipeline.backgrounds(context);
    }

    @Override
    public VerificationKeySet verificationKeys(CallContext context) {
        return pipeline.verificationKeys(context);
    }

    @Override
    public PrintComponent printComponent(CallContext context) {
        return pipeline.printComponent(context);
    }

    @Override
    public VerificationResult verify(VerifyRequest request, CallContext context) {
        return pipeline.verify(request, context);
    }

    @Override
    public <Q, R> CompletableFuture<R> callAsync(PostalOperation<Q, R> operation, Q request, CallContext context) {
        return pipeline.callAsync(operation, request, context);
    }

    @Override
    public PurchaseRecord lookupPurchase(PurchaseLookupRequest request, CallContext context) {
        return pipeline.lookupPurchase(request, context);
    }

    @Override
    public PurchasePage listPurchases(PurchaseListRequest request, CallContext context) {
        return pipeline.listPurchases(request, context);
    }

    @Override
    public JournalExport exportJournal(JournalExportRequest request, CallContext context) {
        return pipeline.exportJournal(request, context);
    }

    @Override
    public void close() {
        pipeline.close();
    }

    @Override
    public String toString() {
        return "XmlPostalClient[" + config.endpoint() + "]";
    }

    private long option(String name, long fallback) {
        String v = config.options().get(name);
        if (v == null) {
            return fallback;
        }
        try {
            long n = Long.parseLong(v.strip());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigurationException("option " + name + " must be a positive whole number, was '" + v + "'");
    }

    private static String userAgent() {
        Properties p = new Properties();
        try (InputStream in = XmlPostalClient.class.getClassLoader()
                .getResourceAsStream("org/openpostage/transport/xml/internal/version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // fall through to "unknown"
        }
        String version = p.getProperty("version", "unknown");
        return "openpostage-java/" + (version.startsWith("$") ? "unknown" : version)
                + " (" + System.getProperty("java.version", "?").toLowerCase(Locale.ROOT) + ")";
    }
}
