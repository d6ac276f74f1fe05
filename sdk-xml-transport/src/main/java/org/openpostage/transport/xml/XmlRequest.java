package org.openpostage.transport.xml;

import java.io.InputStream;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One HTTP request as the {@link XmlServerBinding} needs it, independent of any web framework.
 * An adapter fills it from its framework's request object; see {@link XmlHttpHandler} for the
 * JDK's HTTP server.
 *
 * @param method             the HTTP method, for example {@code POST}
 * @param path               the request path without query string, for example {@code /v1/quote}
 * @param headers            the request headers; names are matched case-insensitively
 * @param body               the request body; read at most once, only for operations that have a body
 * @param contentLength      the declared {@code Content-Length}, or -1 when unknown (chunked)
 * @param clientCertificates the TLS client certificate chain, leaf first, <em>as verified by the
 *                           TLS layer</em>; empty when the client presented none
 */
public record XmlRequest(String method, String path, Map<String, List<String>> headers, InputStream body,
                         long contentLength, List<X509Certificate> clientCertificates) {
    public XmlRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        TreeMap<String, List<String>> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (headers != null) {
            headers.forEach((name, values) -> {
                if (name != null && values != null) {
                    h.merge(name, List.copyOf(values), (a, b) -> {
                        List<String> all = new ArrayList<>(a);
                        all.addAll(b);
                        return List.copyOf(all);
                    });
                }
            });
        }
        headers = Collections.unmodifiableMap(h);
        body = body == null ? InputStream.nullInputStream() : body;
        contentLength = contentLength < 0 ? -1 : contentLength;
        clientCertificates = clientCertificates == null ? List.of() : List.copyOf(clientCertificates);
    }

    /** The first value of header {@code name} (case-insensitive), or {@code null}. */
    public String header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** A builder for a request with {@code method} and {@code path}. */
    public static Builder builder(String method, String path) {
        return new Builder(method, path);
    }

    /** Builds an {@link XmlRequest}; handy for adapters whose framework gives single-valued headers. Not thread-safe. */
    public static final class Builder {
        private final String method;
        private final String path;
        private final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        private InputStream body;
        private long contentLength = -1;
        private List<X509Certificate> clientCertificates = List.of();

        private Builder(String method, String path) {
            this.method = method;
            this.path = path;
        }

        /** Adds a header value. */
        public Builder header(String name, String value) {
            headers.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
            return this;
        }

        /** Adds every header of {@code single} (one value per name, as many frameworks expose them). */
        public Builder headers(Map<String, String> single) {
            single.forEach(this::header);
            return this;
        }

        /** The body and its declared length (-1 when unknown). */
        public Builder body(InputStream body, long contentLength) {
            this.body = body;
            this.contentLength = contentLength;
            return this;
        }

        /** The verified client certificate chain, leaf first. */
        public Builder clientCertificates(List<X509Certificate> chain) {
            this.clientCertificates = chain;
            return this;
        }

        /** The request. */
        public XmlRequest build() {
            return new XmlRequest(method, path, headers, body, contentLength, clientCertificates);
        }
    }
}
