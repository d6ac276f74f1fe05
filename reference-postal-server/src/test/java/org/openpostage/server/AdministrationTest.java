package org.openpostage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpostage.api.error.AuthenticationException;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.error.NotFoundException;
import org.openpostage.api.model.PaymentMethod;
import org.openpostage.api.model.PrintOptions;
import org.openpostage.api.model.PurchaseItem;
import org.openpostage.api.model.PurchaseRequest;
import org.openpostage.api.model.QuoteRequest;
import org.openpostage.api.value.Bytes;
import org.openpostage.api.value.Mode;
import org.openpostage.server.model.BackgroundEntry;
import org.openpostage.server.model.IssuedApiKey;
import org.openpostage.server.model.OperatorAccount;
import org.openpostage.server.model.OperatorAction;
import org.openpostage.server.model.OperatorJournalEntry;
import org.openpostage.server.model.RateTableInfo;

/**
 * The operator's administration: every change journaled with the operator's name in its own
 * transaction, operator accounts with Argon2id hashes and a lock after wrong passwords, rate tables
 * uploaded for a later day, the background catalogue's retirements.
 */
class AdministrationTest {
    @TempDir
    Path dir;

    @Test
    void everyChangeIsJournaledWithTheOperatorsNameAndNothingElseWhenItFails() throws Exception {
        try (Fixture f = Fixture.h2(dir)) {
            PostalAdmin ada = f.core.admin().as("ada");
            long before = journalSize(f);
            ada.createPartner("globex", "Globex Stamps");
            IssuedApiKey key = ada.issueApiKey("globex", Mode.TEST);
            ada.revokeApiKey(key.keyId());
            long meter = ada.createMeter("globex", Mode.TEST, f.core.currency()).meterId();
            ada.fundMeter(meter, Fixture.usd(2_500), "wire 2026-06-20");
            ada.addBackground("sunrise", "Sunrise", png());
            ada.retireBackground("sunrise");
            ada.createOperator("grace", "Grace Hopper", "correct horse battery".toCharArray());
            ada.setOperatorPassword("grace", "another long passphrase".toCharArray());

            List<OperatorJournalEntry> entries = ada.operatorJournal(before, 100);
            assertEquals(List.of(OperatorAction.PARTNER_CREATED, OperatorAction.API_KEY_ISSUED,
                    OperatorAction.API_KEY_REVOKED, OperatorAction.METER_CREATED, OperatorAction.METER_FUNDED,
                    OperatorAction.BACKGROUND_ADDED, OperatorAction.BACKGROUND_RETIRED, OperatorAction.OPERATOR_CREATED,
                    OperatorAction.OPERATOR_PASSWORD_SET), entries.stream().map(OperatorJournalEntry::action).toList());
            assertTrue(entries.stream().allMatch(e -> e.actor().equals("ada")), "every entry names the operator");
            assertEquals("partner globex", entries.get(1).subject());
            assertTrue(entries.get(1).detail().contains(key.keyId()), entries.get(1).detail());
            assertFalse(entries.get(1).detail().contains(key.apiKey()), "never the key's secret");
            assertTrue(entries.get(4).detail().contains("wire 2026-06-20"), entries.get(4).detail());
            assertTrue(entries.stream().noneMatch(e -> String.valueOf(e.detail()).contains("passphrase")
                    || String.valueOf(e.detail()).contains("battery")), "never a password");

            long now = journalSize(f);
            assertThrows(InvalidRequestException.class, () -> ada.fundMeter(meter, org.openpostage.api.value.Money.of(5,
                    "EUR"), null), "another currency");
            assertThrows(NotFoundException.class, () -> ada.issueApiKey("nobody", Mode.LIVE));
            assertThrows(InvalidRequestException.class, () -> ada.createPartner("globex", "again"));
            assertThrows(NotFoundException.class, () -> ada.retryCardRefund("ref-none"));
            assertEquals(now, journalSize(f), "a refused change journals nothing");
            assertTrue(ada.auditJournal().intact(), ada.auditJournal().problems().toString());
        }
    }

    @Test
    void operatorsSignInWithArgon2idHashedPasswordsAndAreLockedAfterFiveWrongOnes() {
        try (Fixture f = Fixture.h2(dir)) {
            PostalAdmin admin = f.core.admin().as("setup");
            assertThrows(InvalidRequestException.class, () -> admin.createOperator("ada", "Ada", "short".toCharArray()),
                    "a password of fewer than 12 characters");
            assertThrows(InvalidRequestException.class, () -> admin.createOperator("Ada!", "Ada",
                    "long enough password".toCharArray()), "a malformed name");
            admin.createOperator("ada", "Ada Lovelace", "analytical engine".toCharArray());
            String stored = Rows.text(f.db, "SELECT password_hash FROM operators WHERE name = 'ada'");
            assertTrue(stored.startsWith("$argon2id$v=19$m=19456,t=2,p=1$"), stored);
            assertFalse(stored.contains("analytical"));

            OperatorAccount ada = admin.signIn("ada", "analytical engine".toCharArray(), "test");
            assertNotNull(ada.lastSignInAt());
            assertThrows(AuthenticationException.class, () -> admin.signIn("nobody", "analytical engine".toCharArray(),
                    "test"));
            for (int i = 0; i < 5; i++) {
                AuthenticationException e = assertThrows(AuthenticationException.class, () -> admin.signIn("ada",
                        "wrong password!!".toCharArray(), "test"));
                assertEquals("the name or the password is not right", e.getMessage());
            }
            AuthenticationException locked = assertThrows(AuthenticationException.class, () -> admin.signIn("ada",
                    "analytical engine".toCharArray(), "test"), "locked even with the right password");
            assertTrue(locked.getMessage().contains("locked"), locked.getMessage());
            f.clock.advance(java.time.Duration.ofMinutes(16));
            admin.signIn("ada", "analytical engine".toCharArray(), "test");

            admin.createOperator("grace", "Grace", "compiler pioneer".toCharArray());
            admin.as("ada").setOperatorEnabled("grace", false);
            assertThrows(AuthenticationException.class, () -> admin.signIn("grace", "compiler pioneer".toCharArray(),
                    "test"));
            assertThrows(InvalidRequestException.class, () -> admin.as("ada").setOperatorEnabled("ada", false),
                    "not one's own account");
            assertThrows(InvalidRequestException.class, () -> admin.as("grace").setOperatorEnabled("ada", false),
                    "not the last enabled account");
            assertEquals(OperatorAction.OPERATOR_SIGNED_IN, admin.operatorJournal(0, 1000).stream()
                    .filter(e -> e.actor().equals("ada")).filter(e -> e.action() == OperatorAction.OPERATOR_SIGNED_IN)
                    .findFirst().orElseThrow().action());
        }
    }

    @Test
    void anUploadedRateTablePricesFromItsDayOnEveryNode() throws Exception {
        try (Fixture f = Fixture.h2(dir)) {
            PostalAdmin ada = f.core.admin().as("ada");
            PostalCore second = f.secondNode();
            LocalDate tomorrow = Fixture.TODAY.plusDays(1);
            QuoteRequest tomorrows = new QuoteRequest(Fixture.letter20(), tomorrow);
            long oldPrice = second.quote(tomorrows, f.test("q0")).price().minorUnits();
            String table = "table version=2026-06-21 currency=USD effective-from=" + tomorrow + "\n"
                    + "LETTER 20 0 99\nLETTER 100 0 150\nPARCEL 1000 1 500\nPARCEL 1000 2 600\nPARCEL 1000 3 700\n"
                    + "PARCEL 1000 4 800\n";
            assertThrows(InvalidRequestException.class, () -> ada.uploadRateTable(table.replace(tomorrow.toString(),
                    Fixture.TODAY.toString()), Fixture.TODAY), "not today: nodes need it before it prices");
            assertThrows(InvalidRequestException.class, () -> ada.uploadRateTable(table, tomorrow.plusDays(1)),
                    "the table's date and the upload's must agree");
            assertThrows(InvalidRequestException.class, () -> ada.uploadRateTable(table.replace("USD", "EUR"),
                    tomorrow), "meters keep one currency");
            InvalidRequestException bad = assertThrows(InvalidRequestException.class, () -> ada.uploadRateTable(
                    table.replace("LETTER 100 0 150", "LETTER 100 0 -3"), tomorrow));
            assertTrue(bad.getMessage().contains("line 3"), bad.getMessage());

            RateTableInfo info = ada.uploadRateTable(table, tomorrow);
            assertEquals("uploaded", info.origin());
            assertEquals("ada", info.uploadedBy());
            assertFalse(info.inForceToday());
            assertEquals(99, f.core.quote(tomorrows, f.test("q1")).price().minorUnits(), "this node at once");
            assertEquals(oldPrice, f.core.quote(new QuoteRequest(Fixture.letter20(), Fixture.TODAY), f.test("q2"))
                    .price().minorUnits(), "today keeps today's table");
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(8).toNanos();
            long seen;
            do {
                seen = second.quote(tomorrows, f.test("q3")).price().minorUnits();
                if (seen != 99) {
                    Thread.sleep(200);
                }
            } while (seen != 99 && System.nanoTime() < deadline);
            assertEquals(99, seen, "the other node within its refresh interval");
            assertThrows(InvalidRequestException.class, () -> ada.uploadRateTable(table, tomorrow), "one table a day");
            PurchaseRequest buy = PurchaseRequest.of(List.of(PurchaseItem.of(f.core.quote(tomorrows, f.test("q4")))),
                    PaymentMethod.account());
            assertEquals(99, f.core.purchase(buy, f.test("buy")).total().minorUnits());

            f.clock.advance(java.time.Duration.ofDays(1));
            assertTrue(ada.rateTables().stream().anyMatch(t -> t.version().equals("2026-06-21") && t.inForceToday()));
            assertThrows(InvalidRequestException.class, () -> ada.withdrawRateTable("2026-06-21"),
                    "a table in force cannot be withdrawn");
        }
    }

    @Test
    void aRetiredBackgroundIsNoLongerOfferedNorSold() throws Exception {
        try (Fixture f = Fixture.h2(dir)) {
            PostalAdmin ada = f.core.admin().as("ada");
            String sample = f.core.backgrounds(f.test("b")).images().get(0).id();
            ada.retireBackground(sample);
            assertTrue(f.core.backgrounds(f.test("b")).images().stream().noneMatch(i -> i.id().equals(sample)));
            assertThrows(InvalidRequestException.class, () -> ada.retireBackground(sample));
            assertThrows(NotFoundException.class, () -> ada.retireBackground("no-such-image"));
            BackgroundEntry entry = ada.backgroundCatalogue().stream().filter(e -> e.image().id().equals(sample))
                    .findFirst().orElseThrow();
            assertFalse(entry.offered());
            assertEquals("ada", entry.retiredBy());
            PurchaseRequest withIt = new PurchaseRequest(List.of(f.letter()), PaymentMethod.account(),
                    PrintOptions.png(300).withBackground(sample), null);
            assertThrows(org.openpostage.api.error.PostageException.class, () -> f.core.purchase(withIt, f.test("bg")));
        }
    }

    private static long journalSize(Fixture f) {
        return Rows.count(f.db, "SELECT COUNT(*) FROM operator_journal");
    }

    private static Bytes png() throws Exception {
        BufferedImage image = new BufferedImage(120, 80, BufferedImage.TYPE_INT_RGB);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return Bytes.of(out.toByteArray());
    }
}
