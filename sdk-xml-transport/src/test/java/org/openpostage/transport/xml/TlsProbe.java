package org.openpostage.transport.xml;

import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.openpostage.transport.xml.testing.InMemoryPostalService;
import org.openpostage.transport.xml.testing.TestAuthenticator;
import org.openpostage.transport.xml.testing.TestPki;

/**
 * Run in a separate JVM by {@link TlsVersionTest}, with TLS 1.0 and 1.1 re-enabled in the JVM's
 * security properties: shows that this JVM can speak TLS 1.1 (a plain TLS server socket accepts
 * it), and that the XML endpoint refuses it anyway because it enables TLS 1.3 and 1.2 explicitly.
 * Prints one line per attempt: {@code <target> <protocol> ok <negotiated>} or {@code ... refused <reason>}.
 */
public final class TlsProbe {
    private TlsProbe() {
    }

    /** Entry point. */
    public static void main(String[] args) throws Exception {
        TestPki pki = TestPki.create("Probe CA");
        SSLContext serverTls = pki.serverContext(pki.server());
        SSLContext clientTls = pki.clientContext();
        ExecutorService pool = Executors.newCachedThreadPool();
        HttpsServer server = XmlHttpHandler.startHttps(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                serverTls, XmlHttpsConfigurator.ClientAuth.NONE,
                XmlServerBinding.builder(new InMemoryPostalService(), new TestAuthenticator()).build(), pool);
        SSLServerSocket control = (SSLServerSocket) serverTls.getServerSocketFactory()
                .createServerSocket(0, 10, InetAddress.getLoopbackAddress());
        control.setEnabledProtocols(new String[] {"TLSv1.3", "TLSv1.2", "TLSv1.1"});
        pool.execute(() -> {
            while (!control.isClosed()) {
                try (SSLSocket s = (SSLSocket) control.accept()) {
                    s.startHandshake();
                } catch (IOException e) {
                    // the client side reports the outcome
                }
            }
        });
        try {
            for (String protocol : new String[] {"TLSv1.1", "TLSv1.2", "TLSv1.3"}) {
                System.out.println("endpoint " + protocol + " " + handshake(clientTls, server.getAddress().getPort(), protocol));
            }
            System.out.println("control TLSv1.1 " + handshake(clientTls, control.getLocalPort(), "TLSv1.1"));
        } finally {
            control.close();
            server.stop(0);
            pool.shutdownNow();
        }
    }

    private static String handshake(SSLContext tls, int port, String protocol) {
        try (SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port)) {
            s.setEnabledProtocols(new String[] {protocol});
            s.setSoTimeout(5000);
            s.startHandshake();
            return "ok " + s.getSession().getProtocol();
        } catch (IOException | IllegalArgumentException e) {
            return "refused " + e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }
}
