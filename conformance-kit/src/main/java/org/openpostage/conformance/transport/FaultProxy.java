package org.openpostage.conformance.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * A TCP proxy on loopback between a client and a server that injects network faults into the
 * server's replies. It passes TLS through untouched, so it works for every transport; faults are
 * therefore triggered by what the server side saw (typically: "the service was called"), not by
 * parsing the traffic.
 *
 * <ul>
 *   <li>{@link #dropWhen}: the first reply bytes once the condition holds are not forwarded, and
 *       both connections are closed (a response lost after the server did the work);</li>
 *   <li>{@link #resetWhen}: the same, but the client's connection is reset (TCP RST);</li>
 *   <li>{@link #delayWhen}: the first reply bytes once the condition holds are held back a while;</li>
 *   <li>{@link #trickleWhen}: from then on, reply bytes are forwarded a few at a time, slowly
 *       (a slow response body).</li>
 * </ul>
 * Each fault fires once. Thread-safe; close it when done.
 */
public final class FaultProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final int targetPort;
    private final ExecutorService pumps = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fault-proxy");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger faults = new AtomicInteger();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile Fault fault;

    private enum Kind { DROP, RESET, DELAY, TRICKLE }

    private record Fault(Kind kind, BooleanSupplier when, Duration pause) {
    }

    /** A proxy to {@code 127.0.0.1:targetPort}, listening on an ephemeral loopback port. */
    public FaultProxy(int targetPort) {
        this.targetPort = targetPort;
        try {
            listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        pumps.execute(this::accept);
    }

    /** The port the proxy listens on. */
    public int port() {
        return listener.getLocalPort();
    }

    /** Loses the first reply once {@code condition} holds: closes both connections instead. */
    public void dropWhen(BooleanSupplier condition) {
        fault = new Fault(Kind.DROP, condition, Duration.ZERO);
    }

    /** Resets the client's connection at the first reply once {@code condition} holds. */
    public void resetWhen(BooleanSupplier condition) {
        fault = new Fault(Kind.RESET, condition, Duration.ZERO);
    }

    /** Holds back the first reply for {@code delay} once {@code condition} holds. */
    public void delayWhen(BooleanSupplier condition, Duration delay) {
        fault = new Fault(Kind.DELAY, condition, delay);
    }

    /** Once {@code condition} holds, forwards replies 16 bytes per {@code pause}. */
    public void trickleWhen(BooleanSupplier condition, Duration pause) {
        fault = new Fault(Kind.TRICKLE, condition, pause);
    }

    /** How many client connections were accepted. */
    public int connections() {
        return connections.get();
    }

    /** How many faults fired. */
    public int faults() {
        return faults.get();
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException e) {
            // closing anyway
        }
        open.forEach(FaultProxy::closeQuietly);
        pumps.shutdownNow();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                connections.incrementAndGet();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                open.add(client);
                open.add(server);
                pumps.execute(() -> pump(client, server, false));
                pumps.execute(() -> pump(server, client, true));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(Socket from, Socket to, boolean reply) {
        byte[] buffer = new byte[16 * 1024];
        boolean trickling = false;
        Duration tricklePause = Duration.ZERO;
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) != -1) {
                Fault f = reply ? fault : null;
                if (f != null && f.when().getAsBoolean() && claim(f)) {
                    switch (f.kind()) {
                        case DROP -> {
                            closeQuietly(from);
                            closeQuietly(to);
                            return;
                        }
                        case RESET -> {
                            to.setSoLinger(true, 0);
                            closeQuietly(to);
                            closeQuietly(from);
                            return;
                        }
                        case DELAY -> Thread.sleep(f.pause().toMillis());
                        case TRICKLE -> {
                            trickling = true;
                            tricklePause = f.pause();
                        }
                    }
                }
                if (trickling) {
                    for (int off = 0; off < n; off += 16) {
                        out.write(buffer, off, Math.min(16, n - off));
                        out.flush();
                        Thread.sleep(tricklePause.toMillis());
                    }
                } else {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            }
        } catch (IOException e) {
            // one side closed: close the other
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            open.remove(from);
            open.remove(to);
        }
    }

    private boolean claim(Fault f) {
        synchronized (this) {
            if (fault != f) {
                return false;
            }
            fault = null;
        }
        faults.incrementAndGet();
        return true;
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already closed
        }
    }
}
