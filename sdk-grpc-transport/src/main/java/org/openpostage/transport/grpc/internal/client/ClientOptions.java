package org.openpostage.transport.grpc.internal.client;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.openpostage.api.error.ConfigurationException;

/**
 * The gRPC client's transport options, read from {@link org.openpostage.api.ClientConfig#options()}
 * (keys starting with {@code grpc.}; in a properties file, {@code option.grpc....}).
 *
 * @param maxInboundMessageSize the largest response accepted, in bytes
 * @param keepAliveTime         the ping interval on idle connections, or {@code null} for none
 * @param authority             the authority (TLS host name) to use instead of the endpoint's host, or {@code null}
 */
public record ClientOptions(int maxInboundMessageSize, Duration keepAliveTime, String authority) {
    /** The largest response in bytes: a number, or with a KiB/MiB suffix. */
    public static final String MAX_INBOUND_MESSAGE_SIZE = "grpc.maxInboundMessageSize";
    /** Keepalive ping interval: milliseconds or an ISO-8601 duration; at least 60 s, which servers permit. */
    public static final String KEEP_ALIVE_TIME = "grpc.keepAliveTime";
    /** Overrides the authority, the host name the server's certificate must name. */
    public static final String AUTHORITY = "grpc.authority";

    /**
     * 128 MiB: a purchase of 500 indicia rendered as PNG at up to some 250 KiB each, or a batch of
     * 1000 at some 125 KiB each. Buy larger volumes as {@code INDICIUM_DATA} and render locally.
     */
    public static final int DEFAULT_MAX_INBOUND_MESSAGE_SIZE = 128 * 1024 * 1024;

    private static final Set<String> KEYS = Set.of(MAX_INBOUND_MESSAGE_SIZE, KEEP_ALIVE_TIME, AUTHORITY);
    private static final Duration MIN_KEEP_ALIVE = Duration.ofSeconds(60);

    /** The options in {@code options}; keys without the {@code grpc.} prefix belong to other transports. */
    public static ClientOptions parse(Map<String, String> options) {
        for (String key : options.keySet()) {
            if (key.startsWith("grpc.") && !KEYS.contains(key)) {
                throw new ConfigurationException("unknown gRPC transport option '" + key + "'; known are "
                        + KEYS.stream().sorted().toList());
            }
        }
        int maxInbound = options.containsKey(MAX_INBOUND_MESSAGE_SIZE)
                ? size(MAX_INBOUND_MESSAGE_SIZE, options.get(MAX_INBOUND_MESSAGE_SIZE))
                : DEFAULT_MAX_INBOUND_MESSAGE_SIZE;
        Duration keepAlive = null;
        if (options.containsKey(KEEP_ALIVE_TIME)) {
            keepAlive = duration(KEEP_ALIVE_TIME, options.get(KEEP_ALIVE_TIME));
            if (keepAlive.compareTo(MIN_KEEP_ALIVE) < 0) {
                throw new ConfigurationException(KEEP_ALIVE_TIME + " must be at least 60 s (servers disconnect "
                        + "clients that ping more often), was " + keepAlive);
            }
        }
        String authority = options.get(AUTHORITY);
        if (authority != null && (authority.isBlank() || authority.chars().anyMatch(Character::isWhitespace))) {
            throw new ConfigurationException(AUTHORITY + " must be a host name (with an optional port), was '"
                    + authority + "'");
        }
        return new ClientOptions(maxInbound, keepAlive, authority);
    }

    private static int size(String key, String value) {
        String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        long unit = 1;
        if (v.endsWith("kib")) {
            unit = 1024;
            v = v.substring(0, v.length() - 3).strip();
        } else if (v.endsWith("mib")) {
            unit = 1024 * 1024;
            v = v.substring(0, v.length() - 3).strip();
        }
        try {
            long bytes = Math.multiplyExact(Long.parseLong(v), unit);
            if (bytes < 1024 || bytes > Integer.MAX_VALUE) {
                throw new NumberFormatException();
            }
            return (int) bytes;
        } catch (NumberFormatException | ArithmeticException e) {
            throw new ConfigurationException(key + " '" + value + "' must be a size from 1024 bytes to 2 GiB, "
                    + "for example 134217728 or 128MiB");
        }
    }

    private static Duration duration(String key, String value) {
        String v = value == null ? "" : value.strip();
        try {
            return v.chars().allMatch(Character::isDigit) && !v.isEmpty()
                    ? Duration.ofMillis(Long.parseLong(v)) : Duration.parse(v);
        } catch (RuntimeException e) {
            throw new ConfigurationException(key + " '" + value + "' is neither milliseconds nor an ISO-8601 duration");
        }
    }
}
