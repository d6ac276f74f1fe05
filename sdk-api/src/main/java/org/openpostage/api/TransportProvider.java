package org.openpostage.api;

import java.util.Set;

/**
 * A transport's client factory, found by {@link org.openpostage.api.PostalClients} through
 * {@link java.util.ServiceLoader}. A transport module registers its implementation in
 * {@code META-INF/services/org.openpostage.api.TransportProvider}.
 *
 * <p>Contract for implementations:
 * <ul>
 *   <li>Have a public no-argument constructor and be cheap to construct: discovery instantiates
 *       every provider on the class path.</li>
 *   <li>{@link #connect} returns a thread-safe client that honours the whole {@link ClientConfig}:
 *       TLS settings (TLS 1.2+ only), timeouts, the retry policy (retrying only retryable errors,
 *       every attempt with the same idempotency key, which is filled in when the context has
 *       none), and the API key.</li>
 *   <li>The client maps every wire error to the exception of its code
 *       ({@link org.openpostage.api.error.ErrorCode#toException}), and network failures to
 *       {@link org.openpostage.api.error.ServiceUnavailableException}.</li>
 * </ul>
 */
public interface TransportProvider {
    /** A short, unique name to choose this transport explicitly, for example {@code "xml"} or {@code "grpc"}. */
    String name();

    /** The endpoint URI schemes this transport handles, in lower case. */
    Set<String> schemes();

    /**
     * Creates a client for {@code config}.
     *
     * @throws org.openpostage.api.error.ConfigurationException if the configuration cannot be used
     */
    PostalClient connect(ClientConfig config);
}
