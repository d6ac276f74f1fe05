package org.openpostage.server.internal.journal;

import java.time.Instant;

/** The hash chain of a meter's journal: the canonical bytes of an entry, and its hash. */
public final class MeterChain {
    /** The domain of the meter journals' canonical bytes. */
    public static final String DOMAIN = "openpostage meter journal v1";

    private MeterChain() {
    }

    /** The hash of a journal entry following {@code prev}, over the entry's canonical bytes. */
    public static byte[] hash(byte[] prev, long meterId, long seq, String kind, long amount, long ascending,
                              long descending, String purchaseId, String indiciumId, String paymentId, String refundId,
                              String reference, Instant at) {
        return ChainHash.entry(DOMAIN).number(meterId).number(seq).text(kind).number(amount).number(ascending)
                .number(descending).text(purchaseId).text(indiciumId).text(paymentId).text(refundId).text(reference)
                .time(at).after(prev);
    }
}
