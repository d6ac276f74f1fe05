package org.openpostage.api.spi;

import org.jspecify.annotations.Nullable;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * What a request presented to prove who sent it, as gathered by a transport's server binding.
 *
 * @param apiKey             the API key from the request's header or metadata, or {@code null}
 * @param clientCertificates the verified TLS client certificate chain, leaf first, or an empty list
 */
public record Credentials(@Nullable String apiKey, List<X509Certificate> clientCertificates) {
    public Credentials {
        clientCertificates = clientCertificates == null ? List.of() : List.copyOf(clientCertificates);
    }

    /** Credentials holding only an API key. */
    public static Credentials apiKey(String apiKey) {
        return new Credentials(apiKey, List.of());
    }

    /** Never shows the API key. */
    @Override
    public String toString() {
        return "Credentials[apiKey=" + (apiKey == null ? "none" : "****") + ", clientCertificates="
                + clientCertificates.size() + "]";
    }
}
