package org.openpostage.server.model;

import org.openpostage.api.value.Mode;

/**
 * A newly issued API key. The plaintext exists only in this object: the server keeps a hash, so
 * hand it to the partner now. {@link #toString()} hides it.
 *
 * @param keyId     the key's public id (shown in logs and to revoke it)
 * @param partnerId the partner it belongs to
 * @param mode      test or live
 * @param apiKey    the key itself, for example {@code op_test_<id>_<secret>}
 */
public record IssuedApiKey(String keyId, String partnerId, Mode mode, String apiKey) {
    @Override
    public String toString() {
        return "IssuedApiKey[" + keyId + ", partner " + partnerId + ", " + mode + "]";
    }
}
