package org.openpostage.server.internal.journal;

import java.sql.Connection;
import java.sql.SQLException;
import org.openpostage.api.indicium.IndiciumSigner;

/**
 * The signing device as {@link Checkpoints} needs it: the key that signs live postage now, and its
 * signer. The signing package provides it ({@code SigningKeys::checkpointKey}), so the journal
 * does not depend on the signing package, which writes its key ceremony to the journal.
 */
@FunctionalInterface
public interface CheckpointKey {
    /** The key and signer a checkpoint is signed with, read in the caller's transaction {@code c}. */
    Signing current(Connection c) throws SQLException;

    /** A key id and the device's signer for it. */
    record Signing(long keyId, IndiciumSigner signer) {
    }
}
