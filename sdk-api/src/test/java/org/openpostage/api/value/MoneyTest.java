package org.openpostage.api.value;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Currency;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.openpostage.api.error.InvalidRequestException;

class MoneyTest {
    private static final Currency USD = Currency.getInstance("USD");
    private static final BigInteger MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger MAX = BigInteger.valueOf(Long.MAX_VALUE);

    /** Edge values that random sampling would almost never hit. */
    private static final long[] EDGES = {0, 1, -1, 2, -2, 99, 100, Integer.MAX_VALUE, Integer.MIN_VALUE,
            0xFFFF_FFFF_FFFFL, Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE - 1, Long.MIN_VALUE + 1,
            Long.MAX_VALUE / 2, Long.MIN_VALUE / 2};

    @Test
    void additionAndSubtractionAreExactOrThrowAcrossTheWholeLongRange() {
        SplittableRandom random = new SplittableRandom(20261125);
        for (int i = 0; i < 200_000; i++) {
            long a = sample(random);
            long b = sample(random);
            check(BigInteger.valueOf(a).add(BigInteger.valueOf(b)), () -> money(a).plus(money(b)).minorUnits());
            check(BigInteger.valueOf(a).subtract(BigInteger.valueOf(b)), () -> money(a).minus(money(b)).minorUnits());
            check(BigInteger.valueOf(a).multiply(BigInteger.valueOf(b % 100_000)),
                    () -> money(a).times(b % 100_000).minorUnits());
            check(BigInteger.valueOf(a).negate(), () -> money(a).negate().minorUnits());
        }
    }

    @Test
    void comparisonAgreesWithTheAmounts() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 50_000; i++) {
            long a = sample(random);
            long b = sample(random);
            assertEquals(Long.signum(Long.compare(a, b)), Integer.signum(money(a).compareTo(money(b))));
            assertEquals(a >= b, money(a).isAtLeast(money(b)));
        }
    }

    @Test
    void majorUnitsConvertExactlyBothWays() {
        SplittableRandom random = new SplittableRandom(11);
        for (String code : new String[] {"USD", "EUR", "JPY", "KWD", "GBP"}) {
            Currency c = Currency.getInstance(code);
            for (int i = 0; i < 10_000; i++) {
                long minor = sample(random);
                Money m = new Money(minor, c);
                assertEquals(m, Money.ofMajor(m.toMajor(), c));
            }
        }
        assertEquals(125, Money.ofMajor(new BigDecimal("1.25"), USD).minorUnits());
        assertEquals(125, Money.ofMajor(new BigDecimal("1.250"), USD).minorUnits());
        assertEquals(3, Money.ofMajor(new BigDecimal("3"), Currency.getInstance("JPY")).minorUnits());
        assertEquals(1234, Money.ofMajor(new BigDecimal("1.234"), Currency.getInstance("KWD")).minorUnits());
    }

    @Test
    void fractionsOfAMinorUnitAreRejectedNotRounded() {
        var e = assertThrows(InvalidRequestException.class, () -> Money.ofMajor(new BigDecimal("1.255"), USD));
        assertTrue(e.getMessage().contains("1.255"), e.getMessage());
        assertThrows(InvalidRequestException.class,
                () -> Money.ofMajor(new BigDecimal("0.5"), Currency.getInstance("JPY")));
        assertThrows(InvalidRequestException.class, () -> Money.ofMajor(new BigDecimal("1e30"), USD));
    }

    @Test
    void mixingCurrenciesIsAnError() {
        var e = assertThrows(InvalidRequestException.class, () -> Money.of(1, "USD").plus(Money.of(1, "EUR")));
        assertEquals("currency mismatch: USD and EUR", e.getMessage());
        assertThrows(InvalidRequestException.class, () -> Money.of(1, "USD").compareTo(Money.of(1, "EUR")));
    }

    @Test
    void unknownAndPseudoCurrenciesAreRejected() {
        assertThrows(InvalidRequestException.class, () -> Money.of(1, "ABC"));
        assertThrows(InvalidRequestException.class, () -> Money.of(1, "XXX"));
        assertThrows(InvalidRequestException.class, () -> new Money(1, null));
    }

    @Test
    void printsCurrencyAndMajorUnits() {
        assertEquals("USD 1.25", Money.of(125, "USD").toString());
        assertEquals("USD -0.05", Money.of(-5, "USD").toString());
        assertEquals("JPY 300", Money.of(300, "JPY").toString());
    }

    private static Money money(long minor) {
        return new Money(minor, USD);
    }

    private static long sample(SplittableRandom random) {
        return switch (random.nextInt(4)) {
            case 0 -> EDGES[random.nextInt(EDGES.length)];
            case 1 -> random.nextLong(-1_000_000, 1_000_000);
            case 2 -> random.nextLong() >> random.nextInt(64);
            default -> random.nextLong();
        };
    }

    private static void check(BigInteger exact, java.util.function.LongSupplier op) {
        boolean fits = exact.compareTo(MIN) >= 0 && exact.compareTo(MAX) <= 0;
        if (fits) {
            assertEquals(exact.longValueExact(), op.getAsLong());
        } else {
            assertThrows(ArithmeticException.class, op::getAsLong, "overflow of " + exact + " must throw");
        }
    }
}
