package org.openpostage.transport.grpc.internal.server;

import io.grpc.Context;
import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.openpostage.api.CallContext;
import org.openpostage.api.PostalService;
import org.openpostage.api.error.ErrorCode;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.error.PostageException;
import org.openpostage.transport.grpc.internal.GrpcErrors;
import org.openpostage.transport.grpc.internal.ProtoRequests;
import org.openpostage.transport.grpc.internal.ProtoResponses;
import org.openpostage.transport.grpc.internal.proto.PostalServiceGrpc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The methods of {@code openpostage.v1.PostalService}, each decoding its request into the
 * SDK model, calling the {@link PostalService} with the {@link CallContext} the interceptors
 * built, and encoding the result or the error.
 *
 * <p>Errors: a {@link PostageException} from decoding or from the service travels as its code;
 * anything else is logged with the request id and answered INTERNAL with a generic message, never
 * with a stack trace.
 */
final class PostalServiceHandlers {
    private static final Logger log = LoggerFactory.getLogger(PostalServiceHandlers.class);

    private final PostalService service;
    private final List<ServerMethodDefinition<?, ?>> methods = new ArrayList<>();

    private PostalServiceHandlers(PostalService service) {
        this.service = service;
    }

    /** The service definition exposing {@code service}, without interceptors. */
    static ServerServiceDefinition definition(PostalService service) {
        return new PostalServiceHandlers(service).build();
    }

    private ServerServiceDefinition build() {
        bind(PostalServiceGrpc.getQuoteMethod(), ProtoRequests::quote, service::quote, ProtoResponses::rateQuote);
        bind(PostalServiceGrpc.getPurchaseMethod(), ProtoRequests::purchase, service::purchase,
                ProtoResponses::purchase);
        bind(PostalServiceGrpc.getPurchaseBatchMethod(), ProtoRequests::batch, service::purchaseBatch,
                ProtoResponses::batch);
        bind(PostalServiceGrpc.getRefundMethod(), ProtoRequests::refund, service::refund, ProtoResponses::refund);
        bind(PostalServiceGrpc.getGetAccountStatementMethod(), request -> null,
                (none, context) -> service.accountStatement(context), ProtoResponses::accountStatement);
        bind(PostalServiceGrpc.getListBackgroundsMethod(), request -> null,
                (none, context) -> service.backgrounds(context), ProtoResponses::backgrounds);
        bind(PostalServiceGrpc.getGetVerificationKeysMethod(), request -> null,
                (none, context) -> service.verificationKeys(context), ProtoResponses::verificationKeys);
        bind(PostalServiceGrpc.getGetPrintComponentMethod(), request -> null,
                (none, context) -> service.printComponent(context), ProtoResponses::printComponent);
        bind(PostalServiceGrpc.getVerifyMethod(), ProtoRequests::verify, service::verify,
                ProtoResponses::verification);
        bind(PostalServiceGrpc.getLookupPurchaseMethod(), ProtoRequests::lookup, service::lookupPurchase,
                ProtoResponses::purchaseRecord);
        bind(PostalServiceGrpc.getListPurchasesMethod(), ProtoRequests::list, service::listPurchases,
                ProtoResponses::purchasePage);
        bind(PostalServiceGrpc.getExportJournalMethod(), ProtoRequests::export, service::exportJournal,
                ProtoResponses::journalExport);

        ServiceDescriptor generated = PostalServiceGrpc.getServiceDescriptor();
        ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(generated.getName())
                .setSchemaDescriptor(generated.getSchemaDescriptor()); // keeps server reflection working
        methods.forEach(m -> descriptor.addMethod(m.getMethodDescriptor()));
        ServerServiceDefinition.Builder definition = ServerServiceDefinition.builder(descriptor.build());
        methods.forEach(definition::addMethod);
        return definition.build();
    }

    /**
     * Binds one unary method: its request is read through {@link Inbound#marshaller}, then
     * {@code decode}d, passed to {@code invoke}, and the result {@code encode}d.
     */
    private <W, A, R, WR> void bind(MethodDescriptor<W, WR> generated, Function<W, A> decode,
                                    BiFunction<A, CallContext, R> invoke, Function<R, WR> encode) {
        MethodDescriptor<Inbound<W>, WR> method = generated.toBuilder(
                Inbound.marshaller(generated.getRequestMarshaller()), generated.getResponseMarshaller()).build();
        String rpc = generated.getBareMethodName();
        methods.add(ServerMethodDefinition.create(method, ServerCalls.asyncUnaryCall(
                (Inbound<W> inbound, StreamObserver<WR> responses) ->
                        handle(rpc, inbound, responses, decode, invoke, encode))));
    }

    private static <W, A, R, WR> void handle(String rpc, Inbound<W> inbound, StreamObserver<WR> responses,
                                             Function<W, A> decode, BiFunction<A, CallContext, R> invoke,
                                             Function<R, WR> encode) {
        CallContext context = ServerContextKeys.CALL_CONTEXT.get();
        String requestId = context.requestId();
        long started = System.nanoTime();
        try {
            if (inbound.error() != null) {
                throw new InvalidRequestException("the request is not a valid " + rpc + " request message: "
                        + inbound.error());
            }
            R result = invoke.apply(decode.apply(inbound.message()), context);
            if (Context.current().isCancelled()) {
                log.debug("{} (request {}) finished after its call had ended; answer dropped", rpc, requestId);
                return;
            }
            responses.onNext(encode.apply(result));
            responses.onCompleted();
            log.debug("{} (request {}, partner {}) OK in {} ms", rpc, requestId, context.caller().partnerId(),
                    (System.nanoTime() - started) / 1_000_000);
        } catch (PostageException e) {
            if (e.code() == ErrorCode.INVALID_CONFIGURATION) { // a client-side code: a server bug if raised here
                fail(rpc, requestId, responses, e);
                return;
            }
            log.debug("{} (request {}, partner {}) failed: {} {}", rpc, requestId, context.caller().partnerId(),
                    e.code(), e.getMessage());
            responses.onError(GrpcErrors.toStatusException(e, requestId));
        } catch (RuntimeException e) {
            fail(rpc, requestId, responses, e);
        }
    }

    private static void fail(String rpc, String requestId, StreamObserver<?> responses, RuntimeException e) {
        log.error("{} failed unexpectedly (request {})", rpc, requestId, e);
        responses.onError(GrpcErrors.toStatusException(ErrorCode.INTERNAL,
                "internal error; the server's log has the details under request id " + requestId, requestId));
    }
}
