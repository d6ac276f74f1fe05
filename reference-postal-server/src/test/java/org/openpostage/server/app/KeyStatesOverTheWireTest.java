package org.openpostage.server.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpostage.api.PostalClient;
import org.openpostage.api.indicium.SignatureAlgorithm;
import org.openpostage.api.indicium.SignatureCheck;
import org.openpostage.api.indicium.SignedIndicium;
import org.openpostage.api.indicium.VerificationKey;
import org.openpostage.api.indicium.VerificationKeySet;
import org.openpostage.api.model.MailPiece;
import org.openpostage.api.model.PaymentMethod;
import org.openpostage.api.model.PrintOptions;
import org.openpostage.api.model.PurchaseItem;
import org.openpostage.api.model.PurchaseRequest;
import org.openpostage.api.model.QuoteRequest;
import org.openpostage.api.model.Verdict;
import org.openpostage.api.model.VerifyRequest;
import org.openpostage.api.value.MailClass;
import org.openpostage.api.value.Mode;
import org.openpostage.api.value.PostalCode;
import org.openpostage.api.value.Weight;
import org.openpostage.render.StampReader;
import org.openpostage.render.StampVerification;

/**
 * A key's retirement limit and revocation reach portals and verifiers over both transports: the
 * key set they fetch judges pieces as the server's own does.
 */
class KeyStatesOverTheWireTest {
    private static final QuoteRequest QUOTE = QuoteRequest.of(MailPiece.of(MailClass.LETTER, Weight.ofGrams(20),
            PostalCode.of("94107")));

    @TempDir
    Path dir;

    @Test
    void revokedAndRetiredKeysArePublishedWithTheirStatesOnBothEndpoints() {
        try (PostalServerApp app = TestApps.start(dir)) {
            TestApps.Partner p = TestApps.partner(app.core(), "keys", 100_000);
            SignedIndicium before;
            try (PostalClient client = TestApps.client(app, app.xmlEndpoint(), p.liveKey())) {
                before = client.purchase(PurchaseRequest.of(List.of(PurchaseItem.of(client.quote(QUOTE))),
                        PaymentMethod.account())).indicia().get(0).decode();
            }
            long first = before.data().keyId();
            app.admin().rotateSigningKey(SignatureAlgorithm.ED25519);
            VerificationKey revoked = app.admin().revokeSigningKey(first);
            assertNotNull(revoked.lastDateOfMailing());

            for (URI endpoint : List.of(app.xmlEndpoint(), app.grpcEndpoint())) {
                try (PostalClient client = TestApps.client(app, endpoint, p.liveKey())) {
                    VerificationKeySet keys = client.verificationKeys();
                    assertEquals(revoked, keys.find(first).orElseThrow(), endpoint + ": the revoked key, as published");
                    assertTrue(keys.find(first + 1).orElseThrow().active(), endpoint.toString());
                    assertEquals(SignatureCheck.REVOKED_KEY, before.verify(keys), endpoint.toString());
                    var atServer = client.verify(new VerifyRequest(before.encoded()));
                    assertTrue(atServer.signatureValid(), endpoint.toString());
                    assertTrue(atServer.detail().endsWith("(signed with revoked key " + first + ")"), atServer.detail());
                    assertTrue(atServer.verdict() == Verdict.VALID || atServer.verdict() == Verdict.DUPLICATE,
                            endpoint + ": genuine at the server, " + atServer.verdict());
                    SignedIndicium fresh = client.purchase(PurchaseRequest.of(List.of(PurchaseItem.of(
                            client.quote(QUOTE))), PaymentMethod.account())).indicia().get(0).decode();
                    assertEquals(first + 1, fresh.data().keyId(), endpoint.toString());
                    assertEquals(SignatureCheck.VALID, fresh.verify(keys), endpoint.toString());
                }
            }
        }
    }

    /**
     * A test stamp, bought over either endpoint and printed, with its text block (and so its
     * SPECIMEN mark) cut off: what is left still reads as a test piece, offline and at the server.
     */
    @Test
    void aTestStampWithItsSpecimenMarkCutOffIsNoPostageAnywhere() throws Exception {
        try (PostalServerApp app = TestApps.start(dir)) {
            TestApps.Partner p = TestApps.partner(app.core(), "specimen", 100_000);
            for (URI endpoint : List.of(app.xmlEndpoint(), app.grpcEndpoint())) {
                try (PostalClient client = TestApps.client(app, endpoint, p.testKey())) {
                    var stamp = client.purchase(new PurchaseRequest(List.of(PurchaseItem.of(client.quote(QUOTE))),
                            PaymentMethod.account(), PrintOptions.png(300), null)).indicia().get(0);
                    BufferedImage printed = ImageIO.read(new ByteArrayInputStream(stamp.image().content().toArray()));
                    // The plate's left part: the Data Matrix and its quiet zone, none of the text block.
                    BufferedImage cut = printed.getSubimage(0, 0, printed.getWidth() * 28 / 63, printed.getHeight());
                    VerificationKeySet keys = client.verificationKeys();
                    assertEquals(Mode.TEST, keys.find(stamp.decode().data().keyId()).orElseThrow().mode(),
                            endpoint + ": the key set says it is a test key");
                    StampVerification offline = StampReader.create().verify(cut, keys);
                    assertEquals(SignatureCheck.TEST_KEY, offline.signature(), endpoint.toString());
                    assertFalse(offline.valid(), endpoint.toString());
                    assertEquals(Verdict.TEST_INDICIUM, client.verify(new VerifyRequest(offline.indicium().encoded()))
                            .verdict(), endpoint.toString());
                }
            }
        }
    }
}
