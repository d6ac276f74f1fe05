package org.openpostage.server.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the XML port answers to requests outside the protocol, sent as raw HTTP/1.1 over TLS:
 * every response, whatever refused it (the binding, the web framework or Jetty's HTTP parser),
 * carries an {@code <error>} body (except for HEAD), {@code X-Request-Id} and the security
 * headers, as docs/protocol/xml.md promises; and the TLS and file-permission rules of the server.
 */
class XmlEndpointEdgesTest {
    @TempDir
    static Path dir;
    private static PostalServerApp app;
    private static SSLContext tls;

    @BeforeAll
    static void start() throws java.security.GeneralSecurityException {
        app = TestApps.start(dir);
        tls = TestApps.clientTrusting(app.caCertificate());
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    /** A response as read off the wire. */
    record Raw(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private static Raw exchange(String request) throws IOException {
        try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("localhost",
                app.xmlEndpoint().getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            int n;
            try {
                while ((n = in.read(buffer)) != -1) {
                    all.write(buffer, 0, n);
                }
            } catch (SSLException e) {
                // the server closed without close_notify: what arrived is the response
            }
            String text = all.toString(StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            assertTrue(end > 0, "a complete response head: " + text);
            String[] lines = text.substring(0, end).split("\r\n");
            Map<String, String> headers = new LinkedHashMap<>();
            for (String line : Arrays.copyOfRange(lines, 1, lines.length)) {
                int colon = line.indexOf(':');
                headers.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
            }
            return new Raw(Integer.parseInt(lines[0].split(" ")[1]), headers, text.substring(end + 4));
        }
    }

    private static String request(String method, String target, String... headers) {
        StringBuilder sb = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: localhost\r\nConnection: close\r\n");
        for (String h : headers) {
            sb.append(h).append("\r\n");
        }
        return sb.append("\r\n").toString();
    }

    private static void assertProtocolError(Raw r, int status, String code, boolean body) {
        assertEquals(status, r.status(), r.toString());
        assertNotNull(r.header("X-Request-Id"), "X-Request-Id on every response: " + r);
        assertEquals("nosniff", r.header("X-Content-Type-Options"), r.toString());
        assertEquals("no-store", r.header("Cache-Control"), r.toString());
        assertTrue(String.valueOf(r.header("Content-Type")).startsWith("application/xml"), r.toString());
        if (body) {
            assertTrue(r.body().contains("<error") && r.body().contains("<code>" + code + "</code>"), r.body());
            assertTrue(r.body().contains("<requestId>" + r.header("X-Request-Id") + "</requestId>"), r.body());
            assertFalse(r.body().contains("<html"), r.body());
        } else {
            assertEquals("", r.body(), "no body on HEAD");
        }
    }

    @Test
    void headIsNotAProtocolMethodAndNeedsNoKeyToLearnThat() throws IOException {
        Raw quote = exchange(request("HEAD", "/v1/quote"));
        assertProtocolError(quote, 405, "INVALID_REQUEST", false);
        assertEquals("POST", quote.header("Allow"));
        assertProtocolError(exchange(request("HEAD", "/v1/anything")), 404, "NOT_FOUND", false);
    }

    @Test
    void otherMethodsGetTheProtocolsErrors() throws IOException {
        for (String method : new String[] {"OPTIONS", "TRACE", "FROB", "PUT", "DELETE"}) {
            Raw r = exchange(request(method, "/v1/quote"));
            assertProtocolError(r, 405, "INVALID_REQUEST", true);
            assertEquals("POST", r.header("Allow"), method);
        }
        assertProtocolError(exchange(request("OPTIONS", "/v1/unknown")), 404, "NOT_FOUND", true);
    }

    @Test
    void malformedHttpGetsTheProtocolsErrorsToo() throws IOException {
        assertProtocolError(exchange(request("GET", "/v1/" + "a".repeat(20_000))), 414, "INVALID_REQUEST", true);
        assertProtocolError(exchange(request("GET", "/v1/account", "X-Filler: " + "b".repeat(20_000))), 431,
                "INVALID_REQUEST", true);
        assertProtocolError(exchange(request("GET", "/v1/%zz")), 400, "INVALID_REQUEST", true);
        assertProtocolError(exchange(request("GET", "/v1/account", "X-Folded: a", " b")), 400, "INVALID_REQUEST", true);
    }

    @Test
    void theHealthCheckStaysPlainText() throws IOException {
        Raw r = exchange(request("GET", "/health"));
        assertEquals(200, r.status());
        assertTrue(r.body().startsWith("SERVING"), r.body());
    }

    @Test
    void tls12OffersOnlyAeadSuitesOnBothPorts() throws IOException {
        for (int port : new int[] {app.xmlEndpoint().getPort(), app.grpcEndpoint().getPort()}) {
            try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("localhost", port)) {
                socket.setEnabledProtocols(new String[] {"TLSv1.2"});
                String[] cbc = Arrays.stream(socket.getSupportedCipherSuites()).filter(s -> s.contains("_CBC_"))
                        .toArray(String[]::new);
                assertTrue(cbc.length > 0);
                socket.setEnabledCipherSuites(cbc);
                assertThrows(SSLException.class, socket::startHandshake, "port " + port + " accepted a CBC suite");
            }
        }
    }

    @Test
    void theLedgerDatabaseFileIsOwnerOnly() throws IOException {
        Path ledger = dir.resolve("ledger.mv.db");
        assertTrue(Files.exists(ledger));
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(ledger);
        assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE), permissions,
                "the ledger holds the meters' registers and API key hashes");
    }
}
