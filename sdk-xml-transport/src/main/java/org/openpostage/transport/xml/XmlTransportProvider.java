package org.openpostage.transport.xml;

import java.util.Set;
import org.openpostage.api.ClientConfig;
import org.openpostage.api.PostalClient;
import org.openpostage.api.TransportProvider;

/**
 * The XML-over-HTTPS transport, found by {@link org.openpostage.api.PostalClients} for
 * {@code https://} endpoints: name {@code xml}, scheme {@code https}. Registered in
 * {@code META-INF/services/org.openpostage.api.TransportProvider}.
 */
public final class XmlTransportProvider implements TransportProvider {
    /** The transport's name. */
    public static final String NAME = "xml";

    /** For {@link java.util.ServiceLoader}; cheap. */
    public XmlTransportProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<String> schemes() {
        return Set.of("https");
    }

    @Override
    public PostalClient connect(ClientConfig config) {
        return new XmlPostalClient(config);
    }
}
