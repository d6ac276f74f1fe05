package org.openpostage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpostage.api.CallContext;
import org.openpostage.api.ClientConfig;
import org.openpostage.api.PostalClient;
import org.openpostage.api.PostalClients;
import org.openpostage.api.TlsSettings;
import org.openpostage.api.indicium.SignatureCheck;
import org.openpostage.api.indicium.SignedIndicium;
import org.openpostage.api.indicium.VerificationKeySet;
import org.openpostage.api.model.Indicium;
import org.openpostage.api.model.MailPiece;
import org.openpostage.api.model.PaymentMethod;
import org.openpostage.api.model.PrintOptions;
import org.openpostage.api.model.Purchase;
import org.openpostage.api.model.PurchaseItem;
import org.openpostage.api.model.PurchaseRequest;
import org.openpostage.api.model.QuoteRequest;
import org.openpostage.api.value.MailClass;
import org.openpostage.api.value.Mode;
import org.openpostage.api.value.PostalCode;
import org.openpostage.api.value.Weight;
import org.openpostage.server.config.ServerConfig;
import org.openpostage.server.internal.signing.Pkcs11Device;

/**
 * The postal server in a process of its own, signing in a SoftHSM2 token: its private signing key
 * is found neither in its heap (a {@code jcmd GC.heap_dump}), nor in the ledger database, nor in
 * its data directory, while the same search finds the key of a server that signs with the software
 * keystore (the control that shows the search works). And a wrong PIN stops the server at start.
 *
 * <p>To know what to search for, the test puts a key it made itself into the token (imported,
 * then marked sensitive and not extractable, as every key the server creates there is), records it
 * as a pending key and activates it, as an operator would activate a key after a ceremony.
 */
class Pkcs11ServerProcessTest {
    @TempDir
    Path dir;

    @Test
    void theSigningKeyIsInNeitherTheHeapNorTheDatabaseNorTheDataDirectory() throws Exception {
        String token = SoftHsm.token();
        Path data = dir.resolve("pkcs11");
        Path config = config(data, "psd.device = pkcs11\npsd.pkcs11.token-label = " + token + "\n");
        String apiKey;
        BigInteger d;
        // Set up the ledger, then import a known key into the token and activate it.
        ServerConfig server = SoftHsm.pkcs11(ServerConfig.builder().dataDir(data).backgroundTasks(false), token).build();
        try (PostalCore core = PostalCore.open(server)) {
            apiKey = partner(core);
            String installation = installationId(data);
            KeyPair known = p256();
            d = ((ECPrivateKey) known.getPrivate()).getS();
            Pkcs11Device device = Pkcs11Device.open(new Pkcs11Device.Settings(SoftHsm.LIBRARY, null, token,
                    SoftHsm.PIN.toCharArray()), installation);
            try {
                KeyStore ks = KeyStore.getInstance("PKCS11", device.provider());
                ks.load(null, SoftHsm.PIN.toCharArray());
                ks.setKeyEntry(device.aliasOf(2), known.getPrivate(), null,
                        new java.security.cert.Certificate[] {selfSigned(known, 2)});
            } finally {
                device.close();
            }
            try (Connection c = DriverManager.getConnection(server.jdbcUrl()); PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO signing_keys (key_id, algorithm, public_key, device, created_at) VALUES"
                            + " (2, 'ECDSA_P256_SHA256', ?, 'PKCS11', ?)")) {
                ps.setBytes(1, known.getPublic().getEncoded());
                ps.setObject(2, java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC));
                ps.executeUpdate();
            }
            assertEquals(2, core.admin().as("test").activateSigningKey(2).keyId());
        }

        try (ServerProcess p = ServerProcess.start(config, Map.of("OPENPOSTAGE_PSD_PKCS11_PIN", SoftHsm.PIN))
                .awaitStarted()) {
            buy(p, data, apiKey, 2);
            Path dump = heapDump(p.pid());
            assertFalse(contains(Files.readAllBytes(dump), d), "the signing key's private scalar is in the heap dump");
            Files.delete(dump);
        }
        for (Path file : files(data)) {
            assertFalse(contains(Files.readAllBytes(file), d), "the private key is in " + file);
        }
        assertEquals(0, count(server.jdbcUrl(), "SELECT COUNT(*) FROM signing_keystore"));
    }

    /** The control: the same search finds the key of a server that signs with the software keystore. */
    @Test
    void theSameSearchFindsASoftwareKeyInTheHeapAndTheDatabaseHoldsItOnlyEncrypted() throws Exception {
        Path data = dir.resolve("software");
        Path config = config(data, "psd.device = software\npsd.allow-software-keys-for-live-postage = true\n"
                + "keystore.password = control-password\n");
        String apiKey;
        ServerConfig server = ServerConfig.builder().dataDir(data).backgroundTasks(false)
                .keystorePassword("control-password").softwareKeysForLivePostage(true).build();
        try (PostalCore core = PostalCore.open(server)) {
            apiKey = partner(core);
        }
        BigInteger d;
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(data.resolve("signing-keys.p12"))) {
            ks.load(in, "control-password".toCharArray());
        }
        PrivateKey key = (PrivateKey) ks.getKey("key-1", "control-password".toCharArray());
        d = ((ECPrivateKey) key).getS();
        try (ServerProcess p = ServerProcess.start(config, Map.of()).awaitStarted()) {
            buy(p, data, apiKey, 1);
            Path dump = heapDump(p.pid());
            assertTrue(contains(Files.readAllBytes(dump), d), "the search finds a software key in the heap dump");
            Files.delete(dump);
        }
        for (Path file : files(data)) {
            assertFalse(contains(Files.readAllBytes(file), d), "the software key is in " + file + " unencrypted");
        }
    }

    @Test
    void aWrongPinStopsTheServerAtStartWithOneLine() throws Exception {
        String token = SoftHsm.token();
        Path data = dir.resolve("wrong-pin");
        Path config = config(data, "psd.device = pkcs11\npsd.pkcs11.token-label = " + token + "\n");
        try (ServerProcess p = ServerProcess.start(config, Map.of("OPENPOSTAGE_PSD_PKCS11_PIN", "not-the-pin"))) {
            assertEquals(2, p.awaitExit(), p.output());
            String out = p.output();
            assertTrue(out.contains("cannot log in to the PKCS#11 token") && out.contains("OPENPOSTAGE_PSD_PKCS11_PIN"),
                    out);
            assertFalse(out.contains("not-the-pin"), "the PIN is never printed");
            assertFalse(out.contains("\tat "), "no stack trace: " + out);
        }
    }

    // ------------------------------------------------------------------ helpers

    private static Path config(Path data, String extra) throws IOException {
        Files.createDirectories(data);
        Path file = data.resolveSibling(data.getFileName() + ".properties");
        Files.writeString(file, "data.dir = " + data + "\nxml.port = 0\ngrpc.port = 0\nbackground-tasks = false\n" + extra);
        return file;
    }

    /** A partner with a funded live meter; returns its live API key. */
    private static String partner(PostalCore core) {
        PostalAdmin admin = core.admin();
        admin.createPartner("shop", "Shop");
        String key = admin.issueApiKey("shop", Mode.LIVE).apiKey();
        long meter = admin.createMeter("shop", Mode.LIVE, core.currency()).meterId();
        admin.fundMeter(meter, org.openpostage.api.value.Money.of(100_000, core.currency().getCurrencyCode()), "test");
        return key;
    }

    /** Buys stamps through the XML endpoint (PNG, so the renderer runs too) and checks they were signed by {@code keyId}. */
    private static void buy(ServerProcess p, Path data, String apiKey, long keyId) {
        try (PostalClient client = PostalClients.connect(ClientConfig.builder().endpoint(p.xmlEndpoint().toString())
                .apiKey(apiKey).tls(TlsSettings.builder().trustCertificates(data.resolve("tls").resolve("ca.pem"))
                        .build()).build())) {
            MailPiece letter = new MailPiece(MailClass.LETTER, Weight.ofGrams(20), null, PostalCode.of("94107"), null);
            PurchaseItem item = PurchaseItem.of(client.quote(QuoteRequest.of(letter), CallContext.empty()));
            VerificationKeySet keys = client.verificationKeys(CallContext.empty());
            for (int i = 0; i < 5; i++) {
                Purchase purchase = client.purchase(new PurchaseRequest(List.of(item, item), PaymentMethod.account(),
                        PrintOptions.png(300), null), CallContext.withKey("heap-" + i));
                for (Indicium indicium : purchase.indicia()) {
                    SignedIndicium s = indicium.decode();
                    assertEquals(keyId, s.data().keyId());
                    assertEquals(SignatureCheck.VALID, keys.verify(s));
                }
            }
        }
    }

    private Path heapDump(long pid) throws Exception {
        Path dump = dir.resolve("heap-" + pid + ".hprof");
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.heap_dump", dump.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0 && Files.size(dump) > 1_000_000,
                "jcmd GC.heap_dump failed: " + out);
        return dump;
    }

    /**
     * Whether {@code haystack} holds the private scalar {@code d} in any form a Java heap or a file
     * keeps it: 32 bytes big-endian (encodings, {@code BigInteger.toByteArray}), little-endian (the
     * JDK's EC keys), or as a {@code BigInteger}'s magnitude (eight ints, most significant first,
     * each in the machine's little-endian order).
     */
    static boolean contains(byte[] haystack, BigInteger d) {
        byte[] be = unsigned32(d);
        byte[] le = reversed(be);
        ByteBuffer ints = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer beInts = ByteBuffer.wrap(be);
        for (int i = 0; i < 8; i++) {
            ints.putInt(beInts.getInt());
        }
        return Stream.of(be, le, ints.array()).anyMatch(n -> indexOf(haystack, n) >= 0);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            if (haystack[i] != needle[0]) {
                continue;
            }
            for (int j = 1; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static byte[] unsigned32(BigInteger d) {
        byte[] b = d.toByteArray();
        byte[] out = new byte[32];
        int copy = Math.min(32, b.length);
        System.arraycopy(b, b.length - copy, out, 32 - copy, copy);
        return out;
    }

    private static byte[] reversed(byte[] b) {
        byte[] r = b.clone();
        for (int i = 0; i < r.length / 2; i++) {
            byte t = r[i];
            r[i] = r[r.length - 1 - i];
            r[r.length - 1 - i] = t;
        }
        return r;
    }

    /** A P-256 key pair whose private scalar fills 32 bytes and has no zero byte at either end. */
    private static KeyPair p256() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        while (true) {
            KeyPair k = g.generateKeyPair();
            byte[] d = unsigned32(((ECPrivateKey) k.getPrivate()).getS());
            if (d[0] != 0 && d[31] != 0) {
                return k;
            }
        }
    }

    private static java.security.cert.X509Certificate selfSigned(KeyPair pair, long serial) throws Exception {
        X500Name name = new X500Name("CN=imported test key " + serial);
        Instant now = Instant.now();
        var builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(serial), Date.from(now),
                Date.from(now.plusSeconds(86_400)), name, pair.getPublic());
        return new JcaX509CertificateConverter().getCertificate(builder.build(
                new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
    }

    private static String installationId(Path data) throws Exception {
        try (Connection c = DriverManager.getConnection(ServerConfig.builder().dataDir(data).build().jdbcUrl());
             var rs = c.createStatement().executeQuery("SELECT installation_id FROM installation")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static long count(String jdbcUrl, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbcUrl); var rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<Path> files(Path root) throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(Files::isRegularFile).forEach(files::add);
        }
        assertFalse(files.isEmpty());
        return files;
    }
}
