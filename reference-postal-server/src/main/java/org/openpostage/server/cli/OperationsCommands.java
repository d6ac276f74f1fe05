package org.openpostage.server.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.model.MeterStatement;
import org.openpostage.api.value.Bytes;
import org.openpostage.api.value.Mode;
import org.openpostage.api.value.Money;
import org.openpostage.server.model.BackgroundEntry;
import org.openpostage.server.model.FailedCardRefund;
import org.openpostage.server.model.IssuedApiKey;
import org.openpostage.server.model.JournalEntry;
import org.openpostage.server.model.MeterInfo;
import org.openpostage.server.model.OperatorAccount;
import org.openpostage.server.model.PartnerInfo;
import org.openpostage.server.model.RateTableInfo;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * The operator's day-to-day commands beside the key ceremony: partners and API keys, meters, card
 * refunds, rate tables, the background catalogue and the admin console's operator accounts, each
 * the same operation as the admin console's and journaled the same way (docs/operations.md, "The
 * admin command line").
 */
final class OperationsCommands {
    private OperationsCommands() {
    }

    /** What every group shares: its parent, its output, its usage when run alone. */
    abstract static class Group implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @ParentCommand
        AdminCommand admin;

        @Override
        public Integer call() {
            spec.commandLine().usage(spec.commandLine().getOut());
            return AdminCommand.EXIT_USAGE;
        }

        PrintWriter out() {
            return spec.commandLine().getOut();
        }
    }

    // ------------------------------------------------------------------ partners

    @Command(name = "partners", mixinStandardHelpOptions = true, description = "Partners (portals).",
            subcommands = {Partners.ListPartners.class, Partners.Create.class})
    static final class Partners extends Group {
        @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists every partner.")
        static final class ListPartners implements Callable<Integer> {
            @ParentCommand
            Partners group;

            @Override
            public Integer call() {
                return group.admin.withAdmin(admin -> {
                    for (PartnerInfo p : admin.listPartners()) {
                        group.out().printf(Locale.ROOT, "%-24s %-32s %d active keys, %d meters, since %s%n",
                                p.partnerId(), p.displayName(), p.activeKeys(), p.meters(), p.createdAt());
                    }
                    return 0;
                });
            }
        }

        @Command(name = "create", mixinStandardHelpOptions = true, description = "Registers a partner.")
        static final class Create implements Callable<Integer> {
            @ParentCommand
            Partners group;

            @Parameters(paramLabel = "PARTNER_ID", description = "1 to 64 letters, digits, '.', '_', ':' or '-'")
            String partnerId;

            @Option(names = "--name", required = true, paramLabel = "NAME", description = "the name to show")
            String name;

            @Override
            public Integer call() {
                return group.admin.withAdmin(admin -> {
                    admin.createPartner(partnerId, name);
                    group.out().println("partner " + partnerId + " created");
                    return 0;
                });
            }
        }
    }

    // ------------------------------------------------------------------ API keys

    @Command(name = "api-keys", mixinStandardHelpOptions = true, description = "Partners' API keys.",
            subcommands = {ApiKeys.ListKeys.class, ApiKeys.Issue.class, ApiKeys.Revoke.class})
    static final class ApiKeys extends Group {
        @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists a partner's keys (never secrets).")
        static final class ListKeys implements Callable<Integer> {
            @ParentCommand
            ApiKeys group;

            @Parameters(paramLabel = "PARTNER_ID") String partnerId;

            @Override
            public Integer call() {
                return group.admin.withAdmin(admin -> {
                    admin.apiKeys(partnerId).forEach(k -> group.out().printf(Locale.ROOT, "%-24s %-4s %-7s issued %s%s%n",
                            k.keyId(), k.mode(), k.scanner() ? "scanner" : "", k.createdAt(),
                            k.revokedAt() == null ? "" : ", REVOKED " + k.revokedAt()));
                    return 0;
                });
            }
        }

        @Command(name = "issue", mixinStandardHelpOptions = true, description = "Issues an API key; its secret is "
                + "printed once, here, and stored nowhere.")
        static final class Issue implements Callable<Integer> {
            @ParentCommand
            ApiKeys group;

            @Parameters(paramLabel = "PARTNER_ID") String partnerId;

            @Option(names = "--mode", required = true, description = "test or live") Mode mode;

            @Option(names = "--scanner", description = "the key records scans when it verifies (mail processing only)")
            boolean scanner;

            @Override
            public Integer call() {
                return group.admin.withAdmin(admin -> {
                    IssuedApiKey k = admin.issueApiKey(partnerId, mode, scanner);
                    group.out().println("key " + k.keyId() + " (" + k.mode() + (scanner ? ", scanner" : "")
                            + ") issued to " + partnerId + "; give the partner this secret, it is not shown again:");
                    group.out().println(k.apiKey());
                    return 0;
                });
            }
        }

        @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revokes an API key on every node.")
        static final class Revoke implements Callable<Integer> {
            @ParentCommand
            ApiKeys group;

            @Parameters(paramLabel = "KEY_ID") String keyId;

            @Override
            public Integer call() {
                return group.admin.withAdmin(admin -> {
                    admin.revokeApiKey(keyId);
                    group.out().println("key " + keyId + " revoked");
                    return 0;
                });
            }
        }
    }

    // ------------------------------------------------------------------ meters

    @Command(name = "meters", mixinStandardHelpOptions = true, description = "Meters: registers, funding, journal.",
            subcommands = {Meters.ListMeters.class, Meters.Create.class, Meters.Fund.class, Meters.Journal.class})
    static final class Meters extends Group {
        void print(MeterInfo m) {
            MeterStatement s = m.statement();
            out().printf(Locale.ROOT, "meter %d  %-4s %-20s ascending %s  descending %s  control %s  %d pieces%s%n",
                    s.meterId(), s.mode(), m.partnerId(), s.ascending(), s.descending(), s.controlTotal(),
                    s.piecesIssued(), m.defaultMeter() ? "  (default)" : "");
        }

        @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists meters and their registers.")
        static final class ListMeters implements Callable<Integer> {
            @ParentCommand
            Meters group;

            @Option(names = "--partner", paramLabel = "PARTNER_ID", description = "only this partner's")
            String partnerId;

            @Override
            public Integer call() {
                return group.admin.withAdmin(admin -> {
                    admin.allMeters().stream().filter(m -> partnerId == null || m.partnerId().equals(partnerId))
                            .forEach(group::print);
                    return 0;
                });
            }
        }

        @Command(name = "create", mixinStandardHelpOptions = true, description = "Creates an empty meter.")
        static final class Create implements Callable<Integer> {
            @ParentCommand
            Meters group;

            @Parameters(paramLabel = "PARTNER_ID") String partnerId;

            @Option(names = "--mode", required = true, description = "test or live") Mode mode;

            @Option(names = "--currency", paramLabel = "CODE", description = "ISO 4217 (default: the rate table's)")
            String currency;

            @Override
            public Integer call() {
                return group.admin.withAdmin(admin -> {
                    java.util.Currency c = currency == null ? admin.currency() : Money.currency(currency);
                    MeterStatement m = admin.createMeter(partnerId, mode, c);
                    group.print(admin.meter(m.meterId()));
                    return 0;
                });
            }
        }

        @Command(name = "fund", mixinStandardHelpOptions = true, description = "Loads money onto a meter "
                + "(a FUNDING journal entry).")
        static final class Fund implements Callable<Integer> {
            @ParentCommand
            Meters group;

            @Parameters(index = "0", paramLabel = "METER_ID") long meterId;

            @Parameters(index = "1", paramLabel = "AMOUNT", description = "in the meter's currency, such as 250.00")
            BigDecimal amount;

            @Option(names = "--reference", paramLabel = "TEXT", description = "your reference (a bank transfer's id)")
            String reference;

            @Override
            public Integer call() {
                return group.admin.withAdmin(admin -> {
                    MeterInfo m = admin.meter(meterId);
                    Money money;
                    try {
                        money = Money.ofMajor(amount, m.statement().descending().currency());
                    } catch (RuntimeException e) {
                        throw new InvalidRequestException("AMOUNT " + amount + " is not an amount of "
                                + m.statement().descending().currency() + ": " + e.getMessage());
                    }
                    JournalEntry e = admin.fundMeter(meterId, money, reference);
                    group.out().println("meter " + meterId + " funded with " + money + " (journal entry " + e.entryId()
                            + "); descending register now " + new Money(e.descendingAfter(), money.currency()));
                    return 0;
                });
            }
        }

        @Command(name = "journal", mixinStandardHelpOptions = true, description = "Prints a meter's journal.")
        static final class Journal implements Callable<Integer> {
            @ParentCommand
            Meters group;

            @Parameters(paramLabel = "METER_ID") long meterId;

            @Option(names = "--after", paramLabel = "ENTRY_ID", description = "start after this entry (default 0)")
            long after;

            @Option(names = "--limit", paramLabel = "N", description = "at most N entries (default 100)")
            int limit = 100;

            @Override
            public Integer call() {
                return group.admin.withAdmin(admin -> {
                    for (JournalEntry e : admin.journal(meterId, after, limit)) {
                        group.out().printf(Locale.ROOT, "%d  %s  %-9s %12s  ascending %d  descending %d%s%n", e.entryId(),
                                e.createdAt(), e.kind(), e.amount(), e.ascendingAfter(), e.descendingAfter(),
                                e.purchaseId() != null ? "  purchase " + e.purchaseId()
                                        : e.reference() != null ? "  " + e.reference() : "");
                    }
                    return 0;
                });
            }
        }
    }

    // ------------------------------------------------------------------ card refunds

    @Command(name = "refunds", mixinStandardHelpOptions = true, description = "Card refunds the gateway refused.",
            subcommands = {Refunds.Failed.class, Refunds.Retry.class})
    static final class Refunds extends Group {
        @Command(name = "failed", mixinStandardHelpOptions = true, description = "Lists card refunds the gateway "
                + "refused to pay back: the card holders are owed these amounts.")
        static final class Failed implements Callable<Integer> {
            @ParentCommand
            Refunds group;

            @Override
            public Integer call() {
                return group.admin.withAdmin(admin -> {
                    List<FailedCardRefund> failed = admin.failedCardRefunds();
                    for (FailedCardRefund r : failed) {
                        group.out().printf(Locale.ROOT, "%s  %s  partner %s  indicium %s  payment %s  refunded %s%n",
                                r.refundId(), r.amount(), r.partnerId(), r.indiciumId(), r.paymentId(), r.refundedAt());
                    }
                    group.out().println(failed.size() + " refused card refunds");
                    return 0;
                });
            }
        }

        @Command(name = "retry", mixinStandardHelpOptions = true, description = "Queues a refused card refund for "
                + "another payout (after the problem was resolved with the acquirer).")
        static final class Retry implements Callable<Integer> {
            @ParentCommand
            Refunds group;

            @Parameters(paramLabel = "REFUND_ID") String refundId;

            @Override
            public Integer call() {
                return group.admin.withAdmin(admin -> {
                    admin.retryCardRefund(refundId);
                    group.out().println("refund " + refundId + " queued: the reconciler pays it back to the card");
                    return 0;
                });
            }
        }
    }

    // ------------------------------------------------------------------ rate tables

    @Command(name = "rates", mixinStandardHelpOptions = true, description = "Rate tables.",
            subcommands = {Rates.ListTables.class, Rates.Show.class, Rates.Upload.class, Rates.Withdraw.class})
    static final class Rates extends Group {
        @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists every rate table.")
        static final class ListTables implements Callable<Integer> {
            @ParentCommand
            Rates group;

            @Override
            public Integer call() {
                return group.admin.withAdmin(admin -> {
                    for (RateTableInfo t : admin.rateTables()) {
                        group.out().printf(Locale.ROOT, "%-16s %s  effective %s  %-10s%s%s%s%n", t.version(), t.currency(),
                                t.effectiveFrom(), t.origin(), t.uploadedBy() == null ? "" : " by " + t.uploadedBy(),
                                t.withdrawnAt() == null ? "" : "  WITHDRAWN " + t.withdrawnAt(),
                                t.inForceToday() ? "  (in force today)" : "");
                    }
                    return 0;
                });
            }
        }

        @Command(name = "show", mixinStandardHelpOptions = true, description = "Prints a table's prices.")
        static final class Show implements Callable<Integer> {
            @ParentCommand
            Rates group;

            @Parameters(paramLabel = "VERSION") String version;

            @Override
            public Integer call() {
                return group.admin.withAdmin(admin -> {
                    RateTableInfo t = admin.rateTables().stream().filter(x -> x.version().equals(version)).findFirst()
                            .orElseThrow(() -> new org.openpostage.api.error.NotFoundException("there is no rate table "
                                    + version));
                    group.out().println("table version=" + t.version() + " currency=" + t.currency() + " effective-from="
                            + t.effectiveFrom());
                    t.rows().forEach(r -> group.out().printf(Locale.ROOT, "%-20s %-10d %-5d %d%n", r.mailClass(),
                            r.maxGrams(), r.zone(), r.price().minorUnits()));
                    return 0;
                });
            }
        }

        @Command(name = "upload", mixinStandardHelpOptions = true, description = "Uploads a rate table (docs/rates.md) "
                + "that takes effect on a later day; it is checked whole before it is stored.")
        static final class Upload implements Callable<Integer> {
            @ParentCommand
            Rates group;

            @Parameters(paramLabel = "FILE") Path file;

            @Option(names = "--effective-from", required = true, paramLabel = "DATE",
                    description = "the first day of mailing it prices (YYYY-MM-DD), as the file's table line says")
            LocalDate effectiveFrom;

            @Override
            public Integer call() throws IOException {
                String text = Files.readString(file, StandardCharsets.UTF_8);
                return group.admin.withAdmin(admin -> {
                    RateTableInfo t = admin.uploadRateTable(text, effectiveFrom);
                    group.out().println("rate table " + t.version() + " uploaded: " + t.rows().size()
                            + " prices, effective from " + t.effectiveFrom());
                    return 0;
                });
            }
        }

        @Command(name = "withdraw", mixinStandardHelpOptions = true, description = "Withdraws an uploaded table "
                + "before its day.")
        static final class Withdraw implements Callable<Integer> {
            @ParentCommand
            Rates group;

            @Parameters(paramLabel = "VERSION") String version;

            @Override
            public Integer call() {
                return group.admin.withAdmin(admin -> {
                    admin.withdrawRateTable(version);
                    group.out().println("rate table " + version + " withdrawn");
                    return 0;
                });
            }
        }
    }

    // ------------------------------------------------------------------ backgrounds

    @Command(name = "backgrounds", mixinStandardHelpOptions = true, description = "The background catalogue.",
            subcommands = {Backgrounds.ListImages.class, Backgrounds.Add.class, Backgrounds.Retire.class})
    static final class Backgrounds extends Group {
        @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the catalogue, retired images too.")
        static final class ListImages implements Callable<Integer> {
            @ParentCommand
            Backgrounds group;

            @Override
            public Integer call() {
                return group.admin.withAdmin(admin -> {
                    for (BackgroundEntry e : admin.backgroundCatalogue()) {
                        group.out().printf(Locale.ROOT, "%-20s %-30s %s %dx%d %s%s%n", e.image().id(), e.image().title(),
                                e.image().mediaType(), e.image().widthPx(), e.image().heightPx(),
                                e.sample() ? "sample" : "added " + e.addedAt(),
                                e.offered() ? "" : "  RETIRED " + e.retiredAt() + " by " + e.retiredBy());
                    }
                    return 0;
                });
            }
        }

        @Command(name = "add", mixinStandardHelpOptions = true, description = "Adds a PNG or JPEG to the catalogue.")
        static final class Add implements Callable<Integer> {
            @ParentCommand
            Backgrounds group;

            @Parameters(index = "0", paramLabel = "ID") String id;

            @Parameters(index = "1", paramLabel = "FILE") Path file;

            @Option(names = "--title", required = true, paramLabel = "TITLE") String title;

            @Override
            public Integer call() throws IOException {
                Bytes content = Bytes.of(Files.readAllBytes(file));
                return group.admin.withAdmin(admin -> {
                    var image = admin.addBackground(id, title, content);
                    group.out().println("background " + id + " added: " + image.mediaType() + " " + image.widthPx()
                            + "x" + image.heightPx());
                    return 0;
                });
            }
        }

        @Command(name = "retire", mixinStandardHelpOptions = true, description = "Retires an image: it is no longer "
                + "offered nor usable for new purchases.")
        static final class Retire implements Callable<Integer> {
            @ParentCommand
            Backgrounds group;

            @Parameters(paramLabel = "ID") String id;

            @Override
            public Integer call() {
                return group.admin.withAdmin(admin -> {
                    admin.retireBackground(id);
                    group.out().println("background " + id + " retired");
                    return 0;
                });
            }
        }
    }

    // ------------------------------------------------------------------ operators

    @Command(name = "operators", mixinStandardHelpOptions = true, description = "Operator accounts of the admin "
            + "console. The password comes from the OPENPOSTAGE_OPERATOR_PASSWORD environment variable, the first "
            + "line of the standard input with --password-stdin, or a prompt.",
            subcommands = {Operators.ListOperators.class, Operators.Create.class, Operators.Password.class,
                    Operators.Disable.class, Operators.Enable.class})
    static final class Operators extends Group {
        /** The variable a script sets the new password in. */
        static final String PASSWORD_VARIABLE = "OPENPOSTAGE_OPERATOR_PASSWORD";

        char[] password(boolean fromStdin) {
            if (fromStdin) {
                try {
                    String line = new BufferedReader(new InputStreamReader(admin.in, StandardCharsets.UTF_8)).readLine();
                    if (line == null || line.isEmpty()) {
                        throw new CommandLine.ParameterException(spec.commandLine(), "--password-stdin: the standard "
                                + "input holds no password");
                    }
                    return line.toCharArray();
                } catch (IOException e) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "cannot read the standard input: "
                            + e.getMessage());
                }
            }
            String variable = admin.environment.get(PASSWORD_VARIABLE);
            if (variable != null && !variable.isEmpty()) {
                return variable.toCharArray();
            }
            Console console = System.console();
            if (console == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "no password: set " + PASSWORD_VARIABLE
                        + ", pipe it with --password-stdin, or run the command in a terminal");
            }
            char[] first = console.readPassword("new password (at least 12 characters): ");
            char[] again = console.readPassword("the same again: ");
            if (first == null || !Arrays.equals(first, again)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "the two passwords differ");
            }
            return first;
        }

        @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the operator accounts.")
        static final class ListOperators implements Callable<Integer> {
            @ParentCommand
            Operators group;

            @Override
            public Integer call() {
                return group.admin.withAdmin(admin -> {
                    for (OperatorAccount a : admin.operators()) {
                        group.out().printf(Locale.ROOT, "%-20s %-30s last sign-in %s%s%s%n", a.name(), a.displayName(),
                                a.lastSignInAt() == null ? "never" : a.lastSignInAt(),
                                a.enabled() ? "" : "  DISABLED " + a.disabledAt(),
                                a.lockedUntil() == null ? "" : "  locked until " + a.lockedUntil());
                    }
                    return 0;
                });
            }
        }

        @Command(name = "create", mixinStandardHelpOptions = true, description = "Creates an operator account "
                + "(the first one too).")
        static final class Create implements Callable<Integer> {
            @ParentCommand
            Operators group;

            @Parameters(paramLabel = "NAME", description = "lower-case letters, digits, '.', '_' or '-'") String name;

            @Option(names = "--display-name", required = true, paramLabel = "NAME") String displayName;

            @Option(names = "--password-stdin", description = "read the password from the standard input")
            boolean stdin;

            @Override
            public Integer call() {
                char[] password = group.password(stdin);
                try {
                    return group.admin.withAdmin(admin -> {
                        admin.createOperator(name, displayName, password);
                        group.out().println("operator " + name + " created; they sign in to the admin console");
                        return 0;
                    });
                } finally {
                    Arrays.fill(password, '\0');
                }
            }
        }

        @Command(name = "password", mixinStandardHelpOptions = true, description = "Sets an operator's password "
                + "(and lifts a lock after wrong passwords).")
        static final class Password implements Callable<Integer> {
            @ParentCommand
            Operators group;

            @Parameters(paramLabel = "NAME") String name;

            @Option(names = "--password-stdin", description = "read the password from the standard input")
            boolean stdin;

            @Override
            public Integer call() {
                char[] password = group.password(stdin);
                try {
                    return group.admin.withAdmin(admin -> {
                        admin.setOperatorPassword(name, password);
                        group.out().println("password of " + name + " set");
                        return 0;
                    });
                } finally {
                    Arrays.fill(password, '\0');
                }
            }
        }

        @Command(name = "disable", mixinStandardHelpOptions = true, description = "Disables an operator account.")
        static final class Disable implements Callable<Integer> {
            @ParentCommand
            Operators group;

            @Parameters(paramLabel = "NAME") String name;

            @Override
            public Integer call() {
                return group.admin.withAdmin(admin -> {
                    admin.setOperatorEnabled(name, false);
                    group.out().println("operator " + name + " disabled");
                    return 0;
                });
            }
        }

        @Command(name = "enable", mixinStandardHelpOptions = true, description = "Enables a disabled operator account.")
        static final class Enable implements Callable<Integer> {
            @ParentCommand
            Operators group;

            @Parameters(paramLabel = "NAME") String name;

            @Override
            public Integer call() {
                return group.admin.withAdmin(admin -> {
                    admin.setOperatorEnabled(name, true);
                    group.out().println("operator " + name + " enabled");
                    return 0;
                });
            }
        }
    }
}
