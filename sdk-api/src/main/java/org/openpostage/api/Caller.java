package org.openpostage.api;

import java.util.Objects;
import org.openpostage.api.internal.Checks;
import org.openpostage.api.value.Mode;

/**
 * Who is calling a {@link PostalService} on the server side: the partner (portal) and the mode of
 * the credential it used.
 *
 * <p>Clients never set this. A transport's server binding authenticates each request with an
 * {@link org.openpostage.api.spi.Authenticator} and puts the resulting {@code Caller} into the
 * {@link CallContext} it hands to the service implementation, replacing anything the request
 * claimed. Code that calls a service implementation in-process (tests, a conformance run) sets it
 * with {@link CallContext#withCaller(Caller)}.
 *
 * @param partnerId    the partner's identifier, as registered with the postal server
 * @param mode         {@link Mode#TEST} or {@link Mode#LIVE}, from the credential used
 * @param credentialId identifies the credential used (an API key's public id or a certificate
 *                     fingerprint), for audit logs; never the secret itself
 */
public record Caller(String partnerId, Mode mode, String credentialId) {
    public Caller {
        Checks.token("caller.partnerId", partnerId, 64);
        Objects.requireNonNull(mode, "caller.mode");
        if (mode == Mode.UNKNOWN) {
            throw new IllegalArgumentException("a caller's mode is TEST or LIVE");
        }
        Checks.token("caller.credentialId", credentialId, 128);
    }
}
