package org.openpostage.render;

import java.util.Objects;
import org.openpostage.api.model.Address;

/**
 * A stamp with the addresses printed with it on an envelope or a shipping label.
 *
 * @param stamp     the stamp (with or without a picture)
 * @param sender    the return address, or {@code null} for none
 * @param recipient the delivery address
 */
public record AddressedStamp(Stamp stamp, Address sender, Address recipient) {
    public AddressedStamp {
        Objects.requireNonNull(stamp, "stamp");
        Objects.requireNonNull(recipient, "recipient");
    }

    /** The country the piece is mailed from: the sender's, or the recipient's when there is no sender. */
    public String fromCountry() {
        return sender != null ? sender.country() : recipient.country();
    }
}
