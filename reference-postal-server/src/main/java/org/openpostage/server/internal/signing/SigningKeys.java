package org.openpostage.server.internal.signing;

import java.security.PublicKey;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.error.NotFoundException;
import org.openpostage.api.indicium.IndiciumData;
import org.openpostage.api.indicium.IndiciumSigner;
import org.openpostage.api.indicium.SignatureAlgorithm;
import org.openpostage.api.indicium.SignatureCheck;
import org.openpostage.api.indicium.SignedIndicium;
import org.openpostage.api.indicium.VerificationKey;
import org.openpostage.api.indicium.VerificationKeySet;
import org.openpostage.api.value.Bytes;
import org.openpostage.api.value.Mode;
import org.openpostage.server.model.OperatorAction;
import org.openpostage.server.model.SigningKeyInfo;
import org.openpostage.server.internal.db.Database;
import org.openpostage.server.internal.db.Sql;
import org.openpostage.server.internal.journal.CheckpointKey;
import org.openpostage.server.internal.journal.OperatorJournal;
import org.openpostage.server.internal.util.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's signing keys, shared by every node through the database: their public halves and
 * states in {@code signing_keys}, their private halves in the {@link SigningDevice}.
 *
 * <p>Keys are live or test keys by their id ({@link VerificationKey#FIRST_TEST_KEY_ID}): a
 * purchase with a test API key is signed with the active test key, one with a live API key with
 * the active live key, never the other. A key is <em>pending</em> from its creation until it is
 * activated, <em>active</em> while it signs (exactly one per mode), then <em>retired</em> (it
 * stays published, so its indicia keep verifying, up to its last date of mailing), and possibly
 * <em>revoked</em>. Every change happens in one transaction that locks the {@code installation}
 * row, is recorded in the operator journal, and raises the key set's version, so every node sees
 * it at once.
 *
 * <p>A purchase transaction reads the active key of its mode ({@link #active}), so no purchase
 * starts with a key after its retirement committed. A purchase that read the key just before may
 * still commit with it: that piece is genuine and recorded like every other the key signed, and its
 * date of mailing is within the key's last date of mailing ({@link #lastDateOfMailing}). The hot
 * path takes no lock on the key for this. Signers are cached per key id; the published key set is
 * cached per version.
 */
public final class SigningKeys {
    private static final Logger log = LoggerFactory.getLogger(SigningKeys.class);
    private static final String KEY_COLUMNS = "key_id, algorithm, public_key, device, created_at, active_from,"
            + " retired_at, last_mailing_date, revoked_at";

    /** The active key of a mode. */
    public record ActiveKey(long keyId, SignatureAlgorithm algorithm) {
    }

    private record CachedSet(long version, VerificationKeySet set) {
    }

    private final Database db;
    private final SigningDevice device;
    private final Installation installation;
    private final OperatorJournal journal;
    private final Clock clock;
    private final int maxDaysAhead;
    private final Map<Long, IndiciumSigner> signers = new ConcurrentHashMap<>();
    private volatile CachedSet cachedSet;

    /**
     * @param maxDaysAhead how many days ahead of today purchases accept a date of mailing
     *                     ({@code mailing.max-days-ahead}): bounds the dates a retired key signed for
     */
    public SigningKeys(Database db, SigningDevice device, Installation installation, OperatorJournal journal,
                       Clock clock, int maxDaysAhead) {
        this.db = db;
        this.device = device;
        this.installation = installation;
        this.journal = journal;
        this.clock = clock;
        this.maxDaysAhead = maxDaysAhead;
    }

    /** The device that holds the private keys and signs. */
    public SigningDevice device() {
        return device;
    }

    /**
     * Creates an active key of {@code algorithm} for each mode that has none (the first start, or a
     * ledger from before test keys). Safe when several nodes start at once: one creates, the others
     * find it.
     */
    public void initialize(SignatureAlgorithm algorithm) {
        // LIVE and TEST only: Mode.UNKNOWN (what a client decodes from a newer server) is no key's mode.
        for (Mode mode : List.of(Mode.TEST, Mode.LIVE)) {
            db.transaction("create first signing key", c -> {
                installation.lock(c);
                if (activeRow(c, mode).isEmpty()) {
                    KeyRow key = create(c, mode, algorithm, true, OperatorJournal.SYSTEM);
                    log.info("created the first {} signing key: key {} ({}) in the {}", mode.name().toLowerCase(),
                            key.keyId, algorithm, device.description());
                }
                return null;
            });
        }
    }

    /** The active key of {@code mode}, read in the caller's transaction. */
    public ActiveKey active(Connection c, Mode mode) throws SQLException {
        KeyRow row = activeRow(c, mode).orElseThrow(() -> new IllegalStateException("no active " + mode
                + " signing key"));
        return new ActiveKey(row.keyId, row.algorithm);
    }

    /** The active live key and its signer, for signing a journal checkpoint in {@code c}'s transaction. */
    public CheckpointKey.Signing checkpointKey(Connection c) throws SQLException {
        ActiveKey key = active(c, Mode.LIVE);
        return new CheckpointKey.Signing(key.keyId(), signer(key.keyId(), key.algorithm()));
    }

    /**
     * The signer of key {@code keyId}, from the device.
     *
     * @throws IllegalStateException if the device does not hold the key
     */
    public IndiciumSigner signer(long keyId, SignatureAlgorithm algorithm) {
        IndiciumSigner signer = signers.get(keyId);
        if (signer == null) {
            signer = device.signer(keyId, algorithm);
            signers.putIfAbsent(keyId, signer);
        }
        return signer;
    }

    /**
     * The published key set: every key that ever signed, the retired ones with their retirement time
     * and last date of mailing, the revoked ones with their revocation time. Pending keys are not
     * published until they are activated.
     */
    public VerificationKeySet keySet() {
        long version = installation.keySetVersion();
        CachedSet cached = cachedSet;
        if (cached != null && cached.version == version) {
            return cached.set;
        }
        List<KeyRow> rows = db.read("read keys", SigningKeys::keyRows);
        VerificationKeySet set = new VerificationKeySet(rows.stream().filter(r -> r.activeFrom != null)
                .map(KeyRow::toKey).toList());
        cachedSet = new CachedSet(version, set);
        return set;
    }

    /**
     * Checks {@code indicium}'s signature against the published key set, with BouncyCastle
     * ({@link Providers#bouncyCastle()}: about ten times the JDK 17 rate for ECDSA P-256; the
     * verdict does not depend on the provider).
     */
    public SignatureCheck verify(SignedIndicium indicium) {
        return keySet().verify(indicium, Providers.bouncyCastle());
    }

    /** Every key, with its state and whether this node's device holds its private half; by id. */
    public List<SigningKeyInfo> keys() {
        return db.read("read keys", SigningKeys::keyRows).stream().map(r -> r.info(device.kind() == r.device
                && device.holds(r.keyId))).toList();
    }

    /**
     * Creates a key of {@code mode} and {@code algorithm} in the device, pending: it signs nothing
     * and is not published until {@link #activate}d. The ceremony's first step, so that the public
     * key can be exported and registered before the key signs.
     */
    public SigningKeyInfo generate(Mode mode, SignatureAlgorithm algorithm, String actor) {
        KeyRow row = db.transaction("create signing key", c -> {
            installation.lock(c);
            KeyRow key = create(c, mode, algorithm, false, actor);
            installation.newKeySetVersion(c);
            return key;
        });
        log.info("created pending {} signing key {} ({}) in the {}", mode.name().toLowerCase(), row.keyId, algorithm,
                device.description());
        return row.info(true);
    }

    /**
     * Makes pending key {@code keyId} the active key of its mode, retiring the key that was.
     *
     * @return the key now active
     * @throws NotFoundException       if there is no key {@code keyId}
     * @throws InvalidRequestException if it is not pending, or this node's device does not hold it
     */
    public SigningKeyInfo activate(long keyId, String actor) {
        Rotation r = db.transaction("activate signing key", c -> {
            installation.lock(c);
            KeyRow key = row(c, keyId);
            if (key.activeFrom != null || key.retiredAt != null) {
                throw new InvalidRequestException("signing key " + keyId + " is " + key.state()
                        + "; only a pending key can be activated");
            }
            requireHeld(key);
            Rotation rotation = switchTo(c, key, actor);
            installation.newKeySetVersion(c);
            return rotation;
        });
        logRotation(r);
        return r.active;
    }

    /**
     * Creates a new key of {@code mode} and {@code algorithm} in the device and makes it the active
     * key of its mode; the previous key is retired, stays published so that the indicia it signed
     * keep verifying, up to its last date of mailing ({@link #lastDateOfMailing}).
     *
     * @return the key now active
     */
    public SigningKeyInfo rotate(Mode mode, SignatureAlgorithm algorithm, String actor) {
        Rotation r = db.transaction("rotate signing key", c -> {
            installation.lock(c);
            KeyRow created = create(c, mode, algorithm, false, actor);
            Rotation rotation = switchTo(c, created, actor);
            installation.newKeySetVersion(c);
            return rotation;
        });
        logRotation(r);
        return r.active;
    }

    /**
     * Retires key {@code keyId} without a successor: a pending key that will never sign (and is never
     * published). Retiring a retired key changes nothing. The active
     * key of a mode is replaced by {@link #rotate} or {@link #activate} instead, since a mode
     * always has one.
     *
     * @throws NotFoundException       if there is no key {@code keyId}
     * @throws InvalidRequestException if it is the active key of its mode
     */
    public SigningKeyInfo retire(long keyId, String actor) {
        KeyRow retired = db.transaction("retire signing key", c -> {
            installation.lock(c);
            KeyRow key = row(c, keyId);
            if (key.retiredAt != null) {
                return key;
            }
            if (key.activeFrom != null) {
                throw new InvalidRequestException("signing key " + keyId + " is the active " + key.mode()
                        + " key: rotate to a new key (or activate a pending one), which retires it");
            }
            Instant at = Time.now(clock);
            Sql.update(c, "UPDATE signing_keys SET retired_at = ? WHERE key_id = ?", at, keyId);
            journal.append(c, OperatorAction.KEY_RETIRED, "key " + keyId, "never activated, never published", actor,
                    at);
            installation.newKeySetVersion(c);
            return row(c, keyId);
        });
        return retired.info(device.holds(keyId));
    }

    /**
     * Revokes key {@code keyId}: offline verifiers stop trusting anything it signed. If it is the
     * active key of its mode, a new key of the same algorithm replaces it first, in the same
     * transaction, so that exactly one key per mode is active at any time and no purchase starts
     * signing with the revoked key any more (one already signing may still commit: its piece is
     * genuine and recorded, and offline it is judged like every other piece the key signed).
     * Revoking a key that is already revoked changes nothing.
     *
     * @return the revoked key, as now published
     * @throws NotFoundException       if there is no key {@code keyId}
     * @throws InvalidRequestException if it is a pending key (it never signed: retire it)
     */
    public VerificationKey revoke(long keyId, String actor) {
        record Revocation(VerificationKey key, Rotation rotation, boolean changed) {
        }
        Revocation revocation = db.transaction("revoke signing key", c -> {
            installation.lock(c);
            KeyRow row = row(c, keyId);
            if (row.revokedAt != null) {
                return new Revocation(row.toKey(), null, false);
            }
            if (row.activeFrom == null) {
                throw new InvalidRequestException("signing key " + keyId + " never signed and is not published: retire "
                        + "it instead of revoking it");
            }
            Rotation rotation = null;
            if (row.retiredAt == null) {
                rotation = switchTo(c, create(c, row.mode(), row.algorithm, false, actor), actor);
            }
            KeyRow retired = row(c, keyId);
            Instant at = latest(Time.now(clock), retired.retiredAt);
            Sql.update(c, "UPDATE signing_keys SET revoked_at = ? WHERE key_id = ?", at, keyId);
            journal.append(c, OperatorAction.KEY_REVOKED, "key " + keyId, "offline verifiers no longer trust it", actor,
                    at);
            installation.newKeySetVersion(c);
            return new Revocation(row(c, keyId).toKey(), rotation, true);
        });
        if (revocation.rotation != null) {
            logRotation(revocation.rotation);
        }
        if (revocation.changed) {
            log.warn("signing key {} revoked: offline verifiers no longer trust the indicia it signed", keyId);
        } else {
            log.info("signing key {} was already revoked at {}", keyId, revocation.key.revokedAt());
        }
        return revocation.key;
    }

    /**
     * The last date of mailing an indicium signed by a key retired at {@code retiredAt} can carry:
     * the UTC date of {@code retiredAt}, plus {@code mailing.max-days-ahead}, plus one day.
     *
     * <p>Why this holds: a purchase accepts a date of mailing up to today + max-days-ahead, today
     * being the date of the validation's instant in the server's zone ({@code zone}, see
     * PurchaseFlow.validate). A purchase signs with the key only if it read the key as active,
     * that is before the retirement committed; it was validated before that read. So its
     * validation instant is at most the retirement transaction's own duration (milliseconds)
     * after {@code retiredAt}. The date of an instant in any zone is at most one day after its
     * UTC date, because a zone is at most 18 hours ahead of UTC (java.time's limit; real zones
     * are at most 14 hours ahead); the extra day covers that, and leaves at least 6 hours (10 for
     * real zones) for the retirement's duration and for other nodes' clocks running ahead. It
     * assumes every node has the same {@code mailing.max-days-ahead}, not lowered while the key
     * signed.
     */
    LocalDate lastDateOfMailing(Instant retiredAt) {
        return LocalDate.ofInstant(retiredAt, ZoneOffset.UTC).plusDays(maxDaysAhead + 1L);
    }

    /** A change of the active key: the key retired (or {@code null} when its mode had none) and the one now active. */
    private record Rotation(SigningKeyInfo retired, SigningKeyInfo active) {
    }

    /**
     * Creates key material for a new key of {@code mode} in the device and records it, active at once
     * when {@code activeNow} (the caller makes sure its mode has no active key then), else pending.
     */
    private KeyRow create(Connection c, Mode mode, SignatureAlgorithm algorithm, boolean activeNow, String actor)
            throws SQLException {
        long keyId = nextKeyId(c, mode);
        Instant now = Time.now(clock);
        PublicKey publicKey = device.generate(c, keyId, algorithm, now);
        Sql.update(c, "INSERT INTO signing_keys (" + KEY_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, NULL, NULL, NULL)",
                keyId, algorithm, publicKey.getEncoded(), device.kind(), now, activeNow ? now : null);
        journal.append(c, OperatorAction.KEY_CREATED, "key " + keyId, mode + " " + algorithm + " in the "
                + device.description() + (activeNow ? ", active" : ", pending"), actor, now);
        return row(c, keyId);
    }

    /** The next free key id of {@code mode}'s range. */
    private static long nextKeyId(Connection c, Mode mode) throws SQLException {
        long first = mode == Mode.TEST ? VerificationKey.FIRST_TEST_KEY_ID : 1;
        long limit = mode == Mode.TEST ? IndiciumData.MAX_UINT32 : VerificationKey.FIRST_TEST_KEY_ID - 1;
        long max = Sql.number(c, "SELECT COALESCE(MAX(key_id), 0) FROM signing_keys WHERE key_id BETWEEN ? AND ?",
                first, limit);
        long next = max == 0 ? first : max + 1;
        if (next > limit) {
            throw new IllegalStateException("no " + mode + " key ids are left");
        }
        return next;
    }

    /**
     * Makes {@code next} the active key of its mode and retires the one that was, with its last date
     * of mailing, in the caller's transaction (which holds the installation's lock).
     */
    private Rotation switchTo(Connection c, KeyRow next, String actor) throws SQLException {
        Mode mode = next.mode();
        Optional<KeyRow> old = activeRow(c, mode);
        // Read last, just before the commit: close to the moment purchases stop reading the old key.
        Instant at = old.isPresent() ? latest(Time.now(clock), old.get().activeFrom) : Time.now(clock);
        SigningKeyInfo retired = null;
        if (old.isPresent()) {
            LocalDate lastDate = lastDateOfMailing(at);
            Sql.update(c, "UPDATE signing_keys SET retired_at = ?, last_mailing_date = ? WHERE key_id = ?", at,
                    lastDate, old.get().keyId);
            journal.append(c, OperatorAction.KEY_RETIRED, "key " + old.get().keyId, "replaced by key " + next.keyId
                    + "; last date of mailing " + lastDate, actor, at);
            retired = row(c, old.get().keyId).info(true);
        }
        Sql.update(c, "UPDATE signing_keys SET active_from = ? WHERE key_id = ?", at, next.keyId);
        journal.append(c, OperatorAction.KEY_ACTIVATED, "key " + next.keyId, "the active " + mode + " key", actor, at);
        return new Rotation(retired, row(c, next.keyId).info(true));
    }

    private void requireHeld(KeyRow key) {
        if (key.device != device.kind() || !device.holds(key.keyId)) {
            throw new InvalidRequestException("signing key " + key.keyId + " is held by the " + key.device
                    + " device, not by this node's " + device.description());
        }
    }

    private void logRotation(Rotation r) {
        if (r.retired != null) {
            log.info("signing key {} ({}, {}) is now the active {} key; key {} is retired, for dates of mailing up to {}",
                    r.active.keyId(), r.active.algorithm(), r.active.device(), r.active.mode(), r.retired.keyId(),
                    r.retired.lastDateOfMailing());
        } else {
            log.info("signing key {} ({}) is now the active {} key", r.active.keyId(), r.active.algorithm(),
                    r.active.mode());
        }
    }

    /** The later of two instants: dates written never run backwards, even when node clocks differ. */
    private static Instant latest(Instant a, Instant b) {
        return b == null || a.isAfter(b) ? a : b;
    }

    /** The published key with {@code keyId}, if it ever signed. */
    public Optional<VerificationKey> find(long keyId) {
        return keySet().find(keyId);
    }

    private static Optional<KeyRow> activeRow(Connection c, Mode mode) throws SQLException {
        List<KeyRow> active = new ArrayList<>();
        for (KeyRow r : Sql.list(c, "SELECT " + KEY_COLUMNS + " FROM signing_keys WHERE retired_at IS NULL"
                + " AND active_from IS NOT NULL", KeyRow::of)) {
            if (r.mode() == mode) {
                active.add(r);
            }
        }
        if (active.size() > 1) {
            throw new IllegalStateException("expected one active " + mode + " signing key, found " + active.size());
        }
        return active.stream().findFirst();
    }

    private static KeyRow row(Connection c, long keyId) throws SQLException {
        return Sql.one(c, "SELECT " + KEY_COLUMNS + " FROM signing_keys WHERE key_id = ?", KeyRow::of, keyId)
                .orElseThrow(() -> new NotFoundException("signing key " + keyId + " does not exist"));
    }

    private static List<KeyRow> keyRows(Connection c) throws SQLException {
        return Sql.list(c, "SELECT " + KEY_COLUMNS + " FROM signing_keys ORDER BY key_id", KeyRow::of);
    }

    /** One row of {@code signing_keys}. */
    private record KeyRow(long keyId, SignatureAlgorithm algorithm, byte[] publicKey, SigningDevice.Kind device,
                          Instant createdAt, Instant activeFrom, Instant retiredAt, LocalDate lastMailingDate,
                          Instant revokedAt) {
        static KeyRow of(java.sql.ResultSet rs) throws SQLException {
            return new KeyRow(rs.getLong("key_id"), SignatureAlgorithm.valueOf(rs.getString("algorithm")),
                    rs.getBytes("public_key"), SigningDevice.Kind.valueOf(rs.getString("device")),
                    Sql.instant(rs, "created_at"), Sql.instant(rs, "active_from"), Sql.instant(rs, "retired_at"),
                    rs.getObject("last_mailing_date", LocalDate.class), Sql.instant(rs, "revoked_at"));
        }

        Mode mode() {
            return VerificationKey.modeOf(keyId);
        }

        SigningKeyInfo.State state() {
            if (revokedAt != null) {
                return SigningKeyInfo.State.REVOKED;
            }
            if (retiredAt != null) {
                return SigningKeyInfo.State.RETIRED;
            }
            return activeFrom != null ? SigningKeyInfo.State.ACTIVE : SigningKeyInfo.State.PENDING;
        }

        VerificationKey toKey() {
            return new VerificationKey(keyId, algorithm, Bytes.of(publicKey), activeFrom, retiredAt, lastMailingDate,
                    revokedAt);
        }

        SigningKeyInfo info(boolean held) {
            return new SigningKeyInfo(keyId, mode(), algorithm, state(), device.name(), held, Bytes.of(publicKey),
                    createdAt, activeFrom, retiredAt, lastMailingDate, revokedAt);
        }
    }
}
