package org.openpostage.server.app;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * Run in a separate JVM by {@link TlsVersionTest}, whose security properties allow TLS 1.1 again:
 * starts a postal server app and shows that this JVM can speak TLS 1.1 (a plain TLS server socket
 * with the app's own certificate accepts it) while both of the app's endpoints refuse it. Prints
 * one line per attempt: {@code <target> <protocol> ok <negotiated>} or {@code ... refused <reason>}.
 */
public final class TlsVersionProbe {
    private TlsVersionProbe() {
    }

    /** Entry point: the argument is an empty data directory. */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        try (PostalServerApp app = TestApps.start(dir)) {
            SSLContext client = TestApps.clientTrusting(app.caCertificate());
            try (SSLServerSocket control = (SSLServerSocket) serverContext(dir.resolve("tls")).getServerSocketFactory()
                    .createServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
                control.setEnabledProtocols(new String[] {"TLSv1.3", "TLSv1.2", "TLSv1.1"});
                Thread acceptor = new Thread(() -> {
                    while (!control.isClosed()) {
                        try (SSLSocket s = (SSLSocket) control.accept()) {
                            s.startHandshake();
                        } catch (IOException e) {
                            // the client side reports the outcome
                        }
                    }
                });
                acceptor.setDaemon(true);
                acceptor.start();
                for (String protocol : new String[] {"TLSv1.1", "TLSv1.2", "TLSv1.3"}) {
                    System.out.println("xml " + protocol + " " + handshake(client, app.xmlEndpoint().getPort(), protocol));
                    System.out.println("grpc " + protocol + " " + handshake(client, app.grpcEndpoint().getPort(), protocol));
                }
                System.out.println("control TLSv1.1 " + handshake(client, control.getLocalPort(), "TLSv1.1"));
            }
        }
        System.exit(0);
    }

    /** A server context with the app's development server key ({@code server.p12}). */
    private static SSLContext serverContext(Path tlsDir) throws Exception {
        char[] password = Files.readString(tlsDir.resolve("keystore.password"), StandardCharsets.UTF_8).strip()
                .toCharArray();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(tlsDir.resolve("server.p12"))) {
            keys.load(in, password);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, password);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        return tls;
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
