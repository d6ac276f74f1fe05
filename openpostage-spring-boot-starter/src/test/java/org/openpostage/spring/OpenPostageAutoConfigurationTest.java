package org.openpostage.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.YearMonth;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openpostage.api.ClientConfig;
import org.openpostage.api.ClientInterceptor;
import org.openpostage.api.PostalClient;
import org.openpostage.api.PostalClients;
import org.openpostage.api.RetryPolicy;
import org.openpostage.api.TlsSettings;
import org.openpostage.api.error.ErrorCode;
import org.openpostage.api.error.PaymentDeclinedException;
import org.openpostage.api.model.CardPayment;
import org.openpostage.api.model.MailPiece;
import org.openpostage.api.model.PaymentMethod;
import org.openpostage.api.model.Purchase;
import org.openpostage.api.model.PurchaseItem;
import org.openpostage.api.model.PurchaseRequest;
import org.openpostage.api.model.QuoteRequest;
import org.openpostage.api.model.RateQuote;
import org.openpostage.api.value.MailClass;
import org.openpostage.api.value.Mode;
import org.openpostage.api.value.PostalCode;
import org.openpostage.api.value.Weight;
import org.openpostage.conformance.transport.FaultProxy;
import org.openpostage.server.app.EmbeddedPostalServer;
import org.openpostage.spring.internal.GracefulShutdown;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The starter's auto-configuration in Spring Boot's test support ({@link ApplicationContextRunner}),
 * against a real reference postal server on loopback with TLS, over both transports.
 */
class OpenPostageAutoConfigurationTest {
    private static final QuoteRequest LETTER = QuoteRequest.of(MailPiece.of(MailClass.LETTER, Weight.ofGrams(20),
            PostalCode.of("94107")).withDestination(PostalCode.of("10001")));

    private static EmbeddedPostalServer postal;

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
            AutoConfigurations.of(SslAutoConfiguration.class, OpenPostageClientAutoConfiguration.class,
                    OpenPostageMetricsAutoConfiguration.class, OpenPostageHealthAutoConfiguration.class));

    @BeforeAll
    static void startPostalServer() {
        postal = EmbeddedPostalServer.start();
    }

    @AfterAll
    static void stopPostalServer() {
        if (postal != null) {
            postal.close();
        }
    }

    /** The properties of a client of {@code endpoint} with the partner's test key, trusting the server's CA. */
    private static String[] connectedTo(Object endpoint) {
        return new String[] {"openpostage.client.endpoint=" + endpoint,
                "openpostage.client.api-key=" + postal.testApiKey(),
                "openpostage.client.tls.trust-certificates=" + postal.caCertificate()};
    }

    private static PurchaseRequest buy(RateQuote quote, PaymentMethod payment) {
        return PurchaseRequest.of(List.of(PurchaseItem.of(quote)), payment);
    }

    @Test
    void nothingIsConfiguredWithoutAnEndpoint() {
        runner.withPropertyValues("openpostage.client.api-key=op_test_something")
                .withBean(SimpleMeterRegistry.class)
                .run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    assertThat(ctx).doesNotHaveBean(PostalClient.class);
                    assertThat(ctx).doesNotHaveBean(OpenPostageHealthIndicator.class);
                    assertThat(ctx).doesNotHaveBean(MicrometerClientInterceptor.class);
                    assertThat(ctx).doesNotHaveBean(GracefulShutdown.class);
                });
    }

    @Test
    void anHttpsEndpointGivesAClientThatBuysOverXml() {
        runner.withPropertyValues(connectedTo(postal.xmlEndpoint())).run(ctx -> {
            PostalClient client = ctx.getBean(PostalClient.class);
            assertTrue(client.toString().startsWith("XmlPostalClient"), client.toString());
            RateQuote quote = client.quote(LETTER);
            assertTrue(quote.price().isPositive());
            Purchase purchase = client.purchase(buy(quote, PaymentMethod.account()));
            assertEquals(Mode.TEST, purchase.mode());
            assertEquals(1, purchase.indicia().size());
        });
    }

    @Test
    void aGrpcsEndpointGivesAGrpcClientWithNothingElseChanged() {
        runner.withPropertyValues(connectedTo(postal.grpcEndpoint())).run(ctx -> {
            PostalClient client = ctx.getBean(PostalClient.class);
            assertTrue(client.toString().contains("Grpc"), client.toString());
            Purchase purchase = client.purchaseAsync(buy(client.quote(LETTER), PaymentMethod.account())).join();
            assertEquals(1, purchase.indicia().size());
        });
    }

    @Test
    void timeoutsRetriesAndOptionsReachTheClient() {
        runner.withPropertyValues(connectedTo(postal.xmlEndpoint()))
                .withPropertyValues("openpostage.client.connect-timeout=1500ms", "openpostage.client.request-timeout=7s",
                        "openpostage.client.retry.max-attempts=2", "openpostage.client.retry.initial-backoff=50ms",
                        "openpostage.client.retry.max-backoff=400ms", "openpostage.client.options.xml.maxConnections=5")
                .run(ctx -> {
                    ClientConfig config = ctx.getBean(PostalClient.class).config();
                    assertEquals(Duration.ofMillis(1500), config.connectTimeout());
                    assertEquals(Duration.ofSeconds(7), config.requestTimeout());
                    assertEquals(new RetryPolicy(2, Duration.ofMillis(50), Duration.ofMillis(400)), config.retryPolicy());
                    assertEquals("5", config.options().get("xml.maxConnections"));
                    assertTrue(config.tls().hasCustomTrust());
                    assertEquals(postal.testApiKey(), config.apiKey());
                });
    }

    @Test
    void thePropertiesDefaultsAreTheSdks() {
        OpenPostageClientProperties p = new OpenPostageClientProperties();
        ClientConfig sdk = ClientConfig.builder().endpoint("https://postal.example").build();
        assertEquals(sdk.connectTimeout(), p.getConnectTimeout());
        assertEquals(sdk.requestTimeout(), p.getRequestTimeout());
        assertEquals(sdk.retryPolicy(), new RetryPolicy(p.getRetry().getMaxAttempts(), p.getRetry().getInitialBackoff(),
                p.getRetry().getMaxBackoff()));
    }

    @Configuration(proxyBeanMethods = false)
    static class InterceptorAndCustomizer {
        static final List<String> SEEN = new CopyOnWriteArrayList<>();
        static final Executor EXECUTOR = Runnable::run;

        @Bean
        ClientInterceptor recorder() {
            return new ClientInterceptor() {
                @Override
                public <R> R interceptCall(Invocation<R> call) {
                    SEEN.add(call.operation().name());
                    return call.proceed();
                }
            };
        }

        @Bean
        ClientConfigCustomizer executor() {
            return b -> b.asyncExecutor(EXECUTOR);
        }
    }

    @Test
    void interceptorBeansAndCustomizersShapeTheClient() {
        InterceptorAndCustomizer.SEEN.clear();
        runner.withPropertyValues(connectedTo(postal.xmlEndpoint())).withUserConfiguration(InterceptorAndCustomizer.class)
                .run(ctx -> {
                    PostalClient client = ctx.getBean(PostalClient.class);
                    assertSame(InterceptorAndCustomizer.EXECUTOR, client.config().asyncExecutor());
                    client.quoteAsync(LETTER).join();
                    assertEquals(List.of("quote"), InterceptorAndCustomizer.SEEN);
                });
    }

    @Test
    void anApplicationsOwnClientReplacesTheConfiguredOneAndIsStillChecked() {
        runner.withPropertyValues(connectedTo(postal.xmlEndpoint()))
                .withBean("myClient", PostalClient.class, () -> PostalClients.connect(ClientConfig.builder()
                        .endpoint(postal.grpcEndpoint()).apiKey(postal.testApiKey())
                        .tls(TlsSettings.builder().trustCertificates(postal.caCertificate()).build()).build()))
                .run(ctx -> {
                    assertThat(ctx).hasSingleBean(PostalClient.class);
                    assertEquals(postal.grpcEndpoint(), ctx.getBean(PostalClient.class).config().endpoint());
                    assertEquals(Status.UP, ctx.getBean(OpenPostageHealthIndicator.class).health().getStatus());
                });
    }

    @Test
    void healthIsUpWithThePartnerAndDownWithTheErrorCode() {
        runner.withPropertyValues(connectedTo(postal.xmlEndpoint())).run(ctx -> {
            Health health = ctx.getBean("openpostageHealthIndicator", OpenPostageHealthIndicator.class).health();
            assertEquals(Status.UP, health.getStatus(), health.toString());
            assertEquals("embedded", health.getDetails().get("partner"));
            assertEquals("TEST", health.getDetails().get("mode"));
            assertEquals(postal.xmlEndpoint().toString(), health.getDetails().get("endpoint"));
        });
        runner.withPropertyValues(connectedTo(postal.grpcEndpoint()))
                .withPropertyValues("openpostage.client.api-key=op_test_not_a_key_of_this_server").run(ctx -> {
                    Health health = ctx.getBean(OpenPostageHealthIndicator.class).health();
                    assertEquals(Status.DOWN, health.getStatus());
                    assertEquals(ErrorCode.UNAUTHENTICATED.name(), health.getDetails().get("code"));
                });
        runner.withPropertyValues(connectedTo("https://localhost:" + closedPort()))
                .withPropertyValues("openpostage.client.health.timeout=1s").run(ctx -> {
                    long start = System.nanoTime();
                    Health health = ctx.getBean(OpenPostageHealthIndicator.class).health();
                    assertEquals(Status.DOWN, health.getStatus());
                    assertEquals(ErrorCode.SERVICE_UNAVAILABLE.name(), health.getDetails().get("code"), health.toString());
                    assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() < 3000, "bounded by the timeout");
                });
    }

    @Test
    void healthCanBeSwitchedOff() {
        runner.withPropertyValues(connectedTo(postal.xmlEndpoint()))
                .withPropertyValues("management.health.openpostage.enabled=false")
                .run(ctx -> assertThat(ctx).doesNotHaveBean(OpenPostageHealthIndicator.class));
    }

    @Test
    void callsAndAttemptsAreTimedInMicrometer() {
        runner.withPropertyValues(connectedTo(postal.xmlEndpoint())).withBean(SimpleMeterRegistry.class).run(ctx -> {
            PostalClient client = ctx.getBean(PostalClient.class);
            RateQuote quote = client.quote(LETTER);
            CardPayment declined = new CardPayment("4000000000000002", YearMonth.now().plusYears(2), "123", "Starter Test");
            assertThrows(PaymentDeclinedException.class, () -> client.purchase(buy(quote, declined)));
            SimpleMeterRegistry registry = ctx.getBean(SimpleMeterRegistry.class);
            Timer quotes = registry.find(MicrometerClientInterceptor.CALLS)
                    .tags("operation", "quote", "outcome", "success", "code", "OK").timer();
            assertNotNull(quotes, registry.getMetersAsString());
            assertEquals(1, quotes.count());
            assertEquals("localhost:" + postal.xmlEndpoint().getPort(), quotes.getId().getTag("endpoint"));
            Timer declines = registry.find(MicrometerClientInterceptor.CALLS)
                    .tags("operation", "purchase", "outcome", "error", "code", "PAYMENT_DECLINED").timer();
            assertNotNull(declines, registry.getMetersAsString());
            assertEquals(1, declines.count());
            Timer attempts = registry.find(MicrometerClientInterceptor.ATTEMPTS)
                    .tags("operation", "purchase", "retry", "false").timer();
            assertNotNull(attempts, registry.getMetersAsString());
            assertEquals(1, attempts.count(), "a declined card is not retried");
        });
    }

    @Test
    void withoutMicrometerOrWithMetricsOffTheClientIsNotTimed() {
        runner.withPropertyValues(connectedTo(postal.xmlEndpoint()))
                .withClassLoader(new FilteredClassLoader(MeterRegistry.class))
                .run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    assertThat(ctx).doesNotHaveBean(MicrometerClientInterceptor.class);
                    assertTrue(ctx.getBean(PostalClient.class).quote(LETTER).price().isPositive());
                });
        runner.withPropertyValues(connectedTo(postal.xmlEndpoint()))
                .withPropertyValues("openpostage.client.metrics.enabled=false").withBean(SimpleMeterRegistry.class)
                .run(ctx -> assertThat(ctx).doesNotHaveBean(MicrometerClientInterceptor.class));
    }

    @Test
    void shutdownWaitsForACallInFlightThenClosesTheClient() {
        try (FaultProxy slow = new FaultProxy(postal.xmlEndpoint().getPort())) {
            slow.delayWhen(() -> true, Duration.ofMillis(1500)); // the server's first answer arrives late
            runner.withPropertyValues(connectedTo("https://localhost:" + slow.port())).run(ctx -> {
                PostalClient client = ctx.getBean(PostalClient.class);
                CompletableFuture<RateQuote> inFlight = client.quoteAsync(LETTER);
                waitUntil(() -> ctx.getBean(GracefulShutdown.class).inFlight() == 1);
                long start = System.nanoTime();
                ctx.close();
                long took = Duration.ofNanos(System.nanoTime() - start).toMillis();
                // The call ended before the client was closed (a closed transport would have failed it); its
                // future is completed by the client's thread just after the call leaves the interceptors.
                assertTrue(inFlight.get(2, java.util.concurrent.TimeUnit.SECONDS).price().isPositive());
                assertTrue(took >= 500, "closing waited: " + took + " ms");
                assertTrue(client.quoteAsync(LETTER).isCompletedExceptionally(), "the client is closed afterwards");
            });
            assertEquals(1, slow.faults());
        }
    }

    @Test
    void anSslBundleCanGiveTheTrust() {
        runner.withPropertyValues("openpostage.client.endpoint=" + postal.grpcEndpoint(),
                        "openpostage.client.api-key=" + postal.testApiKey(), "openpostage.client.tls.bundle=postal",
                        "spring.ssl.bundle.pem.postal.truststore.certificate=file:" + postal.caCertificate())
                .run(ctx -> assertTrue(ctx.getBean(PostalClient.class).quote(LETTER).price().isPositive()));
    }

    @Test
    void unusableValuesStopTheStartNamingTheProperty() {
        runner.withPropertyValues(connectedTo(postal.xmlEndpoint()))
                .withPropertyValues("openpostage.client.retry.max-attempts=0").run(ctx -> {
                    assertThat(ctx).hasFailed();
                    assertThat(ctx.getStartupFailure()).hasStackTraceContaining("openpostage.client.retry: retry.maxAttempts");
                });
        runner.withPropertyValues(connectedTo(postal.xmlEndpoint()))
                .withPropertyValues("openpostage.client.tls.trust-certificates=/no/such/ca.pem").run(ctx -> {
                    assertThat(ctx).hasFailed();
                    assertThat(ctx.getStartupFailure()).hasStackTraceContaining("openpostage.client.tls")
                            .hasStackTraceContaining("/no/such/ca.pem");
                });
        runner.withPropertyValues(connectedTo(postal.xmlEndpoint()))
                .withPropertyValues("openpostage.client.tls.bundle=postal").run(ctx -> {
                    assertThat(ctx).hasFailed();
                    assertThat(ctx.getStartupFailure()).hasStackTraceContaining("openpostage.client.tls.bundle");
                });
        runner.withPropertyValues("openpostage.client.endpoint=not a uri").withBean(SimpleMeterRegistry.class).run(ctx -> {
            assertThat(ctx).hasFailed();
            assertThat(ctx.getStartupFailure()).hasStackTraceContaining("openpostage.client.endpoint");
        });
        runner.withPropertyValues("openpostage.client.endpoint=ftp://postal.example").run(ctx -> {
            assertThat(ctx).hasFailed();
            assertThat(ctx.getStartupFailure()).hasStackTraceContaining("ftp");
        });
    }

    private static int closedPort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition) {
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!condition.getAsBoolean()) {
            assertFalse(System.nanoTime() > end, "timed out waiting");
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
