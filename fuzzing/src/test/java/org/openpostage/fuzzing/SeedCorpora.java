package org.openpostage.fuzzing;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.openpostage.api.indicium.IndiciumCodec;
import org.openpostage.render.StampRenderer;
import org.openpostage.transport.grpc.internal.proto.V1;
import org.openpostage.transport.xml.XmlServerBinding;

/**
 * Writes the seed corpora of the fuzz targets into {@code src/test/resources} from the project's
 * own documents: the golden indicium vectors, the key sets and rate files of the docs, the request
 * documents of docs/protocol/xml.md, valid protobuf messages, small pictures and a rendered stamp.
 * Run after a change to those documents:
 *
 * <pre>
 * mvn -pl fuzzing -am test -Dtest=SeedCorpora -Dfuzzing.write-seeds=true -Dsurefire.failIfNoSpecifiedTests=false -Dfuzz.skip=true
 * </pre>
 */
class SeedCorpora {
    /** The repository root: surefire runs this module's tests in its own directory. */
    private static final Path ROOT = Path.of("").toAbsolutePath().getFileName().toString().equals("fuzzing")
            ? Path.of("..") : Path.of(".");
    private static final Path RESOURCES = ROOT.resolve("fuzzing/src/test/resources/org/openpostage/fuzzing");

    /** The repository's root directory, wherever surefire runs the module's tests. */
    static Path root() {
        return ROOT;
    }

    @Test
    @EnabledIfSystemProperty(named = "fuzzing.write-seeds", matches = "true")
    void write() throws Exception {
        indicia();
        keySets();
        rateFiles();
        images();
        xmlRequests();
        protoRequests();
    }

    private static void indicia() throws IOException {
        Matcher hex = Pattern.compile("(?m)^hex: ([0-9a-f]+)$").matcher(
                Files.readString(ROOT.resolve("sdk-api/src/test/resources/golden/indicium-v1.txt")));
        while (hex.find()) {
            byte[] bytes = HexFormat.of().parseHex(hex.group(1));
            seed("IndiciumCodecFuzzTest", "decodesOrRefusesAndRoundTrips", bytes);
            seed("IndiciumCodecFuzzTest", "decodesOrRefusesAndRoundTrips",
                    java.util.Arrays.copyOf(bytes, IndiciumCodec.PAYLOAD_LENGTH));
        }
    }

    private static void keySets() throws IOException {
        Matcher key = Pattern.compile("(?m)^publicKey: (\\S+)$").matcher(
                Files.readString(ROOT.resolve("sdk-api/src/test/resources/golden/indicium-v1.txt")));
        key.find();
        String ec = key.group(1);
        key.find();
        String ed = key.group(1);
        seed("KeySetTextFuzzTest", "parsesOrRefusesAndRoundTrips", ("# openpostage verification keys v2\n"
                + "key 1 ECDSA_P256_SHA256 2026-11-01T00:00:00Z - - - " + ec + "\n"
                + "key 2 ED25519 2026-01-01T00:00:00Z 2026-11-01T00:00:00Z 2026-12-02 2026-11-20T00:00:00Z " + ed + "\n"
                + "key 2147483648 ECDSA_P256_SHA256 2026-11-01T00:00:00Z - - - " + ec + "\n")
                .getBytes(StandardCharsets.UTF_8));
        seed("KeySetTextFuzzTest", "parsesOrRefusesAndRoundTrips", ("# openpostage verification keys v1\n"
                + "key 7 ECDSA_P256_SHA256 2026-11-01T00:00:00Z - " + ec + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static void rateFiles() throws IOException {
        seed("RateFileFuzzTest", "readsOrRefusesNamingTheLine",
                Files.readAllBytes(ROOT.resolve("reference-postal-server/src/main/resources/rates/sample-rates.txt")));
        Matcher block = Pattern.compile("```(?:text|properties)?\\n(table .*?)```", Pattern.DOTALL)
                .matcher(Files.readString(ROOT.resolve("docs/rates.md")));
        while (block.find()) {
            seed("RateFileFuzzTest", "readsOrRefusesNamingTheLine", block.group(1).getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void images() throws IOException {
        BufferedImage small = new BufferedImage(24, 16, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 24; x++) {
                small.setRGB(x, y, (x * 10) << 16 | (y * 15) << 8 | (x + y) * 5);
            }
        }
        seed("ImageChecksFuzzTest", "acceptsOnlyWithinTheLimitsAndRefusesWithAReason", encode(small, "png"));
        seed("ImageChecksFuzzTest", "acceptsOnlyWithinTheLimitsAndRefusesWithAReason", encode(small, "jpeg"));
        // A PNG whose header declares 50,000 x 50,000 pixels: a decompression bomb in 57 bytes.
        ByteBuffer bomb = ByteBuffer.allocate(8 + 25);
        bomb.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10});
        bomb.putInt(13).put("IHDR".getBytes(StandardCharsets.US_ASCII)).putInt(50_000).putInt(50_000)
                .put(new byte[] {8, 2, 0, 0, 0}).putInt(0);
        seed("ImageChecksFuzzTest", "acceptsOnlyWithinTheLimitsAndRefusesWithAReason", bomb.array());
        Matcher hex = Pattern.compile("(?m)^hex: ([0-9a-f]+)$").matcher(
                Files.readString(ROOT.resolve("sdk-api/src/test/resources/golden/indicium-v1.txt")));
        hex.find();
        seed("ImageChecksFuzzTest", "acceptsOnlyWithinTheLimitsAndRefusesWithAReason", StampRenderer.defaults()
                .withDpi(203).png(IndiciumCodec.decode(HexFormat.of().parseHex(hex.group(1)))).content().toArray());
    }

    private static void xmlRequests() throws IOException {
        String doc = Files.readString(ROOT.resolve("docs/protocol/xml.md"));
        Matcher block = Pattern.compile("```xml\\n(.*?)```", Pattern.DOTALL).matcher(doc);
        List<XmlServerBinding.Route> routes = XmlServerBinding.builder(Ledger.get().core, Ledger.get().core.authenticator())
                .build().routes();
        while (block.find()) {
            String xml = block.group(1);
            String root = xml.replaceAll("(?s)^<\\?xml[^>]*>\\s*", "").replaceAll("(?s)^<([A-Za-z]+).*", "$1");
            String path = switch (root) {
                case "quoteRequest" -> "/v1/quote";
                case "purchaseRequest" -> "/v1/purchases";
                case "batchPurchaseRequest" -> "/v1/purchase-batches";
                case "refundRequest" -> "/v1/refunds";
                case "verifyRequest" -> "/v1/verify";
                default -> null;
            };
            if (path == null) {
                continue;
            }
            int index = -1;
            for (int i = 0; i < routes.size(); i++) {
                if (routes.get(i).path().equals(path)) {
                    index = i;
                }
            }
            byte[] body = xml.replace("2026-07-01", LocalDate.now().toString()).getBytes(StandardCharsets.UTF_8);
            byte[] seed = new byte[body.length + 2];
            seed[0] = (byte) index;
            System.arraycopy(body, 0, seed, 2, body.length);
            seed("XmlBindingFuzzTest", "answersOnlyDocumentedErrorsAndMovesNoMoneyWhenItRefuses", seed);
        }
    }

    private static void protoRequests() throws IOException {
        V1.MailPiece piece = V1.MailPiece.newBuilder().setMailClass(V1.MailClass.MAIL_CLASS_LETTER).setWeightGrams(20)
                .setOrigin("94107").setDestination("10001").build();
        LocalDate today = LocalDate.now();
        V1.Date date = V1.Date.newBuilder().setYear(today.getYear()).setMonth(today.getMonthValue())
                .setDay(today.getDayOfMonth()).build();
        List<String> names = List.of("GetAccountStatement", "GetPrintComponent", "GetVerificationKeys",
                "ListBackgrounds", "Purchase", "PurchaseBatch", "Quote", "Refund", "Verify");
        protoSeed(names, "Quote", V1.QuoteRequest.newBuilder().setPiece(piece).setDateOfMailing(date).build()
                .toByteArray());
        V1.PurchaseItem item = V1.PurchaseItem.newBuilder().setPiece(piece).setDateOfMailing(date)
                .setPrice(V1.Money.newBuilder().setMinorUnits(82).setCurrency("USD")).build();
        V1.PurchaseRequest purchase = V1.PurchaseRequest.newBuilder().addItems(item)
                .setPayment(V1.PaymentMethod.newBuilder().setAccount(V1.AccountPayment.getDefaultInstance()))
                .setPrint(V1.PrintOptions.newBuilder().setFormat(V1.OutputFormat.OUTPUT_FORMAT_INDICIUM_DATA)
                        .setDpi(300)).build();
        protoSeed(names, "Purchase", purchase.toByteArray());
        protoSeed(names, "PurchaseBatch", V1.BatchPurchaseRequest.newBuilder().addEntries(V1.BatchEntry.newBuilder()
                .setReference("order-1").setRequest(purchase)).build().toByteArray());
        protoSeed(names, "Refund", V1.RefundRequest.newBuilder().setIndiciumId("ind_abcdefghijklmnopqrst").build()
                .toByteArray());
        Matcher hex = Pattern.compile("(?m)^hex: ([0-9a-f]+)$").matcher(
                Files.readString(ROOT.resolve("sdk-api/src/test/resources/golden/indicium-v1.txt")));
        hex.find();
        protoSeed(names, "Verify", V1.VerifyRequest.newBuilder().setIndicium(com.google.protobuf.ByteString.copyFrom(
                HexFormat.of().parseHex(hex.group(1)))).build().toByteArray());
        protoSeed(names, "GetAccountStatement", new byte[0]);
    }

    /** A seed for method {@code name}: its index among the methods sorted by full name, then the message. */
    private static void protoSeed(List<String> sortedNames, String name, byte[] message) throws IOException {
        byte[] seed = new byte[message.length + 2];
        seed[0] = (byte) sortedNames.indexOf(name);
        System.arraycopy(message, 0, seed, 2, message.length);
        seed("ProtoBindingFuzzTest", "answersOnlyDocumentedStatusesAndMovesNoMoneyWhenItRefuses", seed);
    }

    private static byte[] encode(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, format, out);
        return out.toByteArray();
    }

    private static void seed(String target, String method, byte[] bytes) throws IOException {
        Path dir = RESOURCES.resolve(target + "Inputs").resolve(method);
        Files.createDirectories(dir);
        String name;
        try {
            name = "seed-" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(bytes)).substring(0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Files.write(dir.resolve(name), bytes);
    }
}
