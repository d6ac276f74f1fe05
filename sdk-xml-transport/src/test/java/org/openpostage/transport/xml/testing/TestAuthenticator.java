package org.openpostage.transport.xml.testing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import org.openpostage.api.Caller;
import org.openpostage.api.error.AuthenticationException;
import org.openpostage.api.spi.Authenticator;
import org.openpostage.api.spi.Credentials;
import org.openpostage.api.value.Mode;

/**
 * Accepts two API keys (a live and a test key of partner {@code partner-a}) and client
 * certificates whose CN names a partner; compares keys in constant time. Remembers the last
 * credentials it saw.
 */
public final class TestAuthenticator implements Authenticator {
    /** The live key of partner-a. */
    public static final String LIVE_KEY = "op_live_partner-a_3f9c2d";
    /** The test key of partner-a. */
    public static final String TEST_KEY = "op_test_partner-a_77b1e0";

    private static final Map<String, Caller> KEYS = Map.of(
            LIVE_KEY, new Caller("partner-a", Mode.LIVE, "key-live-1"),
            TEST_KEY, new Caller("partner-a", Mode.TEST, "key-test-1"));

    private final AtomicReference<Credentials> last = new AtomicReference<>();

    @Override
    public Caller authenticate(Credentials credentials) {
        last.set(credentials);
        if (!credentials.clientCertificates().isEmpty()) {
            X509Certificate leaf = credentials.clientCertificates().get(0);
            return new Caller(commonName(leaf), Mode.LIVE, "cert:" + fingerprint(leaf));
        }
        if (credentials.apiKey() == null) {
            throw new AuthenticationException("no credentials: send the X-Api-Key header or a client certificate");
        }
        byte[] given = credentials.apiKey().getBytes(StandardCharsets.UTF_8);
        for (var entry : KEYS.entrySet()) {
            if (MessageDigest.isEqual(given, entry.getKey().getBytes(StandardCharsets.UTF_8))) {
                return entry.getValue();
            }
        }
        throw new AuthenticationException("API key not recognized");
    }

    /** The credentials of the last request, or {@code null}. */
    public Credentials lastCredentials() {
        return last.get();
    }

    private static String commonName(X509Certificate cert) {
        try {
            for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return rdn.getValue().toString();
                }
            }
        } catch (InvalidNameException e) {
            // fall through
        }
        throw new AuthenticationException("client certificate has no CN");
    }

    private static String fingerprint(X509Certificate cert) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()), 0, 8);
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }
}
