package org.openpostage.server;

import org.openpostage.api.Caller;
import org.openpostage.api.error.AuthenticationException;
import org.openpostage.api.spi.Authenticator;
import org.openpostage.api.spi.Credentials;
import org.openpostage.server.internal.auth.PartnerStore;
import org.openpostage.server.internal.flow.Failures;

/**
 * Authenticates requests by API key against the hashes in the ledger database. Transports' server
 * bindings call {@link #authenticate} for every request and put the resulting {@link Caller} into
 * the call context. A key's secret is compared in constant time; keys revoked on any node stop
 * working at once. Obtain it from {@link PostalCore#authenticator()}.
 */
public final class ApiKeyAuthenticator implements Authenticator {
    private final PartnerStore partners;

    ApiKeyAuthenticator(PartnerStore partners) {
        this.partners = partners;
    }

    /**
     * @throws AuthenticationException if no API key was sent, or the key is malformed, unknown or revoked
     * @throws org.openpostage.api.error.ServiceUnavailableException if the ledger cannot be reached
     */
    @Override
    public Caller authenticate(Credentials credentials) {
        if (credentials == null || credentials.apiKey() == null) {
            boolean certificate = credentials != null && !credentials.clientCertificates().isEmpty();
            throw new AuthenticationException(certificate
                    ? "this postal server identifies partners by API key; send one besides the client certificate"
                    : "an API key is required");
        }
        try {
            return partners.authenticate(credentials.apiKey());
        } catch (RuntimeException e) {
            throw Failures.toPostage(e, "authentication", null);
        }
    }
}
