package org.openpostage.server.internal.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.openpostage.api.error.InsufficientFundsException;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.error.NotFoundException;
import org.openpostage.api.error.PermissionDeniedException;
import org.openpostage.api.error.PostageException;
import org.openpostage.api.error.RefundNotAllowedException;
import org.openpostage.api.indicium.IndiciumCodec;
import org.openpostage.api.indicium.IndiciumData;
import org.openpostage.api.indicium.SignedIndicium;
import org.openpostage.api.model.CardBrand;
import org.openpostage.api.model.PaymentKind;
import org.openpostage.api.model.PaymentSummary;
import org.openpostage.api.model.PurchaseItem;
import org.openpostage.api.value.Mode;
import org.openpostage.api.value.Money;
import org.openpostage.server.model.FailedCardRefund;
import org.openpostage.server.model.JournalEntry;
import org.openpostage.server.model.JournalKind;
import org.openpostage.server.model.MeterAudit;
import org.openpostage.server.internal.db.DataAccessException;
import org.openpostage.server.internal.db.Database;
import org.openpostage.server.internal.db.Sql;
import org.openpostage.server.internal.signing.SigningKeys;
import org.openpostage.server.internal.util.Ids;
import org.openpostage.server.internal.util.Time;

/**
 * The meters, their registers and the journal (docs/ledger.md).
 *
 * <p>Every change of a meter's registers happens in a transaction that first locks the meter's
 * row ({@code SELECT ... FOR UPDATE}), writes one journal entry per movement with the registers
 * after it, and then stores the new registers. Debits of one meter are therefore serialized on
 * every node, serials are assigned without gaps, and the journal always explains the registers.
 */
public final class Ledger {
    /** The first meter id handed out. */
    static final long FIRST_METER_ID = 100_001;

    /**
     * A meter row.
     *
     * @param journalSeq  how many chained entries its journal holds
     * @param journalHead the hash of its journal's last chained entry, or {@code null} before the first
     */
    public record Meter(long meterId, String partnerId, Mode mode, Currency currency, long ascending, long descending,
                        long lastSerial, boolean isDefault, long journalSeq, byte[] journalHead) {
        static Meter of(ResultSet rs) throws SQLException {
            return new Meter(rs.getLong("meter_id"), rs.getString("partner_id"), Mode.valueOf(rs.getString("mode")),
                    Currency.getInstance(rs.getString("currency").strip()), rs.getLong("ascending"),
                    rs.getLong("descending"), rs.getLong("last_serial"), rs.getBoolean("is_default"),
                    rs.getLong("journal_seq"), rs.getBytes("journal_head"));
        }
    }

    /**
     * What never changes about a meter once it exists: its id, owner, mode and currency. Meters are
     * never deleted, nor given to another partner, mode or currency, so an identity read once stays
     * true on every node for ever, and can be kept in memory ({@link #identity}).
     */
    public record MeterIdentity(long meterId, String partnerId, Mode mode, Currency currency) {
        static MeterIdentity of(Meter m) {
            return new MeterIdentity(m.meterId, m.partnerId, m.mode, m.currency);
        }
    }

    /** The card payment that funds a purchase: its FUNDING entry references it. */
    public record CardFunding(String paymentId, String gatewayReference, CardBrand brand, String last4) {
    }

    /**
     * What to issue, under the id {@code purchaseId} (chosen by the caller, so that it can record
     * it elsewhere in the same transaction). {@code card} is {@code null} for account payments.
     */
    public record IssueCommand(String purchaseId, String partnerId, Mode mode, long meterId, List<PurchaseItem> items,
                               CardFunding card) {
    }

    /**
     * One indicium of a purchase: its data, recorded with its debit, and once the signing device
     * has signed it, the signed indicium.
     *
     * @param signed the signed indicium, or {@code null} while it is recorded but not yet signed
     */
    public record IssuedIndicium(String indiciumId, IndiciumData data, SignedIndicium signed) {
        /** Whether the device has signed it. */
        public boolean isSigned() {
            return signed != null;
        }
    }

    /** A committed purchase as the ledger holds it; its indicia may still wait for their signatures. */
    public record Issued(String purchaseId, long meterId, Mode mode, List<IssuedIndicium> indicia, Money total,
                         PaymentSummary payment, Instant issuedAt) {
        /** Whether every indicium is signed. */
        public boolean isSigned() {
            return indicia.stream().allMatch(IssuedIndicium::isSigned);
        }

        /** This purchase with {@code indicia} instead. */
        public Issued withIndicia(List<IssuedIndicium> indicia) {
            return new Issued(purchaseId, meterId, mode, List.copyOf(indicia), total, payment, issuedAt);
        }
    }

    /** A committed refund. */
    public record Refunded(String refundId, String indiciumId, long meterId, Money amount, PaymentKind creditedTo,
                           Instant refundedAt, String paymentId, String gatewayReference) {
    }

    private static final String METER_COLUMNS = "meter_id, partner_id, mode, currency, ascending, descending,"
            + " last_serial, is_default, journal_seq, journal_head";

    /** The most meter identities (and default meters) kept in memory; past it they are read each time. */
    private static final int MAX_REMEMBERED = 100_000;

    private final Database db;
    private final SigningKeys keys;
    private final ConcurrentMap<Long, MeterIdentity> identities = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Long> defaults = new ConcurrentHashMap<>();
    private final Clock clock;
    private final int vendorId;
    private final int softwareId;

    public Ledger(Database db, SigningKeys keys, Clock clock, int vendorId, int softwareId) {
        this.db = db;
        this.keys = keys;
        this.clock = clock;
        this.vendorId = vendorId;
        this.softwareId = softwareId;
    }

    // ------------------------------------------------------------------ meters

    /** The meter with {@code meterId}. */
    public Optional<Meter> meter(long meterId) {
        return db.read("read meter", c -> Sql.one(c, "SELECT " + METER_COLUMNS + " FROM meters WHERE meter_id = ?",
                Meter::of, meterId));
    }

    /**
     * The identity of meter {@code meterId}, read once and then kept in memory (a purchase's
     * validation needs no more, and so no read of its own). A meter not found is not remembered:
     * it may be created later.
     */
    public Optional<MeterIdentity> identity(long meterId) {
        MeterIdentity known = identities.get(meterId);
        if (known != null) {
            return Optional.of(known);
        }
        return meter(meterId).map(m -> remember(MeterIdentity.of(m)));
    }

    /**
     * The identity of the default meter of {@code partnerId} in {@code mode}, kept in memory as
     * {@link #identity} is: a partner's default meter in a mode is its first one there, for ever.
     */
    public Optional<MeterIdentity> defaultIdentity(String partnerId, Mode mode) {
        Long id = defaults.get(partnerId + "/" + mode);
        if (id != null) {
            return identity(id);
        }
        Optional<MeterIdentity> found = defaultMeter(partnerId, mode).map(m -> remember(MeterIdentity.of(m)));
        found.ifPresent(m -> {
            if (defaults.size() < MAX_REMEMBERED) {
                defaults.put(partnerId + "/" + mode, m.meterId());
            }
        });
        return found;
    }

    private MeterIdentity remember(MeterIdentity m) {
        if (identities.size() < MAX_REMEMBERED) {
            identities.put(m.meterId(), m);
        }
        return m;
    }

    /** The default meter of {@code partnerId} in {@code mode}. */
    public Optional<Meter> defaultMeter(String partnerId, Mode mode) {
        return db.read("read meter", c -> Sql.one(c, "SELECT " + METER_COLUMNS + " FROM meters WHERE partner_id = ?"
                + " AND mode = ? AND is_default = TRUE", Meter::of, partnerId, mode));
    }

    /** The meters of {@code partnerId} in {@code mode}, or in both modes when {@code mode} is {@code null}. */
    public List<Meter> meters(String partnerId, Mode mode) {
        return db.read("read meters", c -> mode == null
                ? Sql.list(c, "SELECT " + METER_COLUMNS + " FROM meters WHERE partner_id = ? ORDER BY meter_id",
                        Meter::of, partnerId)
                : Sql.list(c, "SELECT " + METER_COLUMNS + " FROM meters WHERE partner_id = ? AND mode = ?"
                        + " ORDER BY meter_id", Meter::of, partnerId, mode));
    }

    /** Every meter. */
    public List<Meter> allMeters() {
        return db.read("read meters", c -> Sql.list(c, "SELECT " + METER_COLUMNS + " FROM meters ORDER BY meter_id",
                Meter::of));
    }

    /**
     * Creates an empty meter for {@code partnerId}. The partner's first meter in a mode becomes its
     * default meter in that mode.
     */
    public Meter createMeter(String partnerId, Mode mode, Currency currency) {
        for (int attempt = 1; ; attempt++) {
            try {
                return db.transaction("create meter", c -> createMeter(c, partnerId, mode, currency));
            } catch (DataAccessException e) {
                if (!Sql.UNIQUE_VIOLATION.equals(e.sqlState()) || attempt >= 10) {
                    throw e;
                }
            }
        }
    }

    /**
     * Creates a meter in the caller's transaction. Two nodes creating meters at once may pick the same
     * id: the loser's transaction fails with a unique violation, to be run again.
     */
    public Meter createMeter(Connection c, String partnerId, Mode mode, Currency currency) throws SQLException {
        if (mode == null || mode == Mode.UNKNOWN) {
            throw new InvalidRequestException("a meter's mode is TEST or LIVE");
        }
        Instant now = Time.now(clock);
        long id = Math.max(FIRST_METER_ID, Sql.number(c, "SELECT MAX(meter_id) FROM meters") + 1);
        boolean first = Sql.number(c, "SELECT COUNT(*) FROM meters WHERE partner_id = ? AND mode = ?",
                partnerId, mode) == 0;
        Sql.update(c, "INSERT INTO meters (" + METER_COLUMNS + ", created_at)"
                + " VALUES (?, ?, ?, ?, 0, 0, 0, ?, 0, NULL, ?)", id, partnerId, mode,
                currency.getCurrencyCode(), first, now);
        return new Meter(id, partnerId, mode, currency, 0, 0, 0, first, 0, null);
    }


    /**
     * Loads {@code amount} onto the meter: a FUNDING entry, descending register up.
     *
     * @throws InvalidRequestException if the amount is not positive, in another currency, or would
     *                                 overflow the registers
     * @throws NotFoundException       if there is no such meter
     */
    public JournalEntry fund(long meterId, Money amount, String reference) {
        return db.transaction("fund meter", c -> fund(c, meterId, amount, reference));
    }

    /** {@link #fund(long, Money, String)} in the caller's transaction. */
    public JournalEntry fund(Connection c, long meterId, Money amount, String reference) throws SQLException {
        if (!amount.isPositive()) {
            throw new InvalidRequestException("amount must be positive, was " + amount);
        }
        Instant now = Time.now(clock);
        Meter m = lock(c, meterId);
        requireCurrency(m, amount.currency());
        requireCapacity(m, amount.minorUnits());
        long descending = m.descending + amount.minorUnits();
        MeterJournal journal = new MeterJournal(m);
        long entryId = journal.appendOne(c, JournalKind.FUNDING, amount.minorUnits(), m.ascending, descending,
                null, null, null, null, reference, now);
        updateRegisters(c, meterId, m.ascending, descending, m.lastSerial, journal);
        return new JournalEntry(entryId, meterId, JournalKind.FUNDING, amount, m.ascending, descending, null, null,
                reference, now);
    }

    // ---------------------------------------------------------------- purchases

    /**
     * Debits a purchase and records its indicia inside the caller's transaction: for a card
     * purchase first a FUNDING entry of the total, then for each item the next serial, a DEBIT
     * entry and the indicium's data, carrying the registers after its own debit and naming the
     * active key of the purchase's mode. Nothing is signed here: once this transaction commits,
     * each serial belongs to its recorded data for ever, and {@link Signatures} signs the data
     * outside the meter's lock. So no serial is ever signed over and then given to another piece.
     *
     * @throws InsufficientFundsException if the meter's descending register cannot cover the total
     */
    public Issued debit(Connection c, IssueCommand cmd) throws SQLException {
        Instant now = Time.now(clock);
        Currency currency = cmd.items.get(0).price().currency();
        long total = 0;
        for (PurchaseItem item : cmd.items) {
            total = Math.addExact(total, item.price().minorUnits());
        }
        String purchaseId = cmd.purchaseId;
        String reference = cmd.card != null ? cmd.card.gatewayReference : purchaseId;
        // Reading the active key does not depend on the registers: it happens before the meter is
        // locked, so that the lock (which serializes every purchase on the meter) is held briefly.
        // Rows that reference the meter are inserted only after the lock: on PostgreSQL their
        // foreign-key check takes a KEY SHARE lock on the meter, which would deadlock against
        // another purchase's FOR UPDATE.
        SigningKeys.ActiveKey key = keys.active(c, cmd.mode);
        Meter m = lock(c, cmd.meterId);
        if (!m.partnerId.equals(cmd.partnerId) || m.mode != cmd.mode) {
            throw new IllegalStateException("meter " + m.meterId + " does not belong to the caller");
        }
        requireCurrency(m, currency);
        long ascending = m.ascending;
        long descending = m.descending;
        MeterJournal journal = new MeterJournal(m);
        if (cmd.card != null) {
            requireCapacity(m, total);
            descending += total;
            journal.append(JournalKind.FUNDING, total, ascending, descending, purchaseId, null,
                    cmd.card.paymentId, null, cmd.card.gatewayReference, now);
        }
        if (descending < total) {
            throw new InsufficientFundsException("meter " + m.meterId + " has " + new Money(descending, currency)
                    + " left; the purchase needs " + new Money(total, currency));
        }
        if (m.lastSerial + cmd.items.size() > IndiciumData.MAX_UINT32) {
            throw new InvalidRequestException("meter " + m.meterId + " has no piece serials left; use another meter");
        }
        Sql.update(c, "INSERT INTO purchases (purchase_id, partner_id, meter_id, mode, currency, total, item_count,"
                        + " payment_kind, payment_id, payment_reference, card_brand, card_last4, issued_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                purchaseId, cmd.partnerId, cmd.meterId, cmd.mode, currency.getCurrencyCode(), total, cmd.items.size(),
                cmd.card != null ? PaymentKind.CARD : PaymentKind.ACCOUNT,
                cmd.card != null ? cmd.card.paymentId : null, reference,
                cmd.card != null ? cmd.card.brand : null, cmd.card != null ? cmd.card.last4 : null, now);

        List<IssuedIndicium> issued = new ArrayList<>(cmd.items.size());
        long serial = m.lastSerial;
        try (PreparedStatement indicia = c.prepareStatement("INSERT INTO indicia (indicium_id, purchase_id, item_index,"
                + " meter_id, serial, postage, ascending_after, descending_after, key_id, test_mode, payload, issued_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (int i = 0; i < cmd.items.size(); i++) {
                PurchaseItem item = cmd.items.get(i);
                long postage = item.price().minorUnits();
                serial++;
                ascending += postage;
                descending -= postage;
                IndiciumData data = IndiciumData.builder()
                        .algorithm(key.algorithm()).keyId(key.keyId()).vendorId(vendorId).meterId(m.meterId)
                        .pieceSerial(serial).ascendingRegister(ascending).descendingRegister(descending)
                        .postage(item.price()).dateOfMailing(item.dateOfMailing()).origin(item.piece().origin())
                        .destination(item.piece().destination()).mailClass(item.piece().mailClass())
                        .softwareId(softwareId).testMode(cmd.mode == Mode.TEST).build();
                String indiciumId = Ids.newId("ind");
                Sql.bind(indicia, indiciumId, purchaseId, i, m.meterId, serial, postage, ascending, descending,
                        key.keyId(), cmd.mode == Mode.TEST, IndiciumCodec.encodePayload(data), now);
                indicia.addBatch();
                journal.append(JournalKind.DEBIT, postage, ascending, descending, purchaseId, indiciumId,
                        null, null, null, now);
                issued.add(new IssuedIndicium(indiciumId, data, null));
            }
            indicia.executeBatch();
        }
        journal.write(c);
        updateRegisters(c, m.meterId, ascending, descending, serial, journal);
        Money totalMoney = new Money(total, currency);
        PaymentSummary payment = cmd.card != null
                ? new PaymentSummary(PaymentKind.CARD, totalMoney, cmd.card.brand, cmd.card.last4, reference)
                : new PaymentSummary(PaymentKind.ACCOUNT, totalMoney, null, null, reference);
        return new Issued(purchaseId, m.meterId, cmd.mode, List.copyOf(issued), totalMoney, payment, now);
    }

    /**
     * What {@link #debitAccounts} made of one command: the purchase it recorded, or the final
     * failure (insufficient funds, no serials left) that left its meter untouched.
     */
    public record Debited(IssueCommand command, Issued issued, PostageException failure) {
    }

    /**
     * Debits several purchases paid from the account inside the caller's transaction, as
     * {@link #debit} would one after the other, but with one lock, one register update and batched
     * inserts per meter: the meters are locked in ascending id order (so two such transactions
     * never deadlock, and a single purchase, which locks one meter, neither), then each meter's
     * commands are debited in the given order. A command its meter cannot pay (insufficient funds,
     * no serials left) fails on its own, before any row of it is written, and the others go on.
     * Nothing is signed here (see {@link #debit}).
     *
     * @param commands account purchases ({@code card == null}), each of {@code partnerId}'s own meters
     * @return one {@link Debited} per command, in the order given
     */
    public List<Debited> debitAccounts(Connection c, List<IssueCommand> commands) throws SQLException {
        Instant now = Time.now(clock);
        java.util.Map<Mode, SigningKeys.ActiveKey> activeKeys = new java.util.EnumMap<>(Mode.class);
        for (IssueCommand cmd : commands) {
            if (cmd.card != null) {
                throw new IllegalArgumentException("debitAccounts takes account purchases only");
            }
            if (!activeKeys.containsKey(cmd.mode)) {
                activeKeys.put(cmd.mode, keys.active(c, cmd.mode)); // before any lock, as in debit
            }
        }
        java.util.SortedMap<Long, List<Integer>> byMeter = new java.util.TreeMap<>();
        for (int i = 0; i < commands.size(); i++) {
            byMeter.computeIfAbsent(commands.get(i).meterId, k -> new ArrayList<>()).add(i);
        }
        Debited[] result = new Debited[commands.size()];
        try (PreparedStatement purchases = c.prepareStatement("INSERT INTO purchases (purchase_id, partner_id, meter_id,"
                + " mode, currency, total, item_count, payment_kind, payment_id, payment_reference, card_brand, card_last4,"
                + " issued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, NULL, NULL, ?)");
             PreparedStatement indicia = c.prepareStatement("INSERT INTO indicia (indicium_id, purchase_id, item_index,"
                + " meter_id, serial, postage, ascending_after, descending_after, key_id, test_mode, payload, issued_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (java.util.Map.Entry<Long, List<Integer>> group : byMeter.entrySet()) {
                Meter m = lock(c, group.getKey());
                long ascending = m.ascending;
                long descending = m.descending;
                long serial = m.lastSerial;
                MeterJournal journal = new MeterJournal(m);
                boolean any = false;
                for (int index : group.getValue()) {
                    IssueCommand cmd = commands.get(index);
                    if (!m.partnerId.equals(cmd.partnerId) || m.mode != cmd.mode) {
                        throw new IllegalStateException("meter " + m.meterId + " does not belong to the caller");
                    }
                    Currency currency = cmd.items.get(0).price().currency();
                    long total = 0;
                    for (PurchaseItem item : cmd.items) {
                        total = Math.addExact(total, item.price().minorUnits());
                    }
                    PostageException refused = null;
                    if (!m.currency.equals(currency)) {
                        refused = new InvalidRequestException("meter " + m.meterId + " keeps "
                                + m.currency.getCurrencyCode() + "; the amount is in " + currency.getCurrencyCode());
                    } else if (descending < total) {
                        refused = new InsufficientFundsException("meter " + m.meterId + " has "
                                + new Money(descending, currency) + " left; the purchase needs " + new Money(total, currency));
                    } else if (serial + cmd.items.size() > IndiciumData.MAX_UINT32) {
                        refused = new InvalidRequestException("meter " + m.meterId
                                + " has no piece serials left; use another meter");
                    }
                    if (refused != null) {
                        result[index] = new Debited(cmd, null, refused);
                        continue;
                    }
                    any = true;
                    Sql.bind(purchases, cmd.purchaseId, cmd.partnerId, cmd.meterId, cmd.mode, currency.getCurrencyCode(),
                            total, cmd.items.size(), PaymentKind.ACCOUNT, cmd.purchaseId, now);
                    purchases.addBatch();
                    SigningKeys.ActiveKey key = activeKeys.get(cmd.mode);
                    List<IssuedIndicium> issued = new ArrayList<>(cmd.items.size());
                    for (int i = 0; i < cmd.items.size(); i++) {
                        PurchaseItem item = cmd.items.get(i);
                        long postage = item.price().minorUnits();
                        serial++;
                        ascending += postage;
                        descending -= postage;
                        IndiciumData data = indiciumData(key, m.meterId, serial, ascending, descending, item, cmd.mode);
                        String indiciumId = Ids.newId("ind");
                        Sql.bind(indicia, indiciumId, cmd.purchaseId, i, m.meterId, serial, postage, ascending,
                                descending, key.keyId(), cmd.mode == Mode.TEST, IndiciumCodec.encodePayload(data), now);
                        indicia.addBatch();
                        journal.append(JournalKind.DEBIT, postage, ascending, descending, cmd.purchaseId, indiciumId,
                                null, null, null, now);
                        issued.add(new IssuedIndicium(indiciumId, data, null));
                    }
                    Money totalMoney = new Money(total, currency);
                    result[index] = new Debited(cmd, new Issued(cmd.purchaseId, m.meterId, cmd.mode, List.copyOf(issued),
                            totalMoney, new PaymentSummary(PaymentKind.ACCOUNT, totalMoney, null, null, cmd.purchaseId),
                            now), null);
                }
                if (any) {
                    // Purchases first, then their indicia, then the journal entries naming both.
                    purchases.executeBatch();
                    indicia.executeBatch();
                    journal.write(c);
                    updateRegisters(c, m.meterId, ascending, descending, serial, journal);
                }
            }
        }
        return List.of(result);
    }

    private IndiciumData indiciumData(SigningKeys.ActiveKey key, long meterId, long serial, long ascending,
                                      long descending, PurchaseItem item, Mode mode) {
        return IndiciumData.builder()
                .algorithm(key.algorithm()).keyId(key.keyId()).vendorId(vendorId).meterId(meterId)
                .pieceSerial(serial).ascendingRegister(ascending).descendingRegister(descending)
                .postage(item.price()).dateOfMailing(item.dateOfMailing()).origin(item.piece().origin())
                .destination(item.piece().destination()).mailClass(item.piece().mailClass())
                .softwareId(softwareId).testMode(mode == Mode.TEST).build();
    }

    /** A committed purchase, read back exactly as issued (for replays). */
    public Optional<Issued> loadPurchase(String purchaseId) {
        return db.read("read purchase", c -> {
            Optional<Issued> head = Sql.one(c, "SELECT purchase_id, meter_id, mode, currency, total, payment_kind,"
                    + " payment_reference, card_brand, card_last4, issued_at FROM purchases WHERE purchase_id = ?", rs -> {
                        Money total = Money.of(rs.getLong("total"), rs.getString("currency").strip());
                        PaymentKind kind = PaymentKind.valueOf(rs.getString("payment_kind"));
                        String brand = rs.getString("card_brand");
                        String last4 = rs.getString("card_last4");
                        PaymentSummary payment = new PaymentSummary(kind, total, brand == null ? null : CardBrand.valueOf(brand),
                                last4 == null ? null : last4.strip(), rs.getString("payment_reference"));
                        return new Issued(rs.getString("purchase_id"), rs.getLong("meter_id"),
                                Mode.valueOf(rs.getString("mode")), List.of(), total, payment, Sql.instant(rs, "issued_at"));
                    }, purchaseId);
            if (head.isEmpty()) {
                return Optional.empty();
            }
            List<IssuedIndicium> indicia = Sql.list(c, "SELECT indicium_id, payload, data FROM indicia"
                            + " WHERE purchase_id = ? ORDER BY item_index", rs -> {
                        byte[] data = rs.getBytes("data");
                        SignedIndicium signed = data == null ? null : IndiciumCodec.decode(data);
                        return new IssuedIndicium(rs.getString("indicium_id"), signed != null ? signed.data()
                                : IndiciumCodec.decodePayload(rs.getBytes("payload")), signed);
                    }, purchaseId);
            Issued h = head.get();
            return Optional.of(new Issued(h.purchaseId, h.meterId, h.mode, indicia, h.total, h.payment, h.issuedAt));
        });
    }

    // ------------------------------------------------------------------ refunds

    /**
     * Refunds an unused indicium inside the caller's transaction: a REFUND entry credits the meter;
     * for a card purchase a REVERSAL entry then takes the amount off the meter again, to be paid
     * back to the card (the refund row's gateway state is {@code PENDING} until the gateway has).
     *
     * @throws NotFoundException         if the partner has no such indicium
     * @throws PermissionDeniedException if it was issued in the other mode
     * @throws RefundNotAllowedException if it was refunded before, is past the window, or was scanned
     */
    public Refunded refund(Connection c, String partnerId, Mode mode, String indiciumId, Duration window,
                           boolean rejectScanned) throws SQLException {
        Instant now = Time.now(clock);
        record Target(long meterId, String partnerId, Mode mode, PaymentKind kind, String paymentId,
                      String gatewayReference) {
        }
        Target t = Sql.one(c, "SELECT i.meter_id, p.partner_id, p.mode, p.payment_kind, p.payment_id, p.payment_reference"
                        + " FROM indicia i JOIN purchases p ON p.purchase_id = i.purchase_id WHERE i.indicium_id = ?",
                rs -> new Target(rs.getLong(1), rs.getString(2), Mode.valueOf(rs.getString(3)),
                        PaymentKind.valueOf(rs.getString(4)), rs.getString(5), rs.getString(6)), indiciumId)
                .filter(x -> x.partnerId.equals(partnerId))
                .orElseThrow(() -> new NotFoundException("no indicium '" + indiciumId + "' was issued to this partner"));
        if (t.mode != mode) {
            throw new PermissionDeniedException("indicium '" + indiciumId + "' was issued in " + t.mode
                    + " mode; a " + mode + " key cannot refund it");
        }
        Meter m = lock(c, t.meterId);
        record Piece(long postage, Instant issuedAt, String refundId, Instant refundedAt, int scans, Instant firstScan) {
        }
        Piece p = Sql.one(c, "SELECT postage, issued_at, refund_id, refunded_at, scan_count, first_scanned_at FROM indicia"
                        + " WHERE indicium_id = ? FOR UPDATE",
                rs -> new Piece(rs.getLong(1), Sql.instant(rs, "issued_at"), rs.getString(3), Sql.instant(rs, "refunded_at"),
                        rs.getInt(5), Sql.instant(rs, "first_scanned_at")), indiciumId).orElseThrow();
        if (p.refundedAt != null) {
            throw new RefundNotAllowedException("indicium '" + indiciumId + "' was already refunded on " + p.refundedAt
                    + " (refund " + p.refundId + "); an indicium is refunded at most once");
        }
        Instant windowEnd = p.issuedAt.plus(window);
        if (now.isAfter(windowEnd)) {
            throw new RefundNotAllowedException("indicium '" + indiciumId + "' is past its refund window: issued "
                    + p.issuedAt + ", refundable for " + window.toDays() + " days, until " + windowEnd);
        }
        if (rejectScanned && p.scans > 0) {
            throw new RefundNotAllowedException("indicium '" + indiciumId + "' was scanned in the mail stream on "
                    + p.firstScan + ": used postage cannot be refunded");
        }
        String refundId = Ids.newId("ref");
        long descending = m.descending + p.postage;
        MeterJournal journal = new MeterJournal(m);
        journal.append(JournalKind.REFUND, p.postage, m.ascending, descending, null, indiciumId, null, refundId,
                null, now);
        boolean card = t.kind == PaymentKind.CARD;
        if (card) {
            descending -= p.postage;
            journal.append(JournalKind.REVERSAL, p.postage, m.ascending, descending, null, indiciumId,
                    t.paymentId, refundId, t.gatewayReference, now);
        }
        journal.write(c);
        Sql.update(c, "INSERT INTO refunds (refund_id, indicium_id, partner_id, meter_id, amount, currency, credited_to,"
                        + " payment_id, gateway_state, gateway_reference, refunded_at, updated_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                refundId, indiciumId, partnerId, m.meterId, p.postage, m.currency.getCurrencyCode(), t.kind,
                card ? t.paymentId : null, card ? "PENDING" : null, card ? t.gatewayReference : null, now, now);
        Sql.update(c, "UPDATE indicia SET refund_id = ?, refunded_at = ? WHERE indicium_id = ?", refundId, now, indiciumId);
        updateRegisters(c, m.meterId, m.ascending, descending, m.lastSerial, journal);
        return new Refunded(refundId, indiciumId, m.meterId, new Money(p.postage, m.currency), t.kind, now,
                card ? t.paymentId : null, card ? t.gatewayReference : null);
    }

    /** A committed refund, for replays. */
    public Optional<Refunded> loadRefund(String refundId) {
        return db.read("read refund", c -> Sql.one(c, "SELECT refund_id, indicium_id, meter_id, amount, currency,"
                + " credited_to, refunded_at, payment_id, gateway_reference FROM refunds WHERE refund_id = ?",
                rs -> new Refunded(rs.getString(1), rs.getString(2), rs.getLong(3),
                        Money.of(rs.getLong(4), rs.getString(5).strip()), PaymentKind.valueOf(rs.getString(6)),
                        Sql.instant(rs, "refunded_at"), rs.getString(8), rs.getString(9)), refundId));
    }

    // ------------------------------------------------------------------ journal

    /** Card refunds the gateway refused to pay back (gateway state FAILED), oldest first. */
    public List<FailedCardRefund> failedCardRefunds() {
        return db.read("list failed card refunds", c -> Sql.list(c, "SELECT refund_id, indicium_id, partner_id,"
                        + " payment_id, gateway_reference, amount, currency, refunded_at, updated_at FROM refunds"
                        + " WHERE gateway_state = 'FAILED' ORDER BY refunded_at, refund_id",
                rs -> new FailedCardRefund(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), Money.of(rs.getLong(6), rs.getString(7).strip()),
                        Sql.instant(rs, "refunded_at"), Sql.instant(rs, "updated_at"))));
    }

    /**
     * Puts a refused card refund back in the queue the reconciler pays out (gateway state PENDING).
     * The gateway refund is idempotent by the refund id, so the card is paid back at most once.
     *
     * @throws NotFoundException if there is no refused card refund {@code refundId}
     */
    public void retryCardRefund(Connection c, String refundId) throws SQLException {
        Instant now = Time.now(clock);
        int n = Sql.update(c, "UPDATE refunds SET gateway_state = 'PENDING', updated_at = ? WHERE refund_id = ?"
                + " AND gateway_state = 'FAILED'", now, refundId);
        if (n == 0) {
            throw new NotFoundException("there is no refused card refund '" + refundId + "'");
        }
    }

    /** Up to {@code limit} journal entries of {@code meterId} after entry {@code afterEntryId}, oldest first. */
    public List<JournalEntry> journal(long meterId, long afterEntryId, int limit) {
        return db.read("read journal", c -> {
            Currency currency = lockless(c, meterId).currency;
            return Sql.list(c, "SELECT entry_id, meter_id, kind, amount, ascending_after, descending_after, purchase_id,"
                            + " indicium_id, payment_id, refund_id, reference, created_at FROM journal"
                            + " WHERE meter_id = ? AND entry_id > ? ORDER BY entry_id FETCH FIRST " + limit + " ROWS ONLY",
                    rs -> {
                        String reference = rs.getString("reference");
                        if (reference == null) {
                            reference = rs.getString("refund_id") != null ? rs.getString("refund_id") : rs.getString("payment_id");
                        }
                        return new JournalEntry(rs.getLong("entry_id"), rs.getLong("meter_id"),
                                JournalKind.valueOf(rs.getString("kind")), new Money(rs.getLong("amount"), currency),
                                rs.getLong("ascending_after"), rs.getLong("descending_after"), rs.getString("purchase_id"),
                                rs.getString("indicium_id"), reference, Sql.instant(rs, "created_at"));
                    }, meterId, afterEntryId);
        });
    }

    /**
     * Checks every meter: ascending = sum of DEBITs; ascending + descending = FUNDING + REFUND -
     * REVERSAL; no register negative; the last journal entry shows the current registers; one
     * DEBIT per indicium; the indicia's values sum to the ascending register; serials 1 to the last
     * serial, each once.
     */
    public List<MeterAudit> audit() {
        List<Long> meterIds = db.read("list meters", c -> Sql.list(c, "SELECT meter_id FROM meters ORDER BY meter_id",
                rs -> rs.getLong(1)));
        List<MeterAudit> result = new ArrayList<>();
        for (long meterId : meterIds) {
            // One transaction per meter, holding the meter's lock as every movement does: the registers
            // and the sums are then read at one point in the meter's history, however busy it is.
            MeterAudit a = db.transaction("audit meter", c -> {
                Optional<Meter> m = Sql.one(c, "SELECT " + METER_COLUMNS + " FROM meters WHERE meter_id = ? FOR UPDATE",
                        Meter::of, meterId);
                return m.isPresent() ? audit(c, m.get()) : null;
            });
            if (a != null) {
                result.add(a);
            }
        }
        return result;
    }

    private static MeterAudit audit(Connection c, Meter m) throws SQLException {
        List<String> problems = new ArrayList<>();
        long id = m.meterId;
        long debits = sum(c, id, JournalKind.DEBIT);
        long credits = sum(c, id, JournalKind.FUNDING) + sum(c, id, JournalKind.REFUND) - sum(c, id, JournalKind.REVERSAL);
        long debitCount = Sql.number(c, "SELECT COUNT(*) FROM journal WHERE meter_id = ? AND kind = 'DEBIT'", id);
        long indicia = Sql.number(c, "SELECT COUNT(*) FROM indicia WHERE meter_id = ?", id);
        long indiciaValue = Sql.number(c, "SELECT SUM(postage) FROM indicia WHERE meter_id = ?", id);
        long distinctSerials = Sql.number(c, "SELECT COUNT(DISTINCT serial) FROM indicia WHERE meter_id = ?", id);
        long minSerial = Sql.number(c, "SELECT MIN(serial) FROM indicia WHERE meter_id = ?", id);
        long maxSerial = Sql.number(c, "SELECT MAX(serial) FROM indicia WHERE meter_id = ?", id);
        check(problems, m.ascending >= 0 && m.descending >= 0, "a register is negative");
        check(problems, m.ascending == debits, "ascending " + m.ascending + " != sum of DEBIT entries " + debits);
        check(problems, m.ascending + m.descending == credits, "ascending + descending " + (m.ascending + m.descending)
                + " != FUNDING + REFUND - REVERSAL " + credits);
        check(problems, debitCount == indicia, debitCount + " DEBIT entries but " + indicia + " indicia");
        check(problems, indiciaValue == m.ascending, "indicia are worth " + indiciaValue + " but ascending is " + m.ascending);
        check(problems, distinctSerials == indicia && indicia == m.lastSerial
                        && (indicia == 0 || (minSerial == 1 && maxSerial == m.lastSerial)),
                "serials are not exactly 1.." + m.lastSerial + " (" + indicia + " indicia, " + distinctSerials
                        + " distinct, from " + minSerial + " to " + maxSerial + ")");
        Optional<long[]> last = Sql.one(c, "SELECT ascending_after, descending_after FROM journal WHERE meter_id = ?"
                + " ORDER BY entry_id DESC FETCH FIRST 1 ROWS ONLY", rs -> new long[] {rs.getLong(1), rs.getLong(2)}, id);
        last.ifPresent(l -> check(problems, l[0] == m.ascending && l[1] == m.descending,
                "the last journal entry shows " + l[0] + "/" + l[1] + " but the meter holds " + m.ascending + "/" + m.descending));
        return new MeterAudit(id, m.ascending, m.descending, m.lastSerial, problems);
    }

    private static long sum(Connection c, long meterId, JournalKind kind) throws SQLException {
        return Sql.number(c, "SELECT SUM(amount) FROM journal WHERE meter_id = ? AND kind = ?", meterId, kind);
    }

    private static void check(List<String> problems, boolean ok, String problem) {
        if (!ok) {
            problems.add(problem);
        }
    }

    // ------------------------------------------------------------------ helpers


    private static Meter lock(Connection c, long meterId) throws SQLException {
        return Sql.one(c, "SELECT " + METER_COLUMNS + " FROM meters WHERE meter_id = ? FOR UPDATE", Meter::of, meterId)
                .orElseThrow(() -> new NotFoundException("meter " + meterId + " does not exist"));
    }

    private static Meter lockless(Connection c, long meterId) throws SQLException {
        return Sql.one(c, "SELECT " + METER_COLUMNS + " FROM meters WHERE meter_id = ?", Meter::of, meterId)
                .orElseThrow(() -> new NotFoundException("meter " + meterId + " does not exist"));
    }

    /** Stores the registers and the head of the journal's chain after {@code journal}'s entries. */
    private static void updateRegisters(Connection c, long meterId, long ascending, long descending, long lastSerial,
                                        MeterJournal journal) throws SQLException {
        Sql.update(c, "UPDATE meters SET ascending = ?, descending = ?, last_serial = ?, journal_seq = ?,"
                + " journal_head = ? WHERE meter_id = ?", ascending, descending, lastSerial, journal.seq(),
                journal.head(), meterId);
    }

    private static void requireCurrency(Meter m, Currency currency) {
        if (!m.currency.equals(currency)) {
            throw new InvalidRequestException("meter " + m.meterId + " keeps " + m.currency.getCurrencyCode()
                    + "; the amount is in " + currency.getCurrencyCode());
        }
    }

    private static void requireCapacity(Meter m, long amount) {
        if (m.ascending + m.descending + amount > IndiciumData.MAX_REGISTER) {
            throw new InvalidRequestException("meter " + m.meterId + " cannot take " + new Money(amount, m.currency)
                    + " more: its registers would exceed their 48-bit capacity");
        }
    }
}
