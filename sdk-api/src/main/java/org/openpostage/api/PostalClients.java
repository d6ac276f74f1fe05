package org.openpostage.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.openpostage.api.error.ConfigurationException;

/**
 * Creates {@link PostalClient}s. The transport is found by the endpoint URI's scheme among the
 * {@link TransportProvider}s on the class path ({@link ServiceLoader}), so a portal switches
 * between XML and gRPC by changing the URI and nothing else:
 *
 * <pre>{@code
 * PostalClient postal = PostalClients.connect(config);            // found by scheme
 * PostalClient postal = PostalClients.connect(config, provider);  // wired explicitly
 * }</pre>
 */
public final class PostalClients {
    /** Which module provides which scheme, for the error raised when none is on the class path. */
    private static final Map<String, String> KNOWN_MODULES = Map.of(
            "https", "org.openpostage:sdk-xml-transport",
            "grpc", "org.openpostage:sdk-grpc-transport",
            "grpcs", "org.openpostage:sdk-grpc-transport");

    private PostalClients() {
    }

    /**
     * Connects with the provider that claims {@code config}'s endpoint scheme, or the one named by
     * {@link ClientConfig#transport()}.
     *
     * @throws ConfigurationException if no provider claims the scheme (naming the module to add),
     *                                or several do and the configuration names none (saying how to choose)
     */
    public static PostalClient connect(ClientConfig config) {
        return connect(config, select(config, providers()));
    }

    /** Connects with {@code provider}, bypassing discovery. */
    public static PostalClient connect(ClientConfig config, TransportProvider provider) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(provider, "provider");
        if (!provider.schemes().contains(config.scheme())) {
            throw new ConfigurationException("transport '" + provider.name() + "' does not handle scheme '"
                    + config.scheme() + "'; it handles " + provider.schemes());
        }
        return provider.connect(config);
    }

    /** The transport providers on the class path. */
    public static List<TransportProvider> providers() {
        List<TransportProvider> found = new ArrayList<>();
        ServiceLoader.load(TransportProvider.class, PostalClients.class.getClassLoader()).forEach(found::add);
        return found;
    }

    static TransportProvider select(ClientConfig config, List<TransportProvider> providers) {
        String scheme = config.scheme();
        if (config.transport() != null) {
            return providers.stream().filter(p -> p.name().equals(config.transport())).findFirst()
                    .orElseThrow(() -> new ConfigurationException("no transport named '" + config.transport()
                            + "' is on the class path; found " + names(providers)));
        }
        List<TransportProvider> candidates = providers.stream().filter(p -> p.schemes().contains(scheme)).toList();
        if (candidates.isEmpty()) {
            String module = KNOWN_MODULES.get(scheme);
            throw new ConfigurationException("no transport handles scheme '" + scheme + "' of endpoint "
                    + config.endpoint() + (module != null
                    ? "; add the dependency " + module + " to the class path"
                    : "; known schemes are https (sdk-xml-transport) and grpc/grpcs (sdk-grpc-transport)"));
        }
        if (candidates.size() > 1) {
            throw new ConfigurationException("transports " + names(candidates) + " all handle scheme '" + scheme
                    + "'; choose one with ClientConfig.builder().transport(\"" + candidates.get(0).name()
                    + "\") (property 'transport') or pass it to PostalClients.connect(config, provider)");
        }
        return candidates.get(0);
    }

    private static String names(List<TransportProvider> providers) {
        return providers.stream().map(p -> "'" + p.name() + "' (" + p.getClass().getName() + ")")
                .collect(Collectors.joining(", ", "[", "]"));
    }
}
