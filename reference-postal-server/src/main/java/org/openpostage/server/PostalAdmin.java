package org.openpostage.server;

import java.time.Clock;
import java.util.Currency;
import java.util.List;
import org.openpostage.api.Bytes;
import org.openpostage.api.Mode;
import org.openpostage.api.NotFoundException;
import org.openpostage.api.indicium.SignatureAlgorithm;
import org.openpostage.api.indicium.VerificationKey;
import org.openpostage.api.model.BackgroundImage;
import org.openpostage.api.model.MeterStatement;
import org.openpostage.api.model.Money;
import org.openpostage.server.internal.auth.PartnerStore;
import org.openpostage.server.internal.backgrounds.BackgroundStore;
import org.openpostage.server.internal.ledger.Ledger;
import org.openpostage.server.internal.db.Database;
import org.openpostage.server.internal.journal.Checkpoints;
import org.openpostage.server.internal.journal.JournalAudit;
import org.openpostage.server.internal.journal.OperatorJournal;
import org.openpostage.server.internal.signing.SigningKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The postal operator's administration of a {@link PostalCore}: partners and their API keys,
 * meters and their funding, the journal, the signing keys (the key ceremony), the operator
 * journal and its audit, and the background catalogue.
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
    private final String operator;

    PostalAdmin(PartnerStore partners, Ledger ledger, SigningKeys signingKeys, BackgroundStore backgrounds,
                ServerConfig config, StampImaging imaging, OperatorJournal operatorJournal, Checkpoints checkpoints,
                JournalAudit journalAudit, Database db, Clock clock, String operator) {
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
        this.operator = operator;
    }

    /**
     * This administration acting as {@code operatorName}: the operator journal records that name for
     * the key ceremony's steps it takes (without it, the server's own name).
     *
     * @throws org.openpostage.api.InvalidRequestException if the name is blank or longer than 200 characters
     */
    public PostalAdmin as(String operatorName) {
        if (operatorName == null || operatorName.isBlank() || operatorName.length() > 200) {
            throw new org.openpostage.api.InvalidRequestException("an operator's name is 1 to 200 characters");
        }
        return new PostalAdmin(partners, ledger, signingKeys, backgrounds, config, imaging, operatorJournal,
                checkpoints, journalAudit, db, clock, operatorName.strip());
    }

    /**
     * Registers a partner (a portal).
     *
     * @param partnerId   1 to 64 letters, digits, '.', '_', ':' or '-'
     * @param displayName a name to show, 1 to 200 characters
     * @throws org.openpostage.api.InvalidRequestException if the id is malformed or taken
     */
    public void createPartner(String partnerId, String displayName) {
        partners.createPartner(partnerId, displayName);
        log.info("partner {} created", partnerId);
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
        IssuedApiKey key = partners.issueKey(partnerId, mode, scanner);
        log.info("API key {} ({}{}) issued to partner {}", key.keyId(), mode, scanner ? ", scanner" : "", partnerId);
        return key;
    }

    /**
     * Revokes the API key with public id {@code keyId}.
     *
     * @throws NotFoundException if there is no such key
     */
    public void revokeApiKey(String keyId) {
        partners.revokeKey(keyId);
        log.info("API key {} revoked", keyId);
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
        Ledger.Meter m = ledger.createMeter(partnerId, mode, currency);
        log.info("meter {} ({}, {}) created for partner {}", m.meterId(), mode, currency, partnerId);
        return statement(m);
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
     * @throws org.openpostage.api.InvalidRequestException if the amount is not positive or in another currency
     */
    public JournalEntry fundMeter(long meterId, Money amount, String reference) {
        JournalEntry e = ledger.fund(meterId, amount, reference);
        log.info("meter {} funded with {} (journal entry {})", meterId, amount, e.entryId());
        return e;
    }

    /** Up to {@code limit} journal entries of the meter after entry {@code afterEntryId} (0 for the start), oldest first. */
    public List<JournalEntry> journal(long meterId, long afterEntryId, int limit) {
        if (limit < 1 || limit > 10_000) {
            throw new org.openpostage.api.InvalidRequestException("limit must be between 1 and 10000, was " + limit);
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
        ledger.retryCardRefund(refundId);
        log.info("card refund {} queued for another payout", refundId);
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
     * @throws org.openpostage.api.InvalidRequestException if it is not pending, or this node's device does not hold it
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
     * @throws org.openpostage.api.InvalidRequestException if it is the active key of its mode
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
     * @throws org.openpostage.api.InvalidRequestException if it is a pending key (retire it instead)
     */
    public VerificationKey revokeSigningKey(long keyId) {
        return signingKeys.revoke(keyId, operator);
    }

    // ------------------------------------------------------------------ the operator journal and the audit

    /** Up to {@code limit} (1 to 10,000) entries of the operator journal after entry {@code afterSeq}, oldest first. */
    public List<OperatorJournalEntry> operatorJournal(long afterSeq, int limit) {
        if (limit < 1 || limit > 10_000) {
            throw new org.openpostage.api.InvalidRequestException("limit must be between 1 and 10000, was " + limit);
        }
        return operatorJournal.entries(afterSeq, limit);
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
     * @throws org.openpostage.api.InvalidRequestException if the id is taken or the image unusable
     */
    public BackgroundImage addBackground(String id, String title, Bytes content) {
        BackgroundImage image = backgrounds.add(id, title, content, config.maxBackgroundBytes(), imaging);
        log.info("background {} added ({} {}x{}, {} bytes)", id, image.mediaType(), image.widthPx(), image.heightPx(),
                content.size());
        return image;
    }

    static MeterStatement statement(Ledger.Meter m) {
        return new MeterStatement(m.meterId(), m.mode(), new Money(m.ascending(), m.currency()),
                new Money(m.descending(), m.currency()), new Money(m.ascending() + m.descending(), m.currency()),
                m.lastSerial());
    }
}
