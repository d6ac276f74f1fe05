package org.openpostage.api;

/**
 * A {@link PostalService} reached over a transport. Create one per postal server with
 * {@link PostalClients#connect(ClientConfig)} and share it: it is thread-safe and pools its
 * connections. Close it when the application stops.
 */
public interface PostalClient extends PostalService, AutoCloseable {
    /** The configuration the client was made with. */
    ClientConfig config();

    /** Releases connections and threads. Calls made after closing fail. Does not throw. */
    @Override
    void close();
}
