package org.openpostage.api.value;

import java.math.BigDecimal;
import java.util.Currency;
import org.openpostage.api.error.InvalidArgumentException;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.internal.Checks;

/**
 * An amount of money in integer minor units (cents, pence) of one ISO 4217 currency.
 *
 * <p>Never a {@code double}. Arithmetic is exact: an operation whose result does not fit in a
 * {@code long} throws {@link ArithmeticException} rather than wrapping around, and mixing
 * currencies throws {@link InvalidRequestException}. Amounts may be negative (a difference, a
 * correction); the places that need a positive amount check for it.
 *
 * @param minorUnits the amount in the currency's minor units: {@code 125} USD is $1.25
 * @param currency   the currency; pseudo-currencies without minor units (XXX, XAU) are rejected
 */
public record Money(long minorUnits, Currency currency) implements Comparable<Money> {
    public Money {
        Checks.notNull("money.currency", currency);
        if (currency.getDefaultFractionDigits() < 0) {
            throw new InvalidArgumentException("money.currency " + currency.getCurrencyCode()
                    + " is not a currency with minor units");
        }
    }

    /**
     * An amount of {@code minorUnits} of the currency with ISO 4217 code {@code currencyCode}.
     *
     * @throws InvalidRequestException if the code is not a known currency
     */
    public static Money of(long minorUnits, String currencyCode) {
        return new Money(minorUnits, currency(currencyCode));
    }

    /**
     * The exact amount {@code amount} in major units (for example {@code "1.25"}).
     *
     * @throws InvalidRequestException if {@code amount} has more decimals than the currency has minor digits
     */
    public static Money ofMajor(BigDecimal amount, Currency currency) {
        Checks.notNull("money.amount", amount);
        Checks.notNull("money.currency", currency);
        try {
            return new Money(amount.movePointRight(currency.getDefaultFractionDigits()).longValueExact(), currency);
        } catch (ArithmeticException e) {
            throw new InvalidArgumentException("money.amount " + amount.toPlainString() + " is not a whole number of "
                    + currency.getCurrencyCode() + " minor units, or is too large");
        }
    }

    /** Zero in {@code currency}. */
    public static Money zero(Currency currency) {
        return new Money(0, currency);
    }

    /** The currency with ISO 4217 code {@code code}, or an {@link InvalidRequestException} naming it. */
    public static Currency currency(String code) {
        Checks.notNull("money.currency", code);
        try {
            return Currency.getInstance(code);
        } catch (IllegalArgumentException e) {
            throw new InvalidArgumentException("money.currency '" + code + "' is not an ISO 4217 currency code");
        }
    }

    /** {@code this + other}. */
    public Money plus(Money other) {
        requireSameCurrency(other);
        return new Money(Math.addExact(minorUnits, other.minorUnits), currency);
    }

    /** {@code this - other}. */
    public Money minus(Money other) {
        requireSameCurrency(other);
        return new Money(Math.subtractExact(minorUnits, other.minorUnits), currency);
    }

    /** {@code this * factor}. */
    public Money times(long factor) {
        return new Money(Math.multiplyExact(minorUnits, factor), currency);
    }

    /** {@code -this}. */
    public Money negate() {
        return new Money(Math.negateExact(minorUnits), currency);
    }

    /** Whether the amount is greater than zero. */
    public boolean isPositive() {
        return minorUnits > 0;
    }

    /** Whether the amount is less than zero. */
    public boolean isNegative() {
        return minorUnits < 0;
    }

    /** Whether the amount is zero. */
    public boolean isZero() {
        return minorUnits == 0;
    }

    /** Whether this amount is at least {@code other}. */
    public boolean isAtLeast(Money other) {
        return compareTo(other) >= 0;
    }

    /** The amount in major units, exactly: {@code 1.25} for 125 cents. */
    public BigDecimal toMajor() {
        return BigDecimal.valueOf(minorUnits, currency.getDefaultFractionDigits());
    }

    /** Compares amounts of the same currency; throws {@link InvalidRequestException} for different ones. */
    @Override
    public int compareTo(Money other) {
        requireSameCurrency(other);
        return Long.compare(minorUnits, other.minorUnits);
    }

    /** For example {@code "USD 1.25"}. */
    @Override
    public String toString() {
        return currency.getCurrencyCode() + " " + toMajor().toPlainString();
    }

    private void requireSameCurrency(Money other) {
        Checks.notNull("money", other);
        if (!currency.equals(other.currency)) {
            throw new InvalidArgumentException("currency mismatch: " + currency.getCurrencyCode() + " and "
                    + other.currency.getCurrencyCode());
        }
    }
}
