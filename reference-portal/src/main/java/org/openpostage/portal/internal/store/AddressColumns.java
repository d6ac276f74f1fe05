package org.openpostage.portal.internal.store;

import java.util.List;
import org.openpostage.api.model.Address;

/** An order item's sender and recipient as the database keeps them: one line of text each. */
final class AddressColumns {
    private AddressColumns() {
    }

    /** {@code a} as one line of text for the database ({@code null} for none). */
    static String encode(Address a) {
        if (a == null) {
            return null;
        }
        StringBuilder b = new StringBuilder().append(a.country()).append('|').append(a.name()).append('|')
                .append(nz(a.locality())).append('|').append(nz(a.region())).append('|').append(nz(a.postalCode()));
        a.lines().forEach(l -> b.append('|').append(l));
        return b.toString();
    }

    /** The address {@link #encode} wrote ({@code null} for none). */
    static Address decode(String s) {
        if (s == null) {
            return null;
        }
        String[] f = s.split("\\|", -1);
        return new Address(f[0], f[1], List.of(f).subList(5, f.length), blank(f[2]), blank(f[3]), blank(f[4]));
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private static String blank(String s) {
        return s.isEmpty() ? null : s;
    }
}
