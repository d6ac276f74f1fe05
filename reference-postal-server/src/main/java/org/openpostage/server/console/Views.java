package org.openpostage.server.console;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.openpostage.server.model.BackgroundEntry;
import org.openpostage.server.model.FailedCardRefund;
import org.openpostage.server.model.JournalAuditReport;
import org.openpostage.server.model.JournalEntry;
import org.openpostage.server.model.MeterAudit;
import org.openpostage.server.model.MeterInfo;
import org.openpostage.server.model.OperatorAccount;
import org.openpostage.server.model.OperatorJournalEntry;
import org.openpostage.server.model.PartnerInfo;
import org.openpostage.server.model.RateTableInfo;
import org.openpostage.server.model.SigningKeyInfo;

/**
 * What the console's templates ({@code src/main/jte/console}) show: one record per page, plus the
 * {@link Frame} every page shares. Values are escaped by JTE where they are written.
 */
public final class Views {
    private Views() {
    }

    /**
     * What the layout needs: the page's title and section, who is signed in, the session's CSRF
     * token for its forms, and a message of the last action.
     *
     * @param operator the signed-in operator's display name, or {@code null} on the sign-in page
     * @param ok       a message that an action succeeded, or {@code null}
     * @param error    a message that an action was refused, or {@code null}
     */
    public record Frame(String title, String section, String operator, String csrf, String ok, String error) {
    }

    /** The sign-in page. */
    public record Login(String name) {
    }

    /** The dashboard. */
    public record Dashboard(int partners, int meters, int activeKeys, int failedRefunds, String rateTable,
                            String signingDevice, List<SigningKeyInfo> activeSigningKeys,
                            List<OperatorJournalEntry> recent) {
    }

    /** The partners. */
    public record Partners(List<PartnerInfo> partners) {
    }

    /** One partner with its API keys and meters. */
    public record Partner(PartnerInfo partner, List<ApiKey> keys, List<MeterInfo> meters, String currency) {
    }

    /** An API key without its secret. */
    public record ApiKey(String keyId, String mode, boolean scanner, Instant createdAt, Instant revokedAt) {
    }

    /** An API key just issued: its secret, shown this once. */
    public record IssuedKey(String partnerId, String keyId, String mode, String secret)
            implements java.io.Serializable {
    }

    /** Every meter. */
    public record Meters(List<MeterInfo> meters) {
    }

    /** One meter: registers and a page of its journal. */
    public record Meter(MeterInfo meter, List<JournalEntry> journal, Long nextAfter, String currency) {
    }

    /** The signing keys. */
    public record Keys(String device, List<SigningKeyInfo> keys) {
    }

    /** The card refunds the gateway refused. */
    public record Refunds(List<FailedCardRefund> refunds) {
    }

    /** The audit of the registers and of the journals' chains, and the operator journal. */
    public record Audit(List<MeterAudit> meters, boolean metersBalanced, JournalAuditReport chains,
                        List<OperatorJournalEntry> journal, Long nextAfter) {
    }

    /** The rate tables and the upload form. */
    public record Rates(List<RateTableInfo> tables, RateTableInfo inForce, LocalDate tomorrow) {
    }

    /** One rate table's prices. */
    public record Rate(RateTableInfo table) {
    }

    /** The background catalogue. */
    public record Backgrounds(List<BackgroundEntry> images) {
    }

    /** The operator accounts. */
    public record Operators(List<OperatorAccount> operators, String me) {
    }

    /** An error page. */
    public record Error(int status, String message) {
    }
}
