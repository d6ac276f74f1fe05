/**
 * Observability for the SDK's clients: {@link org.openpostage.observability.TracingInterceptor}
 * (OpenTelemetry spans, and the W3C trace context sent to the postal server so that its spans join
 * the portal's trace) and {@link org.openpostage.observability.MetricsInterceptor} (Micrometer
 * timers of calls and counters of attempts). Both are
 * {@link org.openpostage.api.ClientInterceptor}s: add them with
 * {@link org.openpostage.api.ClientConfig.Builder#interceptor}; they work the same over every
 * transport. Each needs only its own library on the class path.
 */
package org.openpostage.observability;
