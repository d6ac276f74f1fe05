package org.openpostage.render;

import java.util.Objects;
import org.openpostage.api.indicium.SignatureCheck;
import org.openpostage.api.indicium.SignedIndicium;

/**
 * What reading a stamp back found: the indicium decoded from the Data Matrix, and its signature
 * checked against a published key set. This is the offline part of the verification a postal
 * operator does at mail processing; whether the piece was issued, refunded or seen before is for
 * the postal server ({@code PostalService.verify}) to say.
 *
 * @param indicium  the decoded indicium; {@code indicium.encoded()} holds the exact bytes read
 * @param signature the signature check
 */
public record StampVerification(SignedIndicium indicium, SignatureCheck signature) {
    public StampVerification {
        Objects.requireNonNull(indicium, "indicium");
        Objects.requireNonNull(signature, "signature");
    }

    /**
     * Whether the check is {@link SignatureCheck#VALID} (a good signature under a key in good
     * standing for the piece's date) and it is live postage (not a test indicium).
     */
    public boolean valid() {
        return signature == SignatureCheck.VALID && !indicium.data().testMode();
    }
}
