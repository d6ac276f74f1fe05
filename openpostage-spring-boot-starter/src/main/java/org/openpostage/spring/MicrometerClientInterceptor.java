package org.openpostage.spring;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.Objects;
import org.openpostage.api.ClientInterceptor;
import org.openpostage.api.error.PostageException;

/**
 * Times a {@link org.openpostage.api.PostalClient}'s calls in Micrometer. The starter adds it when
 * the application has a {@link MeterRegistry}; any other application may add it with
 * {@link org.openpostage.api.ClientConfig.Builder#interceptor}.
 *
 * <ul>
 *   <li>{@value #CALLS}: one timing per logical call, its retries and pauses included;</li>
 *   <li>{@value #ATTEMPTS}: one timing per attempt, tagged {@code retry=true} for the second and later.</li>
 * </ul>
 * Both are tagged with {@code operation} ({@code quote}, {@code purchase}, …), {@code outcome}
 * ({@code success} or {@code error}) and {@code code} ({@code OK} or the
 * {@link org.openpostage.api.error.ErrorCode}, such as {@code PAYMENT_DECLINED}), plus the tags given to
 * the constructor. Requests are never looked at: no card data reaches a tag.
 */
public final class MicrometerClientInterceptor implements ClientInterceptor {
    /** The timer of logical calls. */
    public static final String CALLS = "openpostage.client.calls";
    /** The timer of attempts. */
    public static final String ATTEMPTS = "openpostage.client.attempts";

    private final MeterRegistry registry;
    private final Tags tags;

    /**
     * Records into {@code registry}, adding {@code tags} (for example the endpoint) to every timing.
     */
    public MicrometerClientInterceptor(MeterRegistry registry, Tags tags) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.tags = Objects.requireNonNull(tags, "tags");
    }

    @Override
    public <R> R interceptCall(Invocation<R> call) {
        return timed(CALLS, call, tags);
    }

    @Override
    public <R> R interceptAttempt(Invocation<R> attempt) {
        return timed(ATTEMPTS, attempt, tags.and("retry", Boolean.toString(attempt.attempt() > 1)));
    }

    private <R> R timed(String name, Invocation<R> invocation, Tags base) {
        Timer.Sample sample = Timer.start(registry);
        String code = "OK";
        try {
            return invocation.proceed();
        } catch (PostageException e) {
            code = e.code().name();
            throw e;
        } catch (RuntimeException | Error e) {
            code = e.getClass().getSimpleName();
            throw e;
        } finally {
            sample.stop(Timer.builder(name)
                    .description(name.equals(CALLS) ? "OpenPostage client calls, retries included"
                            : "OpenPostage client attempts")
                    .tags(base.and("operation", invocation.operation().name(),
                            "outcome", "OK".equals(code) ? "success" : "error", "code", code))
                    .register(registry));
        }
    }
}
