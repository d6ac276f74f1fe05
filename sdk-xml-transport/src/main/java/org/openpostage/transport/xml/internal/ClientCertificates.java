package org.openpostage.transport.xml.internal;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509KeyManager;
import org.openpostage.api.TlsSettings;
import org.openpostage.api.error.ConfigurationException;

/**
 * The client's TLS context, with a key manager that remembers, per thread, whether the server of
 * the handshake just made asked for a client certificate and whether one was offered.
 *
 * <p>Under TLS 1.3 a client's handshake completes before the server judges its certificate; a
 * server that requires one the client lacks then closes the connection, and the client sees a
 * broken pipe or a reset while sending its request, not a handshake failure. Knowing that the
 * server asked, and that no certificate went, tells that case from a network failure, so it
 * becomes a configuration error instead of a pointless retry. Handshakes of the classic client
 * run on the calling thread, which is why a thread-local suffices.
 */
final class ClientCertificates {
    /** What the last handshake on this thread did about a client certificate. */
    enum Asked { NOT_ASKED, ASKED_NONE_OFFERED, ASKED_ONE_OFFERED }

    private static final ThreadLocal<Asked> LAST = ThreadLocal.withInitial(() -> Asked.NOT_ASKED);

    private ClientCertificates() {
    }

    /** Forgets the last handshake: call before an exchange. */
    static void reset() {
        LAST.set(Asked.NOT_ASKED);
    }

    /** What the handshake of the current exchange, if it made one, did about a client certificate. */
    static Asked last() {
        return LAST.get();
    }

    /** A TLS context from {@code tls} whose key manager records {@link #last()}. */
    static SSLContext sslContext(TlsSettings tls) {
        X509KeyManager delegate = null;
        KeyManager[] managers = tls.keyManagers();
        if (managers != null) {
            for (KeyManager m : managers) {
                if (m instanceof X509KeyManager x) {
                    delegate = x;
                    break;
                }
            }
        }
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[] {new Recording(delegate)}, tls.trustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new ConfigurationException("cannot create the TLS context: " + e.getMessage(), e);
        }
    }

    /** Chooses as the delegate does (none without one) and records what it chose. */
    private static final class Recording extends X509ExtendedKeyManager {
        private final X509KeyManager delegate;

        Recording(X509KeyManager delegate) {
            this.delegate = delegate;
        }

        private String record(String alias) {
            LAST.set(alias == null ? Asked.ASKED_NONE_OFFERED : Asked.ASKED_ONE_OFFERED);
            return alias;
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return record(delegate == null ? null : delegate.chooseClientAlias(keyType, issuers, socket));
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            String alias = null;
            if (delegate instanceof X509ExtendedKeyManager x) {
                alias = x.chooseEngineClientAlias(keyType, issuers, engine);
            } else if (delegate != null) {
                alias = delegate.chooseClientAlias(keyType, issuers, null);
            }
            return record(alias);
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return delegate == null ? null : delegate.getClientAliases(keyType, issuers);
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return delegate == null ? null : delegate.getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return delegate == null ? null : delegate.getPrivateKey(alias);
        }
    }
}
