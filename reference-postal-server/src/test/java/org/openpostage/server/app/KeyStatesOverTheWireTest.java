package org.openpostage.server.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpostage.api.PostalClient;
import org.openpostage.api.indicium.SignatureAlgorithm;
import org.openpostage.api.indicium.SignatureCheck;
import org.openpostage.api.indicium.SignedIndicium;
import org.openpostage.api.indicium.VerificationKey;
import org.openpostage.api.indicium.VerificationKeySet;
import org.openpostage.api.model.MailClass;
import org.openpostage.api.model.MailPiece;
import org.openpostage.api.model.PaymentMethod;
import org.openpostage.api.model.PostalCode;
import org.openpostage.api.model.PurchaseItem;
import org.openpostage.api.model.PurchaseRequest;
import org.openpostage.api.model.QuoteRequest;
import org.openpostage.api.model.Verdict;
import org.openpostage.api.model.VerifyRequest;
import org.openpostage.api.model.Weight;

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
}
