package org.openpostage.api.spi;

import org.openpostage.api.Caller;
import org.openpostage.api.error.AuthenticationException;

/**
 * Decides who sent a request. A postal server gives one to each transport's server binding; the
 * binding calls it for every request before the {@link org.openpostage.api.PostalService} sees
 * the request, and passes the resulting {@link Caller} in the call context. A service
 * implementation therefore never parses credentials itself, and clients need do nothing beyond
 * configuring their API key or client certificate.
 *
 * <p>Implementations must be thread-safe, should compare secrets in constant time, and must not
 * log API keys.
 */
@FunctionalInterface
public interface Authenticator {
    /**
     * Identifies the sender of {@code credentials}.
     *
     * @return the caller, never {@code null}
     * @throws AuthenticationException if the credentials are missing or not accepted; the message
     *                                 must not reveal which part was wrong beyond what helps an
     *                                 honest developer (for example "API key not recognized")
     */
    Caller authenticate(Credentials credentials);
}
