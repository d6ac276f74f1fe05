package org.openpostage.transport.xml.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * A TCP proxy on loopback that passes TLS through untouched and, when armed, drops one response:
 * once {@code cutWhen} turns true (for example: the service committed the purchase), the next
 * bytes the server sends back are not forwarded and both connections are closed. The client sees
 * its connection die after the server did the work, the worst case for a retry.
 */
public final class DroppingProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final int targetPort;
    private final ExecutorService pumps = Executors.newCachedThreadPool();
    private final AtomicBoolean armed = new AtomicBoolean();
    private final AtomicInteger dropped = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile BooleanSupplier cutWhen = () -> false;

    /** A proxy to {@code 127.0.0.1:targetPort}. */
    public DroppingProxy(int targetPort) {
        this.targetPort = targetPort;
        try {
            listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        pumps.execute(this::accept);
    }

    /** {@code https://127.0.0.1:port} of the proxy. */
    public URI uri() {
        return URI.create("https://127.0.0.1:" + listener.getLocalPort());
    }

    /** Drops the first response that the server sends once {@code condition} holds. */
    public void dropResponseOnce(BooleanSupplier condition) {
        cutWhen = condition;
        armed.set(true);
    }

    /** How many responses were dropped. */
    public int dropped() {
        return dropped.get();
    }

    /** How many client connections were accepted. */
    public int connections() {
        return connections.get();
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException e) {
            // closing anyway
        }
        pumps.shutdownNow();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                connections.incrementAndGet();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                pumps.execute(() -> pump(client, server, false));
                pumps.execute(() -> pump(server, client, true));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(Socket from, Socket to, boolean serverToClient) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) != -1) {
                if (serverToClient && armed.get() && cutWhen.getAsBoolean() && armed.compareAndSet(true, false)) {
                    dropped.incrementAndGet();
                    closeQuietly(from);
                    closeQuietly(to);
                    return;
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side closed: close the other
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already closed
        }
    }
}
