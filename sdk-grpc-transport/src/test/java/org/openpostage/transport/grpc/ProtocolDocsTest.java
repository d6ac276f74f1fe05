package org.openpostage.transport.grpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openpostage.api.error.ErrorCode;
import org.openpostage.api.model.BatchEntry;
import org.openpostage.api.model.BatchPurchaseRequest;
import org.openpostage.api.model.CardPayment;
import org.openpostage.api.model.Dimensions;
import org.openpostage.api.model.MailPiece;
import org.openpostage.api.model.PrintOptions;
import org.openpostage.api.model.PurchaseItem;
import org.openpostage.api.model.PurchaseRequest;
import org.openpostage.api.value.MailClass;
import org.openpostage.api.value.Money;
import org.openpostage.api.value.PostalCode;
import org.openpostage.api.value.Weight;
import org.openpostage.transport.grpc.internal.ProtoRequests;
import org.openpostage.transport.grpc.internal.proto.PostalServiceGrpc;

/** The published protocol (docs/protocol) stays in step with the code. */
class ProtocolDocsTest {
    private static final Path MODULE = Path.of("").toAbsolutePath();
    private static final Path SOURCE = MODULE.resolve("src/main/proto/openpostage/v1/postage.proto");
    private static final Path DOCS = MODULE.resolve("../docs/protocol").normalize();

    @Test
    void thePublishedProtoFileIsTheSource() throws IOException {
        Path copy = DOCS.resolve("openpostage/v1/postage.proto");
        assertArrayEquals(Files.readAllBytes(SOURCE), Files.readAllBytes(copy),
                copy + " differs from " + SOURCE + "; copy the source over it");
    }

    @Test
    void theGuideCoversEveryMethodCodeMetadataKeyAndOption() throws IOException {
        String guide = Files.readString(DOCS.resolve("grpc.md"));
        for (var method : PostalServiceGrpc.getServiceDescriptor().getMethods()) {
            assertTrue(guide.contains("`" + method.getBareMethodName() + "`"), method.getBareMethodName());
        }
        for (ErrorCode code : ErrorCode.values()) {
            assertTrue(guide.contains("`" + code.name() + "`"), code.name());
        }
        for (String key : new String[] {"x-api-key", "idempotency-key", "x-request-id", "grpc-status-details-bin",
                GrpcTransportProvider.MAX_INBOUND_MESSAGE_SIZE, GrpcTransportProvider.KEEP_ALIVE_TIME,
                GrpcTransportProvider.AUTHORITY}) {
            assertTrue(guide.contains("`" + key + "`"), key);
        }
    }

    @Test
    void theDefaultRequestLimitHoldsTheLargestValidRequestTenTimesOver() {
        PurchaseItem item = new PurchaseItem(new MailPiece(MailClass.REGISTERED_LETTER, Weight.ofGrams(500),
                new Dimensions(3000, 3000, 3000), PostalCode.of("AB12-34567"), PostalCode.of("CD98-76543")),
                Money.of(Integer.MAX_VALUE, "USD"), LocalDate.of(2026, 12, 31));
        CardPayment card = new CardPayment("4444444444444444442", // 19 digits, Luhn-valid
                YearMonth.of(2099, 12), "1234",
                "H".repeat(100));
        List<BatchEntry> entries = new ArrayList<>();
        for (int i = 0; i < BatchPurchaseRequest.MAX_ENTRIES; i++) {
            entries.add(new BatchEntry(String.format("%064d", i), new PurchaseRequest(List.of(item), card,
                    PrintOptions.png(600).withBackground("b".repeat(64)), 0xFFFF_FFFFL)));
        }
        int largestBatch = ProtoRequests.batch(new BatchPurchaseRequest(entries)).getSerializedSize();
        int largestPurchase = ProtoRequests.purchase(new PurchaseRequest(Collections.nCopies(
                PurchaseRequest.MAX_ITEMS, item), card, PrintOptions.png(600).withBackground("b".repeat(64)),
                0xFFFF_FFFFL)).getSerializedSize();
        assertTrue(10L * Math.max(largestBatch, largestPurchase) < GrpcServerOptions.DEFAULT_MAX_INBOUND_MESSAGE_SIZE,
                "largest batch " + largestBatch + " B, largest purchase " + largestPurchase + " B");
    }
}
