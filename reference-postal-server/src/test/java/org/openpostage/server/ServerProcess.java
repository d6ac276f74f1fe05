package org.openpostage.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openpostage.server.app.PostalServerApp;

/**
 * The postal server as its own process ({@code java ... PostalServerApp --config FILE}), on the
 * test run's class path: for what only a separate process shows (its heap, its exit status, a
 * PKCS#11 login of its own).
 */
final class ServerProcess implements AutoCloseable {
    private final Process process;
    private final List<String> output = new ArrayList<>();
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    private volatile URI xml;
    private volatile URI grpc;

    private ServerProcess(Process process) {
        this.process = process;
        Thread reader = new Thread(this::read, "server-process-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts the server with {@code config} and extra environment variables; does not wait. */
    static ServerProcess start(Path config, Map<String, String> environment) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = List.of(java.toString(), "-Xmx256m", "-Djava.awt.headless=true",
                "--add-exports", "jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED",
                "-Dlogback.configurationFile=logback.xml",
                "-cp", System.getProperty("java.class.path"), PostalServerApp.class.getName(), "--config",
                config.toString());
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(environment);
        return new ServerProcess(pb.start());
    }

    private void read() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                synchronized (output) {
                    output.add(line);
                }
                String s = line.strip();
                if (s.startsWith("XML over HTTPS:")) {
                    xml = URI.create(s.substring("XML over HTTPS:".length()).strip());
                } else if (s.startsWith("gRPC over TLS:")) {
                    grpc = URI.create(s.substring("gRPC over TLS:".length()).strip());
                    started.complete(null);
                }
            }
        } catch (IOException e) {
            // the process ended
        } finally {
            started.completeExceptionally(new IllegalStateException("the server ended: " + output()));
        }
    }

    /** Waits until the server prints its endpoints. */
    ServerProcess awaitStarted() throws Exception {
        started.get(90, TimeUnit.SECONDS);
        return this;
    }

    /** Waits for the process to end on its own; returns its exit status. */
    int awaitExit() throws InterruptedException {
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("the server did not exit: " + output());
        }
        return process.exitValue();
    }

    URI xmlEndpoint() {
        return xml;
    }

    URI grpcEndpoint() {
        return grpc;
    }

    long pid() {
        return process.pid();
    }

    /** Everything the process printed so far. */
    String output() {
        synchronized (output) {
            return String.join("\n", output);
        }
    }

    /** Stops the server as {@code kill -9} does: no shutdown hook, nothing flushed; waits until it is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the server did not die");
        }
    }

    /** Stops the server as SIGTERM does (its shutdown hook runs) and waits. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
