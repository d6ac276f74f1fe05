package org.openpostage.transport.xml;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.openpostage.api.TlsSettings;
import org.openpostage.api.error.ConfigurationException;

/**
 * TLS for the JDK's {@link com.sun.net.httpserver.HttpsServer} as the protocol requires it: TLS 1.3
 * and 1.2 only ({@link TlsSettings#PROTOCOLS}, set explicitly rather than left to the JDK's
 * defaults, so older versions are refused whatever the JVM's security properties say) and the
 * chosen client certificate policy.
 */
public final class XmlHttpsConfigurator extends HttpsConfigurator {
    /** Whether clients must, may or need not present a certificate. */
    public enum ClientAuth {
        /** No client certificate is asked for: authentication by API key. */
        NONE,
        /** A certificate is asked for; clients without one still connect (and authenticate by API key). */
        OPTIONAL,
        /** Mutual TLS: a handshake without a certificate the trust managers accept fails. */
        REQUIRED
    }

    private final ClientAuth clientAuth;
    private final String[] protocols;

    /**
     * @param context    the server's key and the trust for client certificates
     * @param clientAuth the client certificate policy
     * @throws ConfigurationException if {@code context} supports neither TLS 1.3 nor 1.2
     */
    public XmlHttpsConfigurator(SSLContext context, ClientAuth clientAuth) {
        super(context);
        this.clientAuth = clientAuth;
        List<String> supported = Arrays.asList(context.getSupportedSSLParameters().getProtocols());
        this.protocols = TlsSettings.PROTOCOLS.stream().filter(supported::contains).toArray(String[]::new);
        if (protocols.length == 0) {
            throw new ConfigurationException("the TLS context supports neither TLS 1.3 nor TLS 1.2");
        }
    }

    @Override
    public void configure(HttpsParameters params) {
        SSLParameters p = getSSLContext().getDefaultSSLParameters();
        p.setProtocols(protocols.clone());
        switch (clientAuth) {
            case REQUIRED -> p.setNeedClientAuth(true);
            case OPTIONAL -> p.setWantClientAuth(true);
            case NONE -> p.setWantClientAuth(false);
        }
        params.setSSLParameters(p);
    }
}
