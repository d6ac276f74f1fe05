package org.openpostage.portal.internal.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** The rates query the cart links to and uploads return to, and the upload size message's numbers. */
class SafeQueryTest {
    @Test
    void theRatesQueryIsRebuiltAndEncodedFromTheCheckedFields() {
        assertEquals("weight=20&from=94107&to=10001", ShopRoutes.ratesQuery(20, "94107", "10001", null));
        assertEquals("weight=70&from=SW1A+1AA&to=&date=2026-05-31",
                ShopRoutes.ratesQuery(70, "SW1A 1AA", null, LocalDate.parse("2026-05-31")));
    }

    @Test
    void onlyPlainEncodedPairsAreUsedInALinkOrARedirect() {
        assertEquals("?weight=20&from=94107&to=", query("weight=20&from=94107&to="));
        assertEquals("", query(""));
        assertEquals("", query("weight=20\r\nSet-Cookie: a=b"), "a line break");
        assertEquals("", query("weight=20&x=\"><script>"), "markup");
        assertEquals("", query("/evil.example"), "not a query");
    }

    @Test
    void anUploadOverTheLimitNeverReadsAsTheLimit() {
        assertEquals("10", ShopRoutes.megabytes(10_000_000));
        assertEquals("10.1", ShopRoutes.megabytes(10_000_001));
        assertEquals("10.5", ShopRoutes.megabytes(10_450_000));
        assertEquals("11", ShopRoutes.megabytes(10_999_999));
    }

    private static String query(String saved) {
        Session s = new Session(Session.token());
        s.lastQuery(saved);
        return ShopRoutes.query(s);
    }
}
