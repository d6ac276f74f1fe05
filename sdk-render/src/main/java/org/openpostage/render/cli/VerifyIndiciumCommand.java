package org.openpostage.render.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.openpostage.api.ClientConfig;
import org.openpostage.api.PostalClient;
import org.openpostage.api.PostalClients;
import org.openpostage.api.TlsSettings;
import org.openpostage.api.error.IndiciumFormatException;
import org.openpostage.api.error.PostageException;
import org.openpostage.api.indicium.IndiciumData;
import org.openpostage.api.indicium.SignatureCheck;
import org.openpostage.api.indicium.VerificationKeySet;
import org.openpostage.render.StampNotFoundException;
import org.openpostage.render.StampReader;
import org.openpostage.render.StampVerification;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code verify-indicium}: reads stamps from scanned or photographed images, verifies their
 * signatures with a postal server's published keys, and finds duplicates among them (the same
 * meter and piece serial in more than one image), as a postal operator does at mail processing.
 *
 * <pre>
 * verify-indicium --keys keys.txt scan-1.png scan-2.jpg
 * verify-indicium --endpoint https://postal.example:8443 --api-key KEY --trust-certificates ca.pem scan.png
 * </pre>
 *
 * <p>Exit codes: 0 every image holds valid postage; 1 some image is unreadable, malformed, badly
 * signed, signed by an unknown or revoked key, dated after its retired key's last date of
 * mailing, a test indicium (unless {@code --allow-test}) or a duplicate;
 * 2 usage error (bad options, missing files, unusable key set, keys not fetched).
 */
@Command(name = "verify-indicium", mixinStandardHelpOptions = true, versionProvider = VerifyIndiciumCommand.Version.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = "Reads OpenPostage stamps from images, verifies their signatures and finds duplicates.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every image holds valid postage",
                "1:some image is unreadable, invalid, a test indicium or a duplicate",
                "2:usage error, or the keys could not be read or fetched"})
public final class VerifyIndiciumCommand implements Callable<Integer> {
    /** Exit code: every image holds valid postage. */
    public static final int ALL_VALID = 0;
    /** Exit code: some image does not. */
    public static final int SOME_INVALID = 1;
    /** Exit code: the command could not run as asked. */
    public static final int USAGE = 2;

    @Option(names = "--keys", paramLabel = "FILE",
            description = "the verification key set, in its text form ('# openpostage verification keys v2'; v1 files read too)")
    private Path keysFile;

    @Option(names = "--endpoint", paramLabel = "URI",
            description = "fetch the keys from this postal server (https://... or grpcs://...; the transport "
                    + "module must be on the class path)")
    private URI endpoint;

    @Option(names = "--api-key", paramLabel = "KEY", defaultValue = "${env:OPENPOSTAGE_API_KEY}",
            description = "the API key for --endpoint (default: the OPENPOSTAGE_API_KEY environment variable)")
    private String apiKey;

    @Option(names = "--trust-certificates", paramLabel = "PEM",
            description = "CA certificates to trust for --endpoint, instead of the system's")
    private Path trustCertificates;

    @Option(names = "--allow-test", description = "count test indicia (SPECIMEN) as valid for the exit code")
    private boolean allowTest;

    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "PNG or JPEG images of stamps")
    private List<Path> images;

    @Spec
    private CommandSpec spec;

    /** Runs the command and exits with its exit code. */
    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true, StandardCharsets.UTF_8),
                new PrintWriter(System.err, true, StandardCharsets.UTF_8), args));
    }

    /** Runs the command, writing to {@code out} and {@code err}; returns the exit code. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new VerifyIndiciumCommand());
        cli.setOut(out);
        cli.setErr(err);
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if ((keysFile == null) == (endpoint == null)) {
            throw usage("give the verification keys with either --keys FILE or --endpoint URI");
        }
        for (Path image : images) {
            if (!Files.isRegularFile(image) || !Files.isReadable(image)) {
                throw usage("cannot read image " + image);
            }
        }
        VerificationKeySet keys = keys();
        List<Report> reports = new ArrayList<>();
        StampReader reader = StampReader.create().withSignatureProvider(SignatureProviders.bouncyCastle());
        for (Path image : images) {
            reports.add(Report.of(image, reader, keys));
        }
        Map<String, List<Report>> duplicates = duplicates(reports);
        int valid = 0;
        for (Report r : reports) {
            Verdict verdict = r.verdict(duplicates);
            out.println(r.describe(verdict, duplicates));
            boolean ok = verdict == Verdict.VALID || (allowTest && verdict == Verdict.TEST_INDICIUM);
            valid += ok ? 1 : 0;
        }
        if (!duplicates.isEmpty()) {
            out.println("duplicates:");
            duplicates.forEach((piece, copies) -> out.println("  " + piece + ": " + String.join(", ",
                    copies.stream().map(c -> c.image().toString()).toList())));
        }
        out.println(images.size() + " image(s): " + valid + " valid, " + (images.size() - valid) + " not valid"
                + (duplicates.isEmpty() ? "" : ", " + duplicates.size() + " duplicated piece(s)"));
        return valid == images.size() ? ALL_VALID : SOME_INVALID;
    }

    private VerificationKeySet keys() {
        if (keysFile != null) {
            try {
                return VerificationKeySet.parse(Files.readString(keysFile, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw usage("cannot read key file " + keysFile + ": " + e.getMessage());
            } catch (PostageException e) {
                throw usage("key file " + keysFile + " is not a key set: " + e.getMessage());
            }
        }
        ClientConfig.Builder config = ClientConfig.builder().endpoint(endpoint).apiKey(apiKey);
        try {
            if (trustCertificates != null) {
                config.tls(TlsSettings.builder().trustCertificates(trustCertificates).build());
            }
            try (PostalClient client = PostalClients.connect(config.build())) {
                return client.verificationKeys();
            }
        } catch (PostageException e) {
            throw usage("cannot fetch the verification keys from " + endpoint + ": " + e.getMessage());
        }
    }

    /** Pieces (meter and serial) seen in more than one image with a valid signature. */
    private static Map<String, List<Report>> duplicates(List<Report> reports) {
        Map<String, List<Report>> byPiece = new LinkedHashMap<>();
        for (Report r : reports) {
            if (r.verification() != null && r.verification().signature() == SignatureCheck.VALID) {
                byPiece.computeIfAbsent(Report.piece(r.verification().indicium().data()), k -> new ArrayList<>()).add(r);
            }
        }
        byPiece.values().removeIf(list -> list.size() < 2);
        return byPiece;
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    /**
     * What the command concludes for one image, offline: the signature check, plus duplicates
     * among the images given. Only {@link #VALID} is good postage.
     */
    enum Verdict {
        VALID, DUPLICATE, TEST_INDICIUM, UNKNOWN_KEY, BAD_SIGNATURE, REVOKED_KEY, OUTSIDE_KEY_PERIOD
    }

    /**
     * What reading one image found: a verification, or why there is none.
     *
     * @param image        the image file
     * @param verification the verification, or {@code null}
     * @param problem      why the image could not be verified, or {@code null}
     */
    private record Report(Path image, StampVerification verification, String problem) {
        static Report of(Path image, StampReader reader, VerificationKeySet keys) {
            try {
                return new Report(image, reader.verify(Files.readAllBytes(image), keys), null);
            } catch (StampNotFoundException e) {
                return new Report(image, null, "UNREADABLE: " + e.getMessage());
            } catch (IndiciumFormatException e) {
                return new Report(image, null, "MALFORMED: the Data Matrix is not an OpenPostage indicium: "
                        + e.getMessage());
            } catch (PostageException | IOException e) {
                return new Report(image, null, "UNREADABLE: " + e.getMessage());
            }
        }

        static String piece(IndiciumData d) {
            return "meter " + d.meterId() + " piece " + d.pieceSerial();
        }

        Verdict verdict(Map<String, List<Report>> duplicates) {
            if (verification == null) {
                return null;
            }
            IndiciumData d = verification.indicium().data();
            return switch (verification.signature()) {
                case BAD_SIGNATURE -> Verdict.BAD_SIGNATURE;
                case UNKNOWN_KEY -> Verdict.UNKNOWN_KEY;
                case REVOKED_KEY -> Verdict.REVOKED_KEY;
                case OUTSIDE_KEY_PERIOD -> Verdict.OUTSIDE_KEY_PERIOD;
                // Signed by a test key: a specimen, whatever its test flag says.
                case TEST_KEY -> Verdict.TEST_INDICIUM;
                case VALID -> duplicates.containsKey(piece(d)) ? Verdict.DUPLICATE
                        : d.testMode() ? Verdict.TEST_INDICIUM : Verdict.VALID;
            };
        }

        String describe(Verdict verdict, Map<String, List<Report>> duplicates) {
            StringBuilder sb = new StringBuilder(image.toString()).append('\n');
            if (verification == null) {
                return sb.append("  verdict    ").append(problem).toString();
            }
            IndiciumData d = verification.indicium().data();
            line(sb, "indicium", verification.indicium().encoded().size() + " bytes, " + d.algorithm() + ", key "
                    + d.keyId() + (d.testMode() || verification.signature() == SignatureCheck.TEST_KEY
                    ? ", TEST (specimen" + (verification.signature() == SignatureCheck.TEST_KEY ? ", test key)" : ")")
                    : ""));
            line(sb, "postage", d.postage() + ", " + d.mailClass().displayName() + " (" + d.mailClass() + ")");
            line(sb, "mailed", d.dateOfMailing() + " from " + d.origin()
                    + (d.destination() == null ? "" : " to " + d.destination()));
            line(sb, "meter", d.meterId() + ", piece serial " + d.pieceSerial() + " (vendor " + d.vendorId()
                    + ", software " + d.softwareId() + ")");
            line(sb, "registers", "ascending " + d.ascendingRegister() + ", descending " + d.descendingRegister());
            line(sb, "signature", verification.signature().toString());
            String detail = switch (verdict) {
                case DUPLICATE -> " (" + piece(d) + " is in " + duplicates.get(piece(d)).size() + " images)";
                case TEST_INDICIUM -> " (a test indicium: never valid postage)";
                case REVOKED_KEY -> " (key " + d.keyId() + " was revoked: nothing it signed is trusted offline;"
                        + " ask the postal server)";
                case OUTSIDE_KEY_PERIOD -> " (dated after the last date of mailing of retired key " + d.keyId() + ")";
                default -> "";
            };
            sb.append("  verdict    ").append(verdict).append(detail);
            return sb.toString();
        }

        private static void line(StringBuilder sb, String label, String value) {
            sb.append("  ").append(String.format("%-10s", label)).append(' ').append(value).append('\n');
        }
    }

    /** The version shown by {@code --version}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = VerifyIndiciumCommand.class.getPackage().getImplementationVersion();
            return new String[] {"verify-indicium " + (v == null ? "(development build)" : v)};
        }
    }
}
