package org.openpostage.fuzzing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.grpc.CallOptions;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Timeout;
import org.openpostage.transport.grpc.GrpcServerBinding;
import org.openpostage.transport.grpc.GrpcServerOptions;

/**
 * The gRPC binding in front of the reference core, on any request message: byte 0 picks the
 * method, byte 1 the metadata (test or live key, idempotency key, request id), the rest is the
 * message's bytes as the client sends them (in-process, so no TLS and HTTP/2 framing is involved).
 * Every answer is OK or a documented status, never INTERNAL, UNKNOWN or DATA_LOSS, and when it is
 * not OK the money did not move. Seeds: valid messages of each method.
 */
class ProtoBindingFuzzTest {
    private static final Set<Status.Code> NEVER = Set.of(Status.Code.INTERNAL, Status.Code.UNKNOWN,
            Status.Code.DATA_LOSS, Status.Code.UNIMPLEMENTED);
    private static ManagedChannel channel;
    private static List<MethodDescriptor<byte[], byte[]>> methods;
    private static final AtomicLong KEYS = new AtomicLong();

    @FuzzTest(maxDuration = "30s")
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void answersOnlyDocumentedStatusesAndMovesNoMoneyWhenItRefuses(byte[] data) throws Exception {
        if (data.length < 2) {
            return;
        }
        Ledger ledger = Ledger.get();
        start(ledger);
        MethodDescriptor<byte[], byte[]> method = methods.get(Byte.toUnsignedInt(data[0]) % methods.size());
        int flags = data[1];
        Metadata headers = new Metadata();
        headers.put(key("x-api-key"), (flags & 1) == 0 ? ledger.testKey : ledger.liveKey);
        if ((flags & 4) == 0) {
            headers.put(key("idempotency-key"), "fuzz-" + KEYS.incrementAndGet());
        }
        if ((flags & 8) != 0) {
            headers.put(key("x-request-id"), "bad id " + flags);
        }
        String before = ledger.money();
        try {
            ClientCalls.blockingUnaryCall(ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers)),
                    method, CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS),
                    Arrays.copyOfRange(data, 2, data.length));
        } catch (StatusRuntimeException e) {
            Status.Code code = e.getStatus().getCode();
            assertFalse(NEVER.contains(code), method.getFullMethodName() + " answered " + e.getStatus());
            assertEquals(before, ledger.money(), method.getFullMethodName() + " refused (" + code + ") but money moved");
        }
    }

    private static Metadata.Key<String> key(String name) {
        return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
    }

    private static synchronized void start(Ledger ledger) throws IOException {
        if (channel != null) {
            return;
        }
        GrpcServerBinding binding = new GrpcServerBinding(ledger.core, ledger.core.authenticator(),
                GrpcServerOptions.builder().plaintext().build());
        String name = "fuzz-" + System.nanoTime();
        InProcessServerBuilder.forName(name).directExecutor().addService(binding.serviceDefinition()).build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        List<MethodDescriptor<byte[], byte[]>> all = new ArrayList<>();
        for (ServerMethodDefinition<?, ?> m : binding.serviceDefinition().getMethods()) {
            all.add(MethodDescriptor.<byte[], byte[]>newBuilder().setType(MethodDescriptor.MethodType.UNARY)
                    .setFullMethodName(m.getMethodDescriptor().getFullMethodName())
                    .setRequestMarshaller(RAW).setResponseMarshaller(RAW).build());
        }
        all.sort((a, b) -> a.getFullMethodName().compareTo(b.getFullMethodName()));
        methods = all;
    }

    /** The message bytes as they are, both ways. */
    private static final MethodDescriptor.Marshaller<byte[]> RAW = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    };
}
