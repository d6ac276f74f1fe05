package org.openpostage.transport.grpc.internal.server;

import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import org.openpostage.api.PostalService;
import org.openpostage.api.spi.Authenticator;

/** Assembles the {@code openpostage.v1.PostalService} definition with the interceptors it needs. */
public final class PostalServiceDefinitions {
    private PostalServiceDefinitions() {
    }

    /**
     * The service exposing {@code service}, with, in the order a call meets them: request ids,
     * the concurrency limit, the default deadline, and authentication.
     *
     * @param maxConcurrentCalls calls admitted at once; the others get RESOURCE_EXHAUSTED
     * @param defaultDeadline    the deadline of calls that arrive without one
     * @param scheduler          runs the default-deadline timers
     */
    public static ServerServiceDefinition create(PostalService service, Authenticator authenticator,
                                                 int maxConcurrentCalls, Duration defaultDeadline,
                                                 ScheduledExecutorService scheduler) {
        return ServerInterceptors.interceptForward(PostalServiceHandlers.definition(service),
                new RequestIdInterceptor(),
                new ConcurrencyLimitInterceptor(maxConcurrentCalls),
                new DefaultDeadlineInterceptor(defaultDeadline, scheduler),
                new AuthenticationInterceptor(authenticator));
    }
}
