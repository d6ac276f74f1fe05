package org.openpostage.api.spi;

import java.util.Locale;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.jspecify.annotations.Nullable;

/**
 * Tells a TLS failure that the client's own settings cause (the server's certificate is not
 * trusted or does not name the host; the server wants a client certificate the client lacks or
 * that it does not accept) from a network failure. A transport reports the former as a
 * {@link org.openpostage.api.error.ConfigurationException} that no retry can cure, on every transport
 * alike.
 *
 * <p>A handshake the server merely hangs up on (end of stream, no alert: a load balancer with no
 * node behind it, a server stopping) is a network failure, not a configuration problem.
 *
 * <p>Under TLS 1.3 the client's handshake completes before the server judges the client's
 * certificate; the server's refusal then arrives as a fatal alert on the first read
 * ({@code certificate_required}, {@code bad_certificate}, ...), not as a handshake exception,
 * which is why the alerts are recognized by name.
 */
public final class TlsFailures {
    private static final String[] CONFIGURATION_ALERTS = {"certificate_required", "bad_certificate",
        "unsupported_certificate", "certificate_revoked", "certificate_expired", "certificate_unknown", "unknown_ca",
        "access_denied", "handshake_failure", "protocol_version", "insufficient_security"};

    private TlsFailures() {
    }

    /**
     * A sentence describing the TLS configuration problem behind {@code failure} (looked for along
     * its causes), or {@code null} if it is not one.
     */
    public static @Nullable String configurationProblem(@Nullable Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SSLHandshakeException && hungUp(t)) {
                // The peer closed the connection mid-handshake without an alert: a load balancer with no
                // node to pass it to, a server going down. Availability, not configuration: retryable.
                return null;
            }
            if (t instanceof SSLHandshakeException || t instanceof SSLPeerUnverifiedException) {
                return "the TLS handshake failed (check the trust store, the client certificate and the host "
                        + "name): " + t.getMessage();
            }
            String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            if (message.contains("alert")) {
                for (String alert : CONFIGURATION_ALERTS) {
                    if (message.contains(alert)) {
                        return "the server refused the TLS connection (" + alert + "; does it require a client "
                                + "certificate this client lacks or it does not trust?): " + t.getMessage();
                    }
                }
            }
        }
        return null;
    }

    /** Whether a handshake failed because the peer closed the connection (end of stream), not by an alert. */
    private static boolean hungUp(Throwable handshake) {
        for (Throwable t = handshake.getCause(); t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.io.EOFException) {
                return true;
            }
        }
        return String.valueOf(handshake.getMessage()).contains("Remote host terminated the handshake");
    }
}
