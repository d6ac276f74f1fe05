package org.openpostage.server.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.openpostage.api.error.PostageException;
import org.openpostage.api.indicium.SignatureAlgorithm;
import org.openpostage.api.indicium.VerificationKey;
import org.openpostage.api.value.Mode;
import org.openpostage.server.model.JournalAuditReport;
import org.openpostage.server.model.MeterAudit;
import org.openpostage.server.model.OperatorJournalEntry;
import org.openpostage.server.PostalAdmin;
import org.openpostage.server.PostalCore;
import org.openpostage.server.config.ServerConfig;
import org.openpostage.server.model.SigningKeyInfo;
import org.openpostage.server.config.AppConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * The operator's command line: the key ceremony (the signing device's token, its keys) and the
 * journal's audit, run against the same configuration file and environment as the server
 * ({@code java -jar reference-postal-server.jar admin ...}). docs/operations.md walks through a
 * ceremony.
 *
 * <p>Every command that changes something is recorded in the operator journal with the operator's
 * name ({@code --operator}, by default the login name), as the admin console's actions are. Exit status: 0 when done, 1 when an audit
 * found problems or a request was refused, 2 for a usage or configuration error.
 */
@Command(name = "openpostage-admin", mixinStandardHelpOptions = true, version = "openpostage-admin 0.1.0",
        description = "Administers an OpenPostage postal server: partners, API keys, meters, card refunds, rate "
                + "tables, backgrounds, operator accounts, signing keys and the journal audit.",
        subcommands = {OperationsCommands.Partners.class, OperationsCommands.ApiKeys.class,
                OperationsCommands.Meters.class, OperationsCommands.Refunds.class, OperationsCommands.Rates.class,
                OperationsCommands.Backgrounds.class, OperationsCommands.Operators.class, AdminCommand.Token.class,
                AdminCommand.Keys.class, AdminCommand.Journal.class},
        sortOptions = false, usageHelpAutoWidth = true)
public final class AdminCommand implements Callable<Integer> {
    /** The exit status of a refused request or a failed audit. */
    static final int EXIT_PROBLEM = 1;
    /** The exit status of a usage or configuration error. */
    static final int EXIT_USAGE = 2;

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "the server's configuration file; "
            + "OPENPOSTAGE_* environment variables override it, as for the server")
    Path config;

    @Option(names = "--operator", paramLabel = "NAME", description = "who you are, for the operator journal "
            + "(default: the login name)")
    String operator;

    final Map<String, String> environment;
    final java.io.InputStream in;

    /** A command reading settings from {@code environment}. */
    public AdminCommand(Map<String, String> environment) {
        this(environment, System.in);
    }

    /** A command reading settings from {@code environment} and passwords ({@code --password-stdin}) from {@code in}. */
    public AdminCommand(Map<String, String> environment, java.io.InputStream in) {
        this.environment = Map.copyOf(environment);
        this.in = in;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return EXIT_USAGE;
    }

    /** Runs the command line; {@code java -jar reference-postal-server.jar admin ARGS} comes here. */
    public static void main(String[] args) {
        // The commands print what they did; the core's INFO lines would drown it. OPENPOSTAGE_LOG_LEVEL still rules.
        if (System.getProperty("OPENPOSTAGE_LOG_LEVEL") == null && System.getenv("OPENPOSTAGE_LOG_LEVEL") == null
                && org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)
                instanceof ch.qos.logback.classic.Logger root) {
            root.setLevel(ch.qos.logback.classic.Level.WARN);
        }
        System.exit(run(args, System.getenv(), new PrintWriter(System.out, true, StandardCharsets.UTF_8),
                new PrintWriter(System.err, true, StandardCharsets.UTF_8)));
    }

    /** Runs {@code args} with {@code environment}; returns the exit status. */
    public static int run(String[] args, Map<String, String> environment, PrintWriter out, PrintWriter err) {
        return run(args, environment, System.in, out, err);
    }

    /** Runs {@code args} with {@code environment} and standard input {@code in}; returns the exit status. */
    public static int run(String[] args, Map<String, String> environment, java.io.InputStream in, PrintWriter out,
                          PrintWriter err) {
        CommandLine cl = new CommandLine(new AdminCommand(environment, in));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            boolean refused = e instanceof PostageException pe && pe.code() != org.openpostage.api.error.ErrorCode.INVALID_CONFIGURATION;
            line.getErr().println((refused ? "refused: " : "error: ") + oneLine(e.getMessage()));
            return refused ? EXIT_PROBLEM : EXIT_USAGE;
        });
        return cl.execute(args);
    }

    private static String oneLine(String message) {
        return String.valueOf(message).strip().replaceAll("\\s*\\R\\s*", "; ");
    }

    /** The server's settings, read as the server reads them, without its timers. */
    ServerConfig serverConfig() {
        return AppConfig.load(config, environment).server().toBuilder().backgroundTasks(false).build();
    }

    String operatorName() {
        if (operator != null && !operator.isBlank()) {
            return operator;
        }
        String user = environment.getOrDefault("USER", System.getProperty("user.name"));
        return user == null || user.isBlank() ? "operator" : user;
    }

    /** Opens the core, runs {@code work} with its administration acting as the operator, closes the core. */
    <T> T withAdmin(java.util.function.Function<PostalAdmin, T> work) {
        try (PostalCore core = PostalCore.open(serverConfig())) {
            return work.apply(core.admin().as(operatorName()));
        }
    }

    // ------------------------------------------------------------------ token

    /** The PKCS#11 token: initialise one, list them. */
    @Command(name = "token", mixinStandardHelpOptions = true, description = "The PKCS#11 token of the signing device.",
            subcommands = {Token.Init.class, Token.ListTokens.class})
    static final class Token implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @ParentCommand
        AdminCommand admin;

        @Override
        public Integer call() {
            spec.commandLine().usage(spec.commandLine().getOut());
            return EXIT_USAGE;
        }

        /** The PKCS#11 library: {@code psd.pkcs11.library}, or SoftHSM2's. */
        Path library() {
            try {
                return admin.serverConfig().pkcs11Library();
            } catch (RuntimeException e) {
                return ServerConfig.SOFTHSM2_LIBRARY;
            }
        }

        @Command(name = "init", mixinStandardHelpOptions = true, description = {
                "Initialises a new token: its label, its security officer's PIN (OPENPOSTAGE_PSD_SO_PIN) and its "
                        + "user PIN (OPENPOSTAGE_PSD_PKCS11_PIN), with the token's standard tool.",
                "SoftHSM2 takes a free slot; another library needs --slot, since initialising a token erases it."})
        static final class Init implements Callable<Integer> {
            @ParentCommand
            Token token;

            @Option(names = "--label", required = true, paramLabel = "LABEL", description = "the new token's label")
            String label;

            @Option(names = "--slot", paramLabel = "ID", description = "the slot whose token to initialise (ERASES it)")
            Long slot;

            @Override
            public Integer call() throws IOException, InterruptedException {
                AdminCommand admin = token.admin;
                PrintWriter out = token.spec.commandLine().getOut();
                String soPin = admin.environment.get("OPENPOSTAGE_PSD_SO_PIN");
                String pin = admin.environment.get(ServerConfig.environmentName(ServerConfig.PIN_KEY));
                if (soPin == null || soPin.isBlank() || pin == null || pin.isBlank()) {
                    throw new CommandLine.ParameterException(token.spec.commandLine(), "set OPENPOSTAGE_PSD_SO_PIN "
                            + "(the security officer's PIN) and OPENPOSTAGE_PSD_PKCS11_PIN (the user PIN) in the environment");
                }
                Path library = token.library();
                if (Tools.labels(library).contains(label)) {
                    throw new CommandLine.ParameterException(token.spec.commandLine(), "a token labelled '" + label
                            + "' exists already in " + library);
                }
                boolean softHsm = String.valueOf(library.getFileName()).contains("softhsm");
                if (slot == null && softHsm) {
                    Tools.run(List.of("softhsm2-util", "--init-token", "--free", "--label", label, "--so-pin", soPin,
                            "--pin", pin), List.of(soPin, pin));
                } else if (slot != null) {
                    Tools.run(List.of("pkcs11-tool", "--module", library.toString(), "--slot", Long.toString(slot),
                            "--init-token", "--label", label, "--so-pin", soPin), List.of(soPin, pin));
                    Tools.run(List.of("pkcs11-tool", "--module", library.toString(), "--token-label", label, "--login",
                            "--login-type", "so", "--so-pin", soPin, "--init-pin", "--pin", pin), List.of(soPin, pin));
                } else {
                    throw new CommandLine.ParameterException(token.spec.commandLine(), "name the slot to initialise with "
                            + "--slot (pkcs11-tool --module " + library + " -L lists them); initialising erases the token");
                }
                out.println("token '" + label + "' initialised in " + library + "; set psd.pkcs11.token-label = " + label);
                return 0;
            }
        }

        @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the tokens of the PKCS#11 library.")
        static final class ListTokens implements Callable<Integer> {
            @ParentCommand
            Token token;

            @Override
            public Integer call() throws IOException, InterruptedException {
                token.spec.commandLine().getOut().print(Tools.run(List.of("pkcs11-tool", "--module",
                        token.library().toString(), "-L"), List.of()));
                return 0;
            }
        }
    }

    // ------------------------------------------------------------------ keys

    /** The signing keys. */
    @Command(name = "keys", mixinStandardHelpOptions = true, description = "The signing keys: the key ceremony.",
            subcommands = {Keys.ListKeys.class, Keys.Generate.class, Keys.Export.class, Keys.Activate.class,
                    Keys.Rotate.class, Keys.Retire.class, Keys.Revoke.class})
    static final class Keys implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @ParentCommand
        AdminCommand admin;

        @Override
        public Integer call() {
            spec.commandLine().usage(spec.commandLine().getOut());
            return EXIT_USAGE;
        }

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        void print(SigningKeyInfo k) {
            out().printf(Locale.ROOT, "key %d  %s %s  %s  device %s%s%n  fingerprint sha256:%s%n", k.keyId(), k.mode(),
                    k.algorithm(), k.state(), k.device(), k.heldByThisNode() ? "" : " (not held by this node's device)",
                    k.fingerprint());
            if (k.activeFrom() != null || k.retiredAt() != null || k.revokedAt() != null) {
                out().printf(Locale.ROOT, "  active from %s%s%s%n", orDash(k.activeFrom()),
                        k.retiredAt() == null ? "" : ", retired " + k.retiredAt() + (k.lastDateOfMailing() == null ? ""
                                : " (last date of mailing " + k.lastDateOfMailing() + ")"),
                        k.revokedAt() == null ? "" : ", REVOKED " + k.revokedAt());
            }
        }

        private static String orDash(Object o) {
            return o == null ? "-" : o.toString();
        }

        @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists every key with its state.")
        static final class ListKeys implements Callable<Integer> {
            @ParentCommand
            Keys keys;

            @Override
            public Integer call() {
                return keys.admin.withAdmin(admin -> {
                    keys.out().println("signing device: " + admin.signingDevice());
                    admin.signingKeys().forEach(keys::print);
                    return 0;
                });
            }
        }

        @Command(name = "generate", mixinStandardHelpOptions = true, description = "Creates a key inside the signing "
                + "device, pending: it signs nothing and is not published until activated.")
        static final class Generate implements Callable<Integer> {
            @ParentCommand
            Keys keys;

            @Option(names = "--mode", required = true, description = "live or test") Mode mode;

            @Option(names = "--algorithm", description = "ECDSA_P256_SHA256 (default) or ED25519 (software device only)")
            SignatureAlgorithm algorithm = SignatureAlgorithm.ECDSA_P256_SHA256;

            @Override
            public Integer call() {
                return keys.admin.withAdmin(admin -> {
                    SigningKeyInfo k = admin.generateSigningKey(mode, algorithm);
                    keys.print(k);
                    keys.out().print(pem(k));
                    keys.out().println("activate it with: keys activate " + k.keyId());
                    return 0;
                });
            }
        }

        @Command(name = "export", mixinStandardHelpOptions = true, description = "Writes a key's public half as PEM, "
                + "with its id, mode and fingerprint.")
        static final class Export implements Callable<Integer> {
            @ParentCommand
            Keys keys;

            @Parameters(paramLabel = "KEY_ID") long keyId;

            @Option(names = "--out", paramLabel = "FILE", description = "write to FILE instead of the standard output")
            Path file;

            @Override
            public Integer call() throws IOException {
                SigningKeyInfo k = keys.admin.withAdmin(admin -> admin.signingKeys().stream()
                        .filter(x -> x.keyId() == keyId).findFirst().orElseThrow(
                                () -> new org.openpostage.api.error.NotFoundException("signing key " + keyId + " does not exist")));
                String text = "# OpenPostage signing key " + k.keyId() + ", " + k.mode() + ", " + k.algorithm()
                        + ", sha256:" + k.fingerprint() + "\n" + pem(k);
                if (file == null) {
                    keys.out().print(text);
                } else {
                    Files.writeString(file, text, StandardCharsets.US_ASCII);
                    keys.out().println("wrote key " + k.keyId() + " to " + file);
                }
                return 0;
            }
        }

        @Command(name = "activate", mixinStandardHelpOptions = true, description = "Makes a pending key the active "
                + "key of its mode; the key that was active is retired.")
        static final class Activate implements Callable<Integer> {
            @ParentCommand
            Keys keys;

            @Parameters(paramLabel = "KEY_ID") long keyId;

            @Override
            public Integer call() {
                return keys.admin.withAdmin(admin -> {
                    keys.print(admin.activateSigningKey(keyId));
                    return 0;
                });
            }
        }

        @Command(name = "rotate", mixinStandardHelpOptions = true, description = "Creates a key in the signing device "
                + "and makes it the active key of its mode at once; the key that was active is retired.")
        static final class Rotate implements Callable<Integer> {
            @ParentCommand
            Keys keys;

            @Option(names = "--mode", required = true, description = "live or test") Mode mode;

            @Option(names = "--algorithm", description = "ECDSA_P256_SHA256 (default) or ED25519 (software device only)")
            SignatureAlgorithm algorithm = SignatureAlgorithm.ECDSA_P256_SHA256;

            @Override
            public Integer call() {
                return keys.admin.withAdmin(admin -> {
                    keys.print(admin.rotateSigningKey(mode, algorithm));
                    return 0;
                });
            }
        }

        @Command(name = "retire", mixinStandardHelpOptions = true, description = "Retires a pending key that will "
                + "not be activated (the active key is retired by rotating).")
        static final class Retire implements Callable<Integer> {
            @ParentCommand
            Keys keys;

            @Parameters(paramLabel = "KEY_ID") long keyId;

            @Override
            public Integer call() {
                return keys.admin.withAdmin(admin -> {
                    keys.print(admin.retireSigningKey(keyId));
                    return 0;
                });
            }
        }

        @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revokes a key that may have leaked: "
                + "offline verifiers stop trusting what it signed. The active key is replaced first.")
        static final class Revoke implements Callable<Integer> {
            @ParentCommand
            Keys keys;

            @Parameters(paramLabel = "KEY_ID") long keyId;

            @Override
            public Integer call() {
                return keys.admin.withAdmin(admin -> {
                    VerificationKey revoked = admin.revokeSigningKey(keyId);
                    keys.out().println("key " + revoked.keyId() + " revoked at " + revoked.revokedAt());
                    admin.signingKeys().stream().filter(k -> k.state() == SigningKeyInfo.State.ACTIVE).forEach(keys::print);
                    return 0;
                });
            }
        }

        static String pem(SigningKeyInfo k) {
            StringWriter w = new StringWriter();
            try (JcaPEMWriter pem = new JcaPEMWriter(w)) {
                pem.writeObject(SubjectPublicKeyInfo.getInstance(k.publicKey().toArray()));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return w.toString();
        }
    }

    // ------------------------------------------------------------------ journal

    /** The journals: audit, checkpoint, the operator journal. */
    @Command(name = "journal", mixinStandardHelpOptions = true, description = "The journals and their audit.",
            subcommands = {Journal.Audit.class, Journal.Checkpoint.class, Journal.Show.class})
    static final class Journal implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @ParentCommand
        AdminCommand admin;

        @Override
        public Integer call() {
            spec.commandLine().usage(spec.commandLine().getOut());
            return EXIT_USAGE;
        }

        @Command(name = "audit", mixinStandardHelpOptions = true, description = "Checks every meter's registers, "
                + "every journal's hash chain and every signed checkpoint; exit status 1 if anything is wrong.")
        static final class Audit implements Callable<Integer> {
            @ParentCommand
            Journal journal;

            @Override
            public Integer call() {
                PrintWriter out = journal.spec.commandLine().getOut();
                return journal.admin.withAdmin(admin -> {
                    List<String> problems = new ArrayList<>();
                    List<MeterAudit> meters = admin.audit();
                    for (MeterAudit m : meters) {
                        m.problems().forEach(p -> problems.add("meter " + m.meterId() + ": " + p));
                    }
                    JournalAuditReport chains = admin.auditJournal();
                    problems.addAll(chains.problems());
                    out.printf(Locale.ROOT, "%d meters, %d chains, %d chained entries%s, %d signed checkpoints%s%n",
                            meters.size(), chains.chains(), chains.entries(), chains.unchainedEntries() == 0 ? ""
                                    : " (and " + chains.unchainedEntries() + " older entries before the chains began)",
                            chains.checkpoints(), chains.lastCheckpointAt() == null ? ""
                                    : ", the last signed " + chains.lastCheckpointAt());
                    if (problems.isEmpty()) {
                        out.println("INTACT: the registers balance and no journal entry was altered, deleted or reordered");
                        return 0;
                    }
                    out.println("PROBLEMS (" + problems.size() + "):");
                    problems.forEach(p -> out.println("  " + p));
                    return EXIT_PROBLEM;
                });
            }
        }

        @Command(name = "checkpoint", mixinStandardHelpOptions = true, description = "Signs a checkpoint of the "
                + "journals now (nodes also do so on a timer and when they stop).")
        static final class Checkpoint implements Callable<Integer> {
            @ParentCommand
            Journal journal;

            @Override
            public Integer call() {
                PrintWriter out = journal.spec.commandLine().getOut();
                return journal.admin.withAdmin(admin -> {
                    long id = admin.signJournalCheckpoint();
                    out.println(id == 0 ? "no journal grew since the last checkpoint" : "signed checkpoint " + id);
                    return 0;
                });
            }
        }

        @Command(name = "show", mixinStandardHelpOptions = true, description = "Prints the operator journal.")
        static final class Show implements Callable<Integer> {
            @ParentCommand
            Journal journal;

            @Option(names = "--after", paramLabel = "SEQ", description = "start after this entry (default 0)")
            long after;

            @Option(names = "--limit", paramLabel = "N", description = "at most N entries (default 100)")
            int limit = 100;

            @Override
            public Integer call() {
                PrintWriter out = journal.spec.commandLine().getOut();
                return journal.admin.withAdmin(admin -> {
                    for (OperatorJournalEntry e : admin.operatorJournal(after, limit)) {
                        out.printf(Locale.ROOT, "%d  %s  %-13s %-14s by %s%s%n", e.seq(), e.createdAt(), e.action(),
                                e.subject(), e.actor(), e.detail() == null ? "" : ": " + e.detail());
                    }
                    return 0;
                });
            }
        }
    }

    // ------------------------------------------------------------------ tools

    /** The token vendor's standard tools, run as processes. */
    static final class Tools {
        private Tools() {
        }

        /** Runs {@code command}; its output, with {@code secrets} masked. */
        static String run(List<String> command, List<String> secrets) throws IOException, InterruptedException {
            Process p;
            try {
                p = new ProcessBuilder(command).redirectErrorStream(true).start();
            } catch (IOException e) {
                throw new IllegalStateException(command.get(0) + " is not installed (Debian: " + (command.get(0)
                        .startsWith("softhsm") ? "softhsm2" : "opensc") + ")");
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            for (String s : secrets) {
                out = out.replace(s, "****");
            }
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(command.get(0) + " failed: " + oneLine(out));
            }
            return out;
        }

        /** The labels of the tokens in {@code library}'s slots, as pkcs11-tool lists them. */
        static List<String> labels(Path library) throws IOException, InterruptedException {
            List<String> labels = new ArrayList<>();
            for (String line : run(List.of("pkcs11-tool", "--module", library.toString(), "-L"), List.of()).split("\\R")) {
                String s = line.strip();
                if (s.startsWith("token label")) {
                    labels.add(s.substring(s.indexOf(':') + 1).strip());
                }
            }
            return labels;
        }
    }
}
