package org.openpostage.conformance.transport;

import java.net.URI;
import org.openpostage.api.ClientConfig;
import org.openpostage.api.PostalService;

/**
 * What {@link TransportContract} needs from a transport: a way to serve a {@link PostalService}
 * over it on loopback with real TLS, and client configurations that reach such a server. A
 * transport module implements it in its tests and runs the contract with it.
 */
public interface TransportHarness {

    /** The transport's name, for messages. */
    String name();

    /**
     * Starts a server on {@code 127.0.0.1} (an ephemeral port) that exposes {@code service} over
     * TLS with a certificate for {@code localhost}, and accepts the clients of
     * {@link #client(URI, boolean)}.
     *
     * @param requireClientCertificate whether the TLS handshake requires a client certificate
     */
    Server start(PostalService service, boolean requireClientCertificate);

    /** The endpoint of a server listening on {@code localhost:port}, for example {@code https://localhost:port}. */
    URI endpoint(int port);

    /**
     * A client configuration for {@code endpoint}: trusting the test server's certificate, with an
     * API key the server accepts, and with a client certificate when asked.
     */
    ClientConfig.Builder client(URI endpoint, boolean withClientCertificate);

    /** A running server. */
    interface Server extends AutoCloseable {
        /** The port it listens on. */
        int port();

        /** Stops it. */
        @Override
        void close();
    }
}
