package org.openpostage.portal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.openpostage.api.model.MeterStatement;
import org.openpostage.api.value.Mode;
import org.openpostage.server.model.JournalEntry;
import org.openpostage.server.model.JournalKind;

/**
 * The journal of a demo partner's live meter at the test postal server: what the portal's
 * purchases really debited and funded (a card payment is one {@code FUNDING} of the amount captured).
 */
final class Journal {
    private final World world;
    private final String partner;

    Journal(World world, String partner) {
        this.world = world;
        this.partner = partner;
    }

    /** The id of the newest entry, to count what comes after it. */
    long mark() {
        long last = 0;
        for (List<JournalEntry> page; !(page = world.server.admin().journal(meter(), last, 10_000)).isEmpty(); ) {
            last = page.get(page.size() - 1).entryId();
        }
        return last;
    }

    /** The entries of {@code kind} after entry {@code mark}. */
    List<JournalEntry> since(long mark, JournalKind kind) {
        return world.server.admin().journal(meter(), mark, 10_000).stream().filter(e -> e.kind() == kind).toList();
    }

    /** How many entries of {@code kind} came after entry {@code mark}. */
    long count(JournalKind kind, long mark) {
        return since(mark, kind).size();
    }

    private long meter() {
        List<MeterStatement> live = world.server.admin().meters(partner).stream().filter(m -> m.mode() == Mode.LIVE).toList();
        assertEquals(1, live.size(), "the demo partner has one live meter");
        return live.get(0).meterId();
    }
}
