package org.openpostage.transport.xml;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.openpostage.api.CallContext;
import org.openpostage.api.ClientConfig;
import org.openpostage.api.ConfigurationException;
import org.openpostage.api.ErrorCode;
import org.openpostage.api.InvalidRequestException;
import org.openpostage.api.PostageException;
import org.openpostage.api.PostalClient;
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
import org.openpostage.transport.xml.internal.HardenedXml;
import org.openpostage.transport.xml.internal.HttpCaller;
import org.openpostage.transport.xml.internal.ModelToWire;
import org.openpostage.transport.xml.internal.Operation;
import org.openpostage.transport.xml.internal.Wire;
import org.openpostage.transport.xml.internal.WireToModel;

/**
 * A {@link PostalClient} that speaks the OpenPostage XML protocol over HTTPS. Usually obtained
 * through {@link org.openpostage.api.PostalClients#connect} with an {@code https://} endpoint.
 *
 * <p>It honours the whole {@link ClientConfig}: the API key ({@code X-Api-Key}), the TLS trust and
 * client certificate (TLS 1.3 and 1.2 only, host names verified), the connect timeout, the request
 * timeout (or the call's deadline, whichever comes first, also sent as {@code X-Request-Timeout-Ms})
 * and the retry policy: failures that may succeed on a retry are retried with exponential backoff
 * and jitter, purchases, batches and refunds always with the same {@code Idempotency-Key} (filled in
 * once per call when the context has none), so that a retry never charges twice. Connections are
 * pooled; share one client per postal server and close it when done.
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
    private final HttpCaller caller;
    private final AtomicBoolean closed = new AtomicBoolean();

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
        this.caller = new HttpCaller(new HttpCaller.Settings(config.endpoint(), config.apiKey(), config.tls(),
                config.connectTimeout(), config.requestTimeout(), config.retryPolicy(),
                (int) Math.min(1000, option(OPTION_MAX_CONNECTIONS, 50)),
                new HardenedXml.Limits(limits.maxBodyBytes(), limits.maxDepth(), limits.maxElements(),
                        (int) Math.min(Integer.MAX_VALUE, Math.max(limits.maxTextLength(), limits.maxBodyBytes())),
                        limits.maxAttributesPerElement()),
                userAgent()));
    }

    @Override
    public ClientConfig config() {
        return config;
    }

    @Override
    public RateQuote quote(QuoteRequest request, CallContext context) {
        return call(Operation.QUOTE, ModelToWire.quoteRequest(request), Wire.RateQuote.class, Wire.RateQuote.ELEMENT,
                context, WireToModel::rateQuote);
    }

    @Override
    public Purchase purchase(PurchaseRequest request, CallContext context) {
        return call(Operation.PURCHASE, ModelToWire.purchaseRequest(request), Wire.Purchase.class,
                Wire.Purchase.ELEMENT, context, w -> WireToModel.purchase(w, Wire.Purchase.ELEMENT));
    }

    @Override
    public BatchPurchaseResult purchaseBatch(BatchPurchaseRequest request, CallContext context) {
        return call(Operation.PURCHASE_BATCH, ModelToWire.batchPurchaseRequest(request), Wire.BatchPurchaseResult.class,
                Wire.BatchPurchaseResult.ELEMENT, context, WireToModel::batchPurchaseResult);
    }

    @Override
    public Refund refund(RefundRequest request, CallContext context) {
        return call(Operation.REFUND, ModelToWire.refundRequest(request), Wire.Refund.class, Wire.Refund.ELEMENT,
                context, WireToModel::refund);
    }

    @Override
    public AccountStatement accountStatement(CallContext context) {
        return call(Operation.ACCOUNT_STATEMENT, null, Wire.AccountStatement.class, Wire.AccountStatement.ELEMENT,
                context, WireToModel::accountStatement);
    }

    @Override
    public BackgroundCatalogue backgrounds(CallContext context) {
        return call(Operation.BACKGROUNDS, null, Wire.BackgroundCatalogue.class, Wire.BackgroundCatalogue.ELEMENT,
                context, WireToModel::backgroundCatalogue);
    }

    @Override
    public VerificationKeySet verificationKeys(CallContext context) {
        return call(Operation.VERIFICATION_KEYS, null, Wire.VerificationKeySet.class, Wire.VerificationKeySet.ELEMENT,
                context, WireToModel::verificationKeySet);
    }

    @Override
    public PrintComponent printComponent(CallContext context) {
        return call(Operation.PRINT_COMPONENT, null, Wire.PrintComponent.class, Wire.PrintComponent.ELEMENT, context,
                WireToModel::printComponent);
    }

    @Override
    public VerificationResult verify(VerifyRequest request, CallContext context) {
        return call(Operation.VERIFY, ModelToWire.verifyRequest(request), Wire.VerificationResult.class,
                Wire.VerificationResult.ELEMENT, context, WireToModel::verificationResult);
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            caller.close();
        }
    }

    @Override
    public String toString() {
        return "XmlPostalClient[" + config.endpoint() + "]";
    }

    /**
     * Sends one call and converts its response. A response whose values break the model's rules
     * is the server's fault: it is reported as {@link ErrorCode#INTERNAL}, not as an invalid request.
     */
    private <W, T> T call(Operation operation, Object request, Class<W> type, String root, CallContext context,
                          Function<W, T> convert) {
        if (closed.get()) {
            throw new ConfigurationException("this client is closed");
        }
        W response = caller.call(operation, request, type, root, context);
        try {
            return convert.apply(response);
        } catch (InvalidRequestException e) {
            throw new PostageException(ErrorCode.INTERNAL, "the response of " + operation.method() + " "
                    + operation.path() + " is not valid: " + e.getMessage(), null, e);
        }
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
