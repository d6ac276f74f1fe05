package org.openpostage.server;

import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import org.openpostage.api.error.NotFoundException;
import org.openpostage.api.indicium.SignatureAlgorithm;
import org.openpostage.api.indicium.VerificationKey;
import org.openpostage.api.model.BackgroundImage;
import org.openpostage.api.model.MeterStatement;
import org.openpostage.api.value.Bytes;
import org.openpostage.api.value.Mode;
import org.openpostage.api.value.Money;
import org.openpostage.server.config.ServerConfig;
import org.openpostage.server.internal.auth.OperatorStore;
import org.openpostage.server.internal.auth.PartnerStore;
import org.openpostage.server.internal.backgrounds.BackgroundStore;
import org.openpostage.server.internal.db.Database;
import org.openpostage.server.internal.journal.Checkpoints;
import org.openpostage.server.internal.journal.JournalAudit;
import org.openpostage.server.internal.journal.OperatorJournal;
import org.openpostage.server.internal.ledger.Ledger;
import org.openpostage.server.internal.rates.RateBook;
import org.openpostage.server.internal.rates.RateSource;
import org.openpostage.server.internal.rates.RateTable;
import org.openpostage.server.internal.signing.SigningKeys;
import org.openpostage.server.internal.util.Time;
import org.openpostage.server.model.ApiKeyInfo;
import org.openpostage.server.model.BackgroundEntry;
import org.openpostage.server.model.FailedCardRefund;
import org.openpostage.server.model.IssuedApiKey;
import org.openpostage.server.model.JournalAuditReport;
import org.openpostage.server.model.JournalEntry;
import org.openpostage.server.model.MeterAudit;
import org.openpostage.server.model.MeterInfo;
import org.openpostage.server.model.OperatorAccount;
import org.openpostage.server.model.OperatorAction;
import org.openpostage.server.model.OperatorJournalEntry;
import org.openpostage.server.model.PartnerInfo;
import org.openpostage.server.model.RateTableInfo;
import org.openpostage.server.model.SigningKeyInfo;
import org.openpostage.server.spi.StampImaging;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The postal operator's administration of a {@link PostalCore}: partners and their API keys,
 * meters and their funding, the journal, the signing keys (the key ceremony), the operator
 * journal and its audit, the background catalogue, the rate tables and the operator accounts of the
 * admin console. Every change is journaled in the operator journal, in the change's own
 * transaction, with the name of the operator it acts as ({@link #as(String)}).
 * Obtain it from {@link PostalCore#admin()}. Every change is stored in the ledger database and
 * seen by every node at once. Thread-safe.
 */
public final class PostalAdmin {
    private static final Logger log = LoggerFactory.getLogger(PostalAdmin.class);

    private final PartnerStore partners;
    private final Ledger ledger;
    private final SigningKeys signingKeys;
    private final BackgroundStore backgrounds;
    private final ServerConfig config;
    private final StampImaging imaging;
    private final OperatorJournal operatorJournal;
    private final Checkpoints checkpoints;
    private final JournalAudit journalAudit;
    private final Database db;
    private final Clock clock;
    private final OperatorStore operators;
    private final RateSource rates;
    private final String operator;

    PostalAdmin(PartnerStore partners, Ledger ledger, SigningKeys signingKeys, BackgroundStore backgrounds,
                ServerConfig config, StampImaging imaging, OperatorJournal operatorJournal, Checkpoints checkpoints,
                JournalAudit journalAudit, Database db, Clock clock, OperatorStore operators, RateSource rates,
                String operator) {
        this.partners = partners;
        this.ledger = ledger;
        this.signingKeys = signingKeys;
        this.backgrounds = backgrounds;
        this.config = config;
        this.imaging = imaging;
        this.operatorJournal = operatorJournal;
        this.checkpoints = checkpoints;
        this.journalAudit = journalAudit;
        this.db = db;
        this.clock = clock;
        this.operators = operators;
        this.rates = rates;
        this.operator = operator;
    }

    /**
     * This administration acting as {@code operatorName}: the operator journal records that name for
     * every change it makes (without it, the server's own name).
     *
     * @throws org.openpostage.api.error.InvalidRequestException if the name is blank or longer than 200 characters
     */
    public PostalAdmin as(String operatorName) {
        if (operatorName == null || operatorName.isBlank() || operatorName.length() > 200) {
            throw new org.openpostage.api.error.InvalidRequestException("an operator's name is 1 to 200 characters");
        }
        return new PostalAdmin(partners, ledger, signingKeys, backgrounds, config, imaging, operatorJournal,
                checkpoints, journalAudit, db, clock, operators, rates, operatorName.strip());
    }

    /** The operator this administration acts as: the name the operator journal records. */
    public String operator() {
        return operator;
    }

    /**
     * Registers a partner (a portal).
     *
     * @param partnerId   1 to 64 letters, digits, '.', '_', ':' or '-'
     * @param displayName a name to show, 1 to 200 characters
     * @throws org.openpostage.api.error.InvalidRequestException if the id is malformed or taken
     */
    public void createPartner(String partnerId, String displayName) {
        journaled("create partner", OperatorAction.PARTNER_CREATED, "partner " + partnerId, c -> {
            partners.createPartner(c, partnerId, displayName);
            return new Journaled<>(null, "'" + displayName + "'");
        });
        log.info("partner {} created by {}", partnerId, operator);
    }

    /** Every partner, by id, with how many active API keys and meters it has. */
    public List<PartnerInfo> listPartners() {
        return partners.partners();
    }

    /** Whether partner {@code partnerId} exists. */
    public boolean partnerExists(String partnerId) {
        return partners.exists(partnerId);
    }

    /** Every partner id, sorted. */
    public List<String> partners() {
        return partners.partnerIds();
    }

    /**
     * Issues an API key for the partner; its plaintext is in the result and nowhere else. A partner
     * may hold several keys at once, to rotate them without downtime.
     *
     * @throws NotFoundException if there is no such partner
     */
    public IssuedApiKey issueApiKey(String partnerId, Mode mode) {
        return issueApiKey(partnerId, mode, false);
    }

    /**
     * Issues an API key, like {@link #issueApiKey(String, Mode)}, that may also record scans: a
     * {@code verify} with a <em>scanner</em> key counts as a scan of the piece in the mail stream
     * (a second one reports {@code DUPLICATE}, and a scanned piece can no longer be refunded).
     * Give scanner keys to mail processing only. A verify with any other key, or of an indicium of
     * the other mode, checks the piece and records nothing.
     *
     * @param scanner whether the key records scans
     * @throws NotFoundException if there is no such partner
     */
    public IssuedApiKey issueApiKey(String partnerId, Mode mode, boolean scanner) {
        IssuedApiKey key = journaled("issue API key", OperatorAction.API_KEY_ISSUED, "partner " + partnerId, c -> {
            IssuedApiKey k = partners.issueKey(c, partnerId, mode, scanner);
            return new Journaled<>(k, "key " + k.keyId() + ", " + mode + (scanner ? ", scanner" : ""));
        });
        log.info("API key {} ({}{}) issued to partner {} by {}", key.keyId(), mode, scanner ? ", scanner" : "",
                partnerId, operator);
        return key;
    }

    /**
     * Revokes the API key with public id {@code keyId}.
     *
     * @throws NotFoundException if there is no such key
     */
    public void revokeApiKey(String keyId) {
        journaled("revoke API key", OperatorAction.API_KEY_REVOKED, "API key " + keyId, c -> {
            PartnerStore.KeyInfo k = partners.revokeKey(c, keyId);
            return new Journaled<>(null, "of partner " + k.partnerId() + ", " + k.mode());
        });
        log.info("API key {} revoked by {}", keyId, operator);
    }

    /** The partner's API keys, newest first; never their secrets. */
    public List<ApiKeyInfo> apiKeys(String partnerId) {
        return partners.keys(partnerId).stream()
                .map(k -> new ApiKeyInfo(k.keyId(), k.partnerId(), k.mode(), k.scanner(), k.createdAt(), k.revokedAt()))
                .toList();
    }

    /**
     * Creates an empty meter for the partner. Its first meter of a mode becomes its default meter
     * for purchases that name none.
     *
     * @throws NotFoundException if there is no such partner
     */
    public MeterStatement createMeter(String partnerId, Mode mode, Currency currency) {
        if (!partners.exists(partnerId)) {
            throw new NotFoundException("partner '" + partnerId + "' does not exist");
        }
        for (int attempt = 1; ; attempt++) {
            try {
                Ledger.Meter m = journaled("create meter", OperatorAction.METER_CREATED, "partner " + partnerId, c -> {
                    Ledger.Meter created = ledger.createMeter(c, partnerId, mode, currency);
                    return new Journaled<>(created, "meter " + created.meterId() + ", " + mode + ", "
                            + currency.getCurrencyCode() + (created.isDefault() ? ", its default" : ""));
                });
                log.info("meter {} ({}, {}) created for partner {} by {}", m.meterId(), mode, currency, partnerId,
                        operator);
                return statement(m);
            } catch (org.openpostage.server.internal.db.DataAccessException e) {
                // Two nodes picked the same meter id at once: the loser tries again with the next one.
                if (!org.openpostage.server.internal.db.Sql.UNIQUE_VIOLATION.equals(e.sqlState()) || attempt >= 10) {
                    throw e;
                }
            }
        }
    }

    /** The currency of the rate table in force today: the currency new meters keep. */
    public java.util.Currency currency() {
        return rates.book().tableFor(LocalDate.ofInstant(clock.instant(), config.zone())).currency();
    }

    /** Every meter of every partner, by id. */
    public List<MeterInfo> allMeters() {
        return ledger.allMeters().stream().map(m -> new MeterInfo(m.partnerId(), m.isDefault(), statement(m))).toList();
    }

    /**
     * Meter {@code meterId} with its owner.
     *
     * @throws NotFoundException if there is no such meter
     */
    public MeterInfo meter(long meterId) {
        Ledger.Meter m = ledger.meter(meterId).orElseThrow(() -> new NotFoundException("meter " + meterId
                + " does not exist"));
        return new MeterInfo(m.partnerId(), m.isDefault(), statement(m));
    }

    /** Every meter of the partner, in both modes. */
    public List<MeterStatement> meters(String partnerId) {
        return ledger.meters(partnerId, null).stream().map(PostalAdmin::statement).toList();
    }

    /**
     * Loads money onto a meter: a FUNDING journal entry raising its descending register.
     *
     * @param reference the operator's reference for the top-up (a bank transfer id, say), or {@code null}
     * @throws NotFoundException if there is no such meter
     * @throws org.openpostage.api.error.InvalidRequestException if the amount is not positive or in another currency
     */
    public JournalEntry fundMeter(long meterId, Money amount, String reference) {
        String ref = reference == null || reference.isBlank() ? null : reference.strip();
        if (ref != null && (ref.length() > 200 || ref.chars().anyMatch(Character::isISOControl))) {
            throw new org.openpostage.api.error.InvalidRequestException("a funding's reference has at most 200 characters "
                    + "and no control characters");
        }
        JournalEntry e = journaled("fund meter", OperatorAction.METER_FUNDED, "meter " + meterId, c -> {
            JournalEntry entry = ledger.fund(c, meterId, amount, ref);
            return new Journaled<>(entry, amount + " (journal entry " + entry.entryId() + ")"
                    + (ref == null ? "" : ", reference '" + ref + "'"));
        });
        log.info("meter {} funded with {} (journal entry {}) by {}", meterId, amount, e.entryId(), operator);
        return e;
    }

    /** Up to {@code limit} journal entries of the meter after entry {@code afterEntryId} (0 for the start), oldest first. */
    public List<JournalEntry> journal(long meterId, long afterEntryId, int limit) {
        if (limit < 1 || limit > 10_000) {
            throw new org.openpostage.api.error.InvalidRequestException("limit must be between 1 and 10000, was " + limit);
        }
        return ledger.journal(meterId, afterEntryId, limit);
    }

    /**
     * Card refunds the gateway refused to pay back to the card, oldest first: the card holders are
     * owed these amounts (the meters' journals already show them refunded).
     */
    public List<FailedCardRefund> failedCardRefunds() {
        return ledger.failedCardRefunds();
    }

    /**
     * Queues a refused card refund for another payout by the reconciler (after the problem was
     * resolved with the acquirer). The gateway pays a refund id back at most once.
     *
     * @throws NotFoundException if {@code refundId} is not a refused card refund
     */
    public void retryCardRefund(String refundId) {
        journaled("retry card refund", OperatorAction.CARD_REFUND_RETRIED, "refund " + refundId, c -> {
            ledger.retryCardRefund(c, refundId);
            return new Journaled<>(null, "queued for another payout to the card");
        });
        log.info("card refund {} queued for another payout by {}", refundId, operator);
    }

    /**
     * Checks every meter's registers against its journal and its indicia (docs/ledger.md lists
     * the rules).
     */
    public List<MeterAudit> audit() {
        return ledger.audit();
    }

    // ------------------------------------------------------------------ signing keys (the key ceremony)

    /** Every signing key, live and test, with its state and whether this node's device holds it. */
    public List<SigningKeyInfo> signingKeys() {
        return signingKeys.keys();
    }

    /** A description of the signing device this node signs with (never a PIN or password). */
    public String signingDevice() {
        return signingKeys.device().description();
    }

    /**
     * Creates a key of {@code mode} in the signing device, <em>pending</em>: it signs nothing and is
     * not published until {@link #activateSigningKey activated}. The first step of a key ceremony, so
     * that the public key can be exported ({@link SigningKeyInfo#publicKey()}) and registered, say
     * with the postal authority, before it signs.
     */
    public SigningKeyInfo generateSigningKey(Mode mode, SignatureAlgorithm algorithm) {
        return signingKeys.generate(mode, algorithm, operator);
    }

    /**
     * Makes pending key {@code keyId} the active key of its mode on every node; the key that was
     * active is retired (see {@link #rotateSigningKey(Mode, SignatureAlgorithm)}).
     *
     * @throws NotFoundException if there is no such key
     * @throws org.openpostage.api.error.InvalidRequestException if it is not pending, or this node's device does not hold it
     */
    public SigningKeyInfo activateSigningKey(long keyId) {
        return signingKeys.activate(keyId, operator);
    }

    /**
     * Creates a new live signing key of {@code algorithm} and makes it the active one on every node
     * (the same as {@code rotateSigningKey(Mode.LIVE, algorithm)}).
     *
     * @return the key now active
     */
    public VerificationKey rotateSigningKey(SignatureAlgorithm algorithm) {
        SigningKeyInfo k = rotateSigningKey(Mode.LIVE, algorithm);
        return signingKeys.find(k.keyId()).orElseThrow();
    }

    /**
     * Creates a new signing key of {@code mode} and {@code algorithm} in the signing device and makes
     * it the active key of its mode on every node. The previous key is retired but stays in the
     * published key set, so its indicia keep verifying; it is published with a last date of mailing
     * (the UTC date of its retirement plus {@link ServerConfig#maxDaysAhead()} plus one day), after
     * which indicia under it are not trusted offline.
     *
     * @return the key now active
     */
    public SigningKeyInfo rotateSigningKey(Mode mode, SignatureAlgorithm algorithm) {
        return signingKeys.rotate(mode, algorithm, operator);
    }

    /**
     * Retires a pending key that will not be activated. The active key of a mode is retired by
     * rotating to a new one instead; retiring a retired key changes nothing.
     *
     * @throws NotFoundException if there is no such key
     * @throws org.openpostage.api.error.InvalidRequestException if it is the active key of its mode
     */
    public SigningKeyInfo retireSigningKey(long keyId) {
        return signingKeys.retire(keyId, operator);
    }

    /**
     * Revokes signing key {@code keyId}, for instance because its private key may have leaked:
     * from the moment this returns, every node publishes it as revoked, and verifiers checking
     * offline no longer trust anything it signed ({@code SignatureCheck.REVOKED_KEY}). This
     * server's own verification still recognizes the indicia it issued under the key from its
     * records, and answers {@code NOT_ISSUED} for anything else signed with it.
     *
     * <p>If {@code keyId} is the active key of its mode, a new key of the same algorithm becomes
     * active first, in the same transaction, so no purchase on any node starts signing with the
     * revoked key (one already signing may still commit: a genuine piece, recorded like the key's
     * earlier ones). Revoking a key that is already revoked changes nothing.
     *
     * @return the revoked key, as now published
     * @throws NotFoundException if there is no signing key {@code keyId}
     * @throws org.openpostage.api.error.InvalidRequestException if it is a pending key (retire it instead)
     */
    public VerificationKey revokeSigningKey(long keyId) {
        return signingKeys.revoke(keyId, operator);
    }

    // ------------------------------------------------------------------ the operator journal and the audit

    /** Up to {@code limit} (1 to 10,000) entries of the operator journal after entry {@code afterSeq}, oldest first. */
    public List<OperatorJournalEntry> operatorJournal(long afterSeq, int limit) {
        if (limit < 1 || limit > 10_000) {
            throw new org.openpostage.api.error.InvalidRequestException("limit must be between 1 and 10000, was " + limit);
        }
        return operatorJournal.entries(afterSeq, limit);
    }

    /** The latest {@code limit} (1 to 1,000) entries of the operator journal, newest first. */
    public List<OperatorJournalEntry> latestOperatorJournal(int limit) {
        if (limit < 1 || limit > 1_000) {
            throw new org.openpostage.api.error.InvalidRequestException("limit must be between 1 and 1000, was " + limit);
        }
        return operatorJournal.latest(limit);
    }

    /**
     * Signs a checkpoint of the journals now: the heads of every chain that grew since the last one,
     * signed by the signing device. Returns its id, or 0 if no journal grew. Nodes also do this on
     * a timer ({@link ServerConfig#checkpointInterval()}) and when they stop.
     */
    public long signJournalCheckpoint() {
        return checkpoints.sign().map(Checkpoints.Checkpoint::checkpointId).orElse(0L);
    }

    /**
     * Checks every journal's hash chain and every signed checkpoint (docs/ledger.md), and names the
     * first entry of each chain that was altered, deleted or reordered.
     */
    public JournalAuditReport auditJournal() {
        return journalAudit.run(signingKeys.keySet());
    }

    /**
     * Adds an operator image to the background catalogue, after checking that it is a PNG or JPEG
     * of at most {@link ServerConfig#maxBackgroundBytes()} bytes (and, with a renderer configured,
     * that it decodes).
     *
     * @throws org.openpostage.api.error.InvalidRequestException if the id is taken or the image unusable
     */
    public BackgroundImage addBackground(String id, String title, Bytes content) {
        BackgroundImage image = journaled("add background", OperatorAction.BACKGROUND_ADDED, "background " + id, c -> {
            BackgroundImage added = backgrounds.add(c, id, title, content, config.maxBackgroundBytes(), imaging);
            return new Journaled<>(added, "'" + title + "', " + added.mediaType() + " " + added.widthPx() + "x"
                    + added.heightPx() + ", sha256 " + content.sha256Hex());
        });
        log.info("background {} added ({} {}x{}, {} bytes) by {}", id, image.mediaType(), image.widthPx(),
                image.heightPx(), content.size(), operator);
        return image;
    }

    /**
     * Retires image {@code id} from the background catalogue: portals are no longer offered it and new
     * purchases cannot use it. Indicia bought with it stay valid.
     *
     * @throws NotFoundException if there is no such image
     * @throws org.openpostage.api.error.InvalidRequestException if it was retired before
     */
    public void retireBackground(String id) {
        journaled("retire background", OperatorAction.BACKGROUND_RETIRED, "background " + id, c -> {
            backgrounds.retire(c, id, operator, Time.now(clock));
            return new Journaled<>(null, "no longer offered");
        });
        log.info("background {} retired by {}", id, operator);
    }

    /** Every image of the background catalogue, retired ones too. */
    public List<BackgroundEntry> backgroundCatalogue() {
        return backgrounds.catalogue().stream().map(e -> new BackgroundEntry(e.image(), e.sample(), e.addedAt(),
                e.retiredAt(), e.retiredBy())).toList();
    }

    // ------------------------------------------------------------------ rate tables

    /**
     * Every rate table, configured and uploaded, by effective date: the one in force today is marked
     * {@link RateTableInfo#inForceToday()}.
     */
    public List<RateTableInfo> rateTables() {
        LocalDate today = LocalDate.ofInstant(clock.instant(), config.zone());
        RateBook book = rates.book();
        String inForce;
        try {
            inForce = book.tableFor(today).version();
        } catch (RuntimeException e) {
            inForce = null;
        }
        List<RateTableInfo> out = new ArrayList<>();
        for (RateTable t : rates.configured().tables()) {
            out.add(info(t, "configured", null, null, null, t.version().equals(inForce)));
        }
        for (RateSource.Upload u : rates.uploads()) {
            RateTable t = RateBook.parse(u.content(), u.version()).tables().get(0);
            out.add(info(t, "uploaded", u.uploadedBy(), u.uploadedAt(), u.withdrawnAt(),
                    u.withdrawnAt() == null && t.version().equals(inForce)));
        }
        out.sort(java.util.Comparator.comparing(RateTableInfo::effectiveFrom));
        return out;
    }

    /**
     * Uploads a rate table (the format of docs/rates.md, one table) that takes effect on
     * {@code effectiveFrom}, a day after today: it is checked whole first (its rows, its date
     * against {@code effectiveFrom}, a version and a day no other table has, the currency of the table
     * in force), and every node prices with it from that day.
     *
     * @throws org.openpostage.api.error.InvalidRequestException naming what is wrong with it
     */
    public RateTableInfo uploadRateTable(String text, LocalDate effectiveFrom) {
        LocalDate today = LocalDate.ofInstant(clock.instant(), config.zone());
        RateSource.Upload u = journaled("upload rate table", OperatorAction.RATE_TABLE_UPLOADED, "rate table", c -> {
            RateSource.Upload up = rates.upload(c, text, effectiveFrom, today, operator, Time.now(clock));
            return new Journaled<>(up, "version " + up.version() + ", effective from " + up.effectiveFrom() + ", "
                    + up.currency() + ", sha256 " + up.sha256());
        });
        rates.invalidate();
        log.info("rate table {} uploaded by {}, effective from {}", u.version(), operator, u.effectiveFrom());
        return rateTables().stream().filter(t -> t.version().equals(u.version())).findFirst().orElseThrow();
    }

    /**
     * Withdraws an uploaded rate table before its day.
     *
     * @throws NotFoundException if no uploaded table has that version
     * @throws org.openpostage.api.error.InvalidRequestException if it took effect already, or was withdrawn
     */
    public void withdrawRateTable(String version) {
        LocalDate today = LocalDate.ofInstant(clock.instant(), config.zone());
        journaled("withdraw rate table", OperatorAction.RATE_TABLE_WITHDRAWN, "rate table " + version, c -> {
            RateSource.Upload u = rates.withdraw(c, version, today, Time.now(clock));
            return new Journaled<>(null, "was to take effect on " + u.effectiveFrom());
        });
        rates.invalidate();
        log.info("rate table {} withdrawn by {}", version, operator);
    }

    private static RateTableInfo info(RateTable t, String origin, String by, java.time.Instant at,
                                      java.time.Instant withdrawn, boolean inForce) {
        List<RateTableInfo.Row> rows = new ArrayList<>();
        for (var e : t.classes().entrySet()) {
            for (var step : e.getValue().steps().entrySet()) {
                long[] prices = step.getValue();
                for (int zone = 0; zone < prices.length; zone++) {
                    boolean used = e.getValue().zoned() ? zone > 0 : zone == 0;
                    if (used) {
                        rows.add(new RateTableInfo.Row(e.getKey(), step.getKey(), zone, new Money(prices[zone],
                                t.currency())));
                    }
                }
            }
        }
        return new RateTableInfo(t.version(), t.currency().getCurrencyCode(), t.effectiveFrom(), origin, by, at,
                withdrawn, inForce, List.copyOf(rows));
    }

    // ------------------------------------------------------------------ operator accounts

    /**
     * Creates an operator account for the admin console.
     *
     * @param name        1 to 64 lower-case letters, digits, '.', '_' or '-', starting with a letter
     * @param password    at least 12 characters; hashed with Argon2id, never stored
     * @throws org.openpostage.api.error.InvalidRequestException if the name is malformed or taken, or the password too weak
     */
    public OperatorAccount createOperator(String name, String displayName, char[] password) {
        OperatorAccount a = journaled("create operator", OperatorAction.OPERATOR_CREATED, "operator " + name, c ->
                new Journaled<>(operators.create(c, name, displayName, password), "'" + displayName + "'"));
        log.info("operator {} created by {}", name, operator);
        return a;
    }

    /** Every operator account, by name. */
    public List<OperatorAccount> operators() {
        return operators.all();
    }

    /** The operator account {@code name}, if there is one. */
    public java.util.Optional<OperatorAccount> findOperator(String name) {
        return operators.find(name);
    }

    /**
     * Sets an operator's password (and lifts a lock after wrong passwords).
     *
     * @throws NotFoundException if there is no such account
     * @throws org.openpostage.api.error.InvalidRequestException if the password is too weak
     */
    public void setOperatorPassword(String name, char[] password) {
        journaled("set operator password", OperatorAction.OPERATOR_PASSWORD_SET, "operator " + name, c -> {
            operators.setPassword(c, name, password);
            return new Journaled<>(null, null);
        });
        log.info("password of operator {} set by {}", name, operator);
    }

    /**
     * Disables or enables an operator account. An operator cannot disable their own account, and the
     * last enabled account cannot be disabled (the command line can always make a new one).
     *
     * @throws NotFoundException if there is no such account
     */
    public void setOperatorEnabled(String name, boolean enabled) {
        if (!enabled && name.equals(operator)) {
            throw new org.openpostage.api.error.InvalidRequestException("an operator cannot disable their own account");
        }
        journaled(enabled ? "enable operator" : "disable operator", enabled ? OperatorAction.OPERATOR_ENABLED
                : OperatorAction.OPERATOR_DISABLED, "operator " + name, c -> {
            operators.setEnabled(c, name, enabled);
            if (!enabled && operators.enabledCount(c) == 0) {
                throw new org.openpostage.api.error.InvalidRequestException("operator " + name + " is the last enabled "
                        + "account; create another first");
            }
            return new Journaled<>(null, null);
        });
        log.info("operator {} {} by {}", name, enabled ? "enabled" : "disabled", operator);
    }

    /**
     * Checks an operator's sign-in to the admin console and journals it: five wrong passwords in a row
     * lock the account for 15 minutes on every node.
     *
     * @param via how the operator came (for the journal: {@code admin console from 127.0.0.1}, say)
     * @throws org.openpostage.api.error.AuthenticationException if the name or password is wrong, or the account locked or disabled
     */
    public OperatorAccount signIn(String name, char[] password, String via) {
        OperatorAccount a = operators.authenticate(name, password, c -> operatorJournal.append(c,
                OperatorAction.OPERATOR_SIGNED_IN, "operator " + name, via, name, Time.now(clock)));
        log.info("operator {} signed in ({})", name, via);
        return a;
    }

    /** The value of a change and the detail its journal entry records. */
    private record Journaled<T>(T value, String detail) {
    }

    /** A change made in a transaction that also journals it. */
    @FunctionalInterface
    private interface Change<T> {
        Journaled<T> apply(java.sql.Connection c) throws java.sql.SQLException;
    }

    /** Runs {@code change} and appends its operator journal entry in the same transaction. */
    private <T> T journaled(String what, OperatorAction action, String subject, Change<T> change) {
        return db.transaction(what, c -> {
            Journaled<T> done = change.apply(c);
            operatorJournal.append(c, action, subject, done.detail(), operator, Time.now(clock));
            return done.value();
        });
    }

    static MeterStatement statement(Ledger.Meter m) {
        return new MeterStatement(m.meterId(), m.mode(), new Money(m.ascending(), m.currency()),
                new Money(m.descending(), m.currency()), new Money(m.ascending() + m.descending(), m.currency()),
                m.lastSerial());
    }
}
