package org.openpostage.portal.internal.shop;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.model.Address;
import org.openpostage.api.model.AddressFormat;

/**
 * Addresses in the portal as the add-to-cart form gives them, each problem a {@link FieldError} on
 * its field (the database keeps them as {@code store.AddressColumns} writes them).
 */
public final class Addresses {
    private Addresses() {
    }

    /**
     * The address whose fields are {@code <role>Name}, {@code <role>Line1}, {@code <role>Line2},
     * {@code <role>City}, {@code <role>Region} of the form, in {@code country} with
     * {@code postalCode} (the piece's, already checked); {@code null} when the name is empty.
     */
    public static Address read(String role, Function<String, String> form, String country, String postalCode) {
        String name = form.apply(role + "Name");
        if (name == null || name.isBlank()) {
            return null;
        }
        List<String> lines = new ArrayList<>();
        for (String l : new String[] {form.apply(role + "Line1"), form.apply(role + "Line2")}) {
            if (l != null && !l.isBlank()) {
                lines.add(l);
            }
        }
        String who = role.equals("sender") ? "sender's" : "recipient's";
        if (lines.isEmpty()) {
            throw new FieldError(role + "-line1", "Please enter the " + who + " street and number.");
        }
        try {
            return new Address(country, name, lines, form.apply(role + "City"), form.apply(role + "Region"), postalCode);
        } catch (InvalidRequestException e) {
            String m = e.getMessage();
            String field = m.startsWith("address.locality") ? "city" : m.startsWith("address.region") ? "region"
                    : m.startsWith("address.name") ? "name" : m.startsWith("address.postalCode") ? "postal" : "line1";
            AddressFormat f = AddressFormat.of(country);
            String message = switch (field) {
                case "city" -> "Please enter the " + who + " " + f.localityLabel().toLowerCase(java.util.Locale.ROOT) + ".";
                case "region" -> f.regionLabel() == null ? "Leave the state or province empty for " + f.countryName() + "."
                        : "Please choose the " + who + " " + f.regionLabel().toLowerCase(java.util.Locale.ROOT) + ".";
                case "postal" -> "The " + who + " postal code is not a " + f.describePostalCode() + ".";
                default -> "Please use Latin letters, digits, spaces and . , - ' / # & ( ) + : ; only, at most "
                        + Address.MAX_TEXT + " characters a line.";
            };
            throw new FieldError(role + "-" + field, message);
        }
    }
}
