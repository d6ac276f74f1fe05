package org.openpostage.transport.grpc.internal;

import static org.openpostage.transport.grpc.internal.ProtoValues.bytes;
import static org.openpostage.transport.grpc.internal.ProtoValues.date;
import static org.openpostage.transport.grpc.internal.ProtoValues.exportFormat;
import static org.openpostage.transport.grpc.internal.ProtoValues.instant;
import static org.openpostage.transport.grpc.internal.ProtoValues.timestamp;
import static org.openpostage.transport.grpc.internal.ProtoValues.money;
import static org.openpostage.transport.grpc.internal.ProtoValues.outputFormat;
import static org.openpostage.transport.grpc.internal.ProtoValues.piece;

import java.time.DateTimeException;
import java.time.YearMonth;
import java.util.ArrayList;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.model.Address;
import org.openpostage.api.model.BatchEntry;
import org.openpostage.api.model.BatchPurchaseRequest;
import org.openpostage.api.model.CardPayment;
import org.openpostage.api.model.JournalExportRequest;
import org.openpostage.api.model.PaymentMethod;
import org.openpostage.api.model.PrintOptions;
import org.openpostage.api.model.PurchaseItem;
import org.openpostage.api.model.PurchaseListRequest;
import org.openpostage.api.model.PurchaseLookupRequest;
import org.openpostage.api.model.PurchaseRequest;
import org.openpostage.api.model.QuoteRequest;
import org.openpostage.api.model.RefundRequest;
import org.openpostage.api.model.VerifyRequest;
import org.openpostage.transport.grpc.internal.proto.V1;

/**
 * Converts the requests of {@link org.openpostage.api.PostalService} to and from their
 * {@code openpostage.v1} messages. Clients encode, server bindings decode; decoding runs every
 * check of the model's constructors, so a server sees exactly the requests an in-process caller
 * could have made, and anything else fails with an {@link InvalidRequestException} naming the field.
 */
public final class ProtoRequests {
    private ProtoRequests() {
    }

    // --- Quote ---

    /** {@code request} on the wire. */
    public static V1.QuoteRequest quote(QuoteRequest request) {
        V1.QuoteRequest.Builder b = V1.QuoteRequest.newBuilder().setPiece(piece(request.piece()));
        if (request.dateOfMailing() != null) {
            b.setDateOfMailing(date(request.dateOfMailing()));
        }
        return b.build();
    }

    /** The request {@code request} carries. */
    public static QuoteRequest quote(V1.QuoteRequest request) {
        return new QuoteRequest(request.hasPiece() ? piece(request.getPiece()) : null,
                request.hasDateOfMailing() ? date("dateOfMailing", request.getDateOfMailing()) : null);
    }

    // --- Purchase ---

    /** {@code request} on the wire. */
    public static V1.PurchaseRequest purchase(PurchaseRequest request) {
        V1.PurchaseRequest.Builder b = V1.PurchaseRequest.newBuilder()
                .setPayment(payment(request.payment()))
                .setPrint(print(request.print()));
        for (PurchaseItem item : request.items()) {
            V1.PurchaseItem.Builder w = V1.PurchaseItem.newBuilder().setPiece(piece(item.piece()))
                    .setPrice(money(item.price())).setDateOfMailing(date(item.dateOfMailing()));
            if (item.sender() != null) {
                w.setSender(address(item.sender()));
            }
            if (item.recipient() != null) {
                w.setRecipient(address(item.recipient()));
            }
            b.addItems(w);
        }
        if (request.meterId() != null) {
            b.setMeterId(request.meterId());
        }
        return b.build();
    }

    /** The request {@code request} carries. */
    public static PurchaseRequest purchase(V1.PurchaseRequest request) {
        var items = new ArrayList<PurchaseItem>(request.getItemsCount());
        for (int i = 0; i < request.getItemsCount(); i++) {
            items.add(item(i, request.getItems(i)));
        }
        return new PurchaseRequest(items,
                request.hasPayment() ? payment(request.getPayment()) : null,
                request.hasPrint() ? print(request.getPrint()) : null,
                request.hasMeterId() ? request.getMeterId() : null);
    }

    private static PurchaseItem item(int index, V1.PurchaseItem item) {
        try {
            return new PurchaseItem(item.hasPiece() ? piece(item.getPiece()) : null,
                    item.hasPrice() ? money(item.getPrice()) : null,
                    item.hasDateOfMailing() ? date("dateOfMailing", item.getDateOfMailing()) : null,
                    item.hasSender() ? address(item.getSender()) : null,
                    item.hasRecipient() ? address(item.getRecipient()) : null);
        } catch (InvalidRequestException e) {
            throw new InvalidRequestException("items[" + index + "]: " + e.getMessage());
        }
    }

    private static V1.Address address(Address a) {
        V1.Address.Builder b = V1.Address.newBuilder().setCountry(a.country()).setName(a.name()).addAllLines(a.lines());
        if (a.locality() != null) {
            b.setLocality(a.locality());
        }
        if (a.region() != null) {
            b.setRegion(a.region());
        }
        if (a.postalCode() != null) {
            b.setPostalCode(a.postalCode());
        }
        return b.build();
    }

    private static Address address(V1.Address a) {
        return new Address(a.getCountry(), a.getName(), a.getLinesList(), a.hasLocality() ? a.getLocality() : null,
                a.hasRegion() ? a.getRegion() : null, a.hasPostalCode() ? a.getPostalCode() : null);
    }

    private static V1.PaymentMethod payment(PaymentMethod payment) {
        if (payment instanceof CardPayment card) {
            V1.CardPayment.Builder c = V1.CardPayment.newBuilder().setNumber(card.number())
                    .setExpiryYear(card.expiry().getYear()).setExpiryMonth(card.expiry().getMonthValue())
                    .setCvv(card.cvv());
            if (card.holderName() != null) {
                c.setHolderName(card.holderName());
            }
            return V1.PaymentMethod.newBuilder().setCard(c).build();
        }
        // PaymentMethod is sealed: the only other kind is the portal's account.
        return V1.PaymentMethod.newBuilder().setAccount(V1.AccountPayment.getDefaultInstance()).build();
    }

    private static PaymentMethod payment(V1.PaymentMethod payment) {
        return switch (payment.getMethodCase()) {
            case CARD -> {
                V1.CardPayment c = payment.getCard();
                yield new CardPayment(c.getNumber(), expiry(c), c.getCvv(), c.hasHolderName() ? c.getHolderName() : null);
            }
            case ACCOUNT -> PaymentMethod.account();
            case METHOD_NOT_SET -> throw new InvalidRequestException("payment must be a card or the account");
        };
    }

    private static YearMonth expiry(V1.CardPayment card) {
        try {
            return YearMonth.of(card.getExpiryYear(), card.getExpiryMonth());
        } catch (DateTimeException e) {
            throw new InvalidRequestException("card.expiry is not a valid month: year " + card.getExpiryYear()
                    + ", month " + card.getExpiryMonth());
        }
    }

    private static V1.PrintOptions print(PrintOptions print) {
        V1.PrintOptions.Builder b = V1.PrintOptions.newBuilder().setFormat(outputFormat(print.format()))
                .setDpi(print.dpi());
        if (print.backgroundId() != null) {
            b.setBackgroundId(print.backgroundId());
        }
        return b.build();
    }

    private static PrintOptions print(V1.PrintOptions print) {
        return new PrintOptions(outputFormat("print.format", print.getFormatValue()), print.getDpi(),
                print.hasBackgroundId() ? print.getBackgroundId() : null);
    }

    // --- Batch ---

    /** {@code request} on the wire. */
    public static V1.BatchPurchaseRequest batch(BatchPurchaseRequest request) {
        V1.BatchPurchaseRequest.Builder b = V1.BatchPurchaseRequest.newBuilder();
        for (BatchEntry entry : request.entries()) {
            b.addEntries(V1.BatchEntry.newBuilder().setReference(entry.reference()).setRequest(purchase(entry.request())));
        }
        return b.build();
    }

    /** The request {@code request} carries. */
    public static BatchPurchaseRequest batch(V1.BatchPurchaseRequest request) {
        var entries = new ArrayList<BatchEntry>(request.getEntriesCount());
        for (int i = 0; i < request.getEntriesCount(); i++) {
            V1.BatchEntry entry = request.getEntries(i);
            try {
                entries.add(new BatchEntry(entry.getReference(),
                        entry.hasRequest() ? purchase(entry.getRequest()) : null));
            } catch (InvalidRequestException e) {
                throw new InvalidRequestException("entries[" + i + "]: " + e.getMessage());
            }
        }
        return new BatchPurchaseRequest(entries);
    }

    // --- Refund, verify ---

    /** {@code request} on the wire. */
    public static V1.RefundRequest refund(RefundRequest request) {
        return V1.RefundRequest.newBuilder().setIndiciumId(request.indiciumId()).build();
    }

    /** The request {@code request} carries. */
    public static RefundRequest refund(V1.RefundRequest request) {
        return new RefundRequest(request.getIndiciumId());
    }

    /** {@code request} on the wire. */
    public static V1.VerifyRequest verify(VerifyRequest request) {
        return V1.VerifyRequest.newBuilder().setIndicium(bytes(request.indicium())).build();
    }

    /** The request {@code request} carries. */
    public static VerifyRequest verify(V1.VerifyRequest request) {
        return new VerifyRequest(bytes(request.getIndicium()));
    }

    // --- Lookup and history ---

    /** {@code request} on the wire. */
    public static V1.LookupPurchaseRequest lookup(PurchaseLookupRequest request) {
        return V1.LookupPurchaseRequest.newBuilder().setPurchaseId(request.purchaseId())
                .setPrint(print(request.print())).build();
    }

    /** The request {@code request} carries; an unset print means the signed data only. */
    public static PurchaseLookupRequest lookup(V1.LookupPurchaseRequest request) {
        return new PurchaseLookupRequest(request.getPurchaseId(),
                request.hasPrint() ? print(request.getPrint()) : PrintOptions.dataOnly());
    }

    /** {@code request} on the wire. */
    public static V1.ListPurchasesRequest list(PurchaseListRequest request) {
        V1.ListPurchasesRequest.Builder b = V1.ListPurchasesRequest.newBuilder().setFrom(timestamp(request.from()))
                .setTo(timestamp(request.to())).setPageSize(request.pageSize());
        if (request.pageToken() != null) {
            b.setPageToken(request.pageToken());
        }
        return b.build();
    }

    /** The request {@code request} carries; page size 0 means the default, an empty token the first page. */
    public static PurchaseListRequest list(V1.ListPurchasesRequest request) {
        return new PurchaseListRequest(request.hasFrom() ? instant("from", request.getFrom()) : null,
                request.hasTo() ? instant("to", request.getTo()) : null,
                request.getPageSize() == 0 ? PurchaseListRequest.DEFAULT_PAGE_SIZE : request.getPageSize(),
                request.getPageToken().isEmpty() ? null : request.getPageToken());
    }

    /** {@code request} on the wire. */
    public static V1.ExportJournalRequest export(JournalExportRequest request) {
        V1.ExportJournalRequest.Builder b = V1.ExportJournalRequest.newBuilder().setFrom(timestamp(request.from()))
                .setTo(timestamp(request.to())).setFormat(exportFormat(request.format()));
        if (request.meterId() != null) {
            b.setMeterId(request.meterId());
        }
        return b.build();
    }

    /** The request {@code request} carries. */
    public static JournalExportRequest export(V1.ExportJournalRequest request) {
        return new JournalExportRequest(request.hasFrom() ? instant("from", request.getFrom()) : null,
                request.hasTo() ? instant("to", request.getTo()) : null,
                exportFormat("format", request.getFormatValue()),
                request.hasMeterId() ? request.getMeterId() : null);
    }
}
