package org.openpostage.transport.grpc;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.openpostage.api.Caller;
import org.openpostage.api.error.AuthenticationException;
import org.openpostage.api.spi.Authenticator;
import org.openpostage.api.spi.Credentials;
import org.openpostage.api.value.Mode;

/**
 * Knows two API keys of partner {@code portal-1} (test and live) and accepts a client certificate
 * whose subject is {@code CN=portal-1} as a test-mode credential. Records what it was shown.
 */
final class TestAuthenticator implements Authenticator {
    static final String TEST_KEY = "opk_test_portal1_secret";
    static final String LIVE_KEY = "opk_live_portal1_secret";

    private static final Map<String, Caller> KEYS = Map.of(
            TEST_KEY, new Caller(InMemoryPostalService.PARTNER, Mode.TEST, "key-test-1"),
            LIVE_KEY, new Caller(InMemoryPostalService.PARTNER, Mode.LIVE, "key-live-1"));

    private final List<Credentials> seen = new CopyOnWriteArrayList<>();

    @Override
    public Caller authenticate(Credentials credentials) {
        seen.add(credentials);
        if (credentials.apiKey() != null) {
            Caller caller = KEYS.get(credentials.apiKey());
            if (caller == null) {
                throw new AuthenticationException("API key not recognized");
            }
            return caller;
        }
        if (!credentials.clientCertificates().isEmpty()) {
            X509Certificate leaf = credentials.clientCertificates().get(0);
            if (leaf.getSubjectX500Principal().getName().equals("CN=" + InMemoryPostalService.PARTNER)) {
                return new Caller(InMemoryPostalService.PARTNER, Mode.TEST, "cert-" + leaf.getSerialNumber());
            }
            throw new AuthenticationException("client certificate not registered");
        }
        throw new AuthenticationException("no credentials: send an API key in x-api-key or a client certificate");
    }

    /** The credentials of every call, in order. */
    List<Credentials> seen() {
        return List.copyOf(seen);
    }
}
