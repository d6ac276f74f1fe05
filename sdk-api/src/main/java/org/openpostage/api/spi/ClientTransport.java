package org.openpostage.api.spi;

import org.openpostage.api.TransportProvider;

/**
 * A transport's half of a client: it sends <em>one</em> attempt of a call and reports how it
 * ended. Everything around it, shared by every transport, is {@link PipelinedPostalClient}'s:
 * idempotency keys and request ids, the call's deadline, retries with backoff, jitter and
 * {@code Retry-After}, interceptors, and the closed state. A {@link TransportProvider} typically
 * returns {@code new PipelinedPostalClient(config, new MyTransport(config))}.
 *
 * <p>Contract of {@link #send}:
 * <ul>
 *   <li>Send the attempt's context as the protocol says: its idempotency key (when set), its
 *       request id, and its deadline (as a timeout of {@link Attempt#remaining()}); wait no longer
 *       than the deadline.</li>
 *   <li>Return the decoded response, or throw an {@link AttemptFailure} saying how far the
 *       request got ({@link AttemptFailure.Delivery}): the pipeline decides from it whether a
 *       retry is safe. A server's error answer becomes the exception of its code
 *       ({@link org.openpostage.api.error.ErrorCode#toException(String, String, java.time.Duration)}),
 *       with the server's {@code Retry-After} when it sent one.</li>
 *   <li>A response that breaks the protocol is {@link org.openpostage.api.error.ErrorCode#INTERNAL};
 *       a TLS handshake the client's settings cannot complete (untrusted server, no or refused
 *       client certificate) is a {@link org.openpostage.api.error.ConfigurationException} that is
 *       {@linkplain AttemptFailure#notSent not sent}, since no retry can cure it.</li>
 * </ul>
 * Implementations are thread-safe: attempts of many calls run at once.
 */
public interface ClientTransport extends AutoCloseable {
    /**
     * Sends one attempt.
     *
     * @return the response; {@code null} never
     * @throws AttemptFailure how the attempt failed
     */
    <Q, R> R send(Attempt<Q, R> attempt);

    /** Releases connections and threads. Does not throw. */
    @Override
    void close();
}
