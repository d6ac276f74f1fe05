package org.openpostage.observability;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.net.URI;
import java.util.Objects;
import org.openpostage.api.ClientInterceptor;
import org.openpostage.api.error.PostageException;

/**
 * Measures a client's calls with Micrometer:
 * <ul>
 *   <li>{@code openpostage.client.calls} (timer, with a percentile histogram): every logical call,
 *       retries and pauses included, by {@code operation}, {@code outcome} ({@code success} or
 *       {@code error}) and {@code code} (the {@link org.openpostage.api.error.ErrorCode}, or {@code none});</li>
 *   <li>{@code openpostage.client.attempts} (counter): every attempt, tagged the same way, so that
 *       retries show as attempts beyond calls.</li>
 * </ul>
 * plus the tags given, such as {@code transport} (see {@link #transport(URI)}). In Prometheus
 * these are {@code openpostage_client_calls_seconds_*} and {@code openpostage_client_attempts_total}.
 * Thread-safe.
 *
 * <pre>{@code
 * MeterRegistry registry = ...;
 * URI endpoint = URI.create("https://postal.example:8443");
 * ClientConfig.builder().endpoint(endpoint)
 *         .interceptor(new MetricsInterceptor(registry, Tags.of("transport", MetricsInterceptor.transport(endpoint))));
 * }</pre>
 */
public final class MetricsInterceptor implements ClientInterceptor {
    /** The timer of calls. */
    public static final String CALLS = "openpostage.client.calls";
    /** The counter of attempts. */
    public static final String ATTEMPTS = "openpostage.client.attempts";

    private final MeterRegistry registry;
    private final Tags tags;

    /** An interceptor recording into {@code registry}, each meter with {@code tags} as well. */
    public MetricsInterceptor(MeterRegistry registry, Iterable<Tag> tags) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.tags = Tags.of(tags);
    }

    /** The transport an endpoint's scheme picks: {@code xml} for https, {@code grpc} for grpcs and grpc. */
    public static String transport(URI endpoint) {
        String scheme = String.valueOf(endpoint.getScheme());
        return scheme.startsWith("grpc") ? "grpc" : scheme.equals("https") ? "xml" : scheme;
    }

    @Override
    public <R> R interceptCall(Invocation<R> call) {
        Timer.Sample sample = Timer.start(registry);
        String code = "none";
        try {
            return call.proceed();
        } catch (PostageException e) {
            code = e.code().name();
            throw e;
        } finally {
            sample.stop(Timer.builder(CALLS).description("OpenPostage calls, retries included")
                    .tags(tags).tags(outcome(call.operation().name(), code)).publishPercentileHistogram()
                    .register(registry));
        }
    }

    @Override
    public <R> R interceptAttempt(Invocation<R> attempt) {
        String code = "none";
        try {
            return attempt.proceed();
        } catch (PostageException e) {
            code = e.code().name();
            throw e;
        } finally {
            Counter.builder(ATTEMPTS).description("OpenPostage call attempts").tags(tags)
                    .tags(outcome(attempt.operation().name(), code)).register(registry).increment();
        }
    }

    private static Tags outcome(String operation, String code) {
        return Tags.of("operation", operation, "outcome", code.equals("none") ? "success" : "error", "code", code);
    }
}
