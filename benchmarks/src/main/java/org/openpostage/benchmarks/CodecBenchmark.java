package org.openpostage.benchmarks;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openpostage.api.indicium.IndiciumCodec;
import org.openpostage.api.indicium.IndiciumData;
import org.openpostage.api.indicium.SignedIndicium;

/** The indicium codec of sdk-api: encoding the signed part, assembling with a signature, decoding. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CodecBenchmark {
    private List<SignedIndicium> indicia;
    private int next;

    @Setup
    public void setUp() {
        indicia = Fixtures.indicia();
    }

    private SignedIndicium nextIndicium() {
        next = (next + 1) % indicia.size();
        return indicia.get(next);
    }

    /** The 63-byte signed part from the fields. */
    @Benchmark
    public byte[] encodePayload() {
        return IndiciumCodec.encodePayload(nextIndicium().data());
    }

    /** The full 127-byte indicium from the fields and a signature made elsewhere. */
    @Benchmark
    public SignedIndicium encodeWithSignature() {
        SignedIndicium i = nextIndicium();
        return IndiciumCodec.assemble(i.data(), i.signature().toArray());
    }

    /** Strict decoding of 127 bytes into fields and signature. */
    @Benchmark
    public IndiciumData decode() {
        return IndiciumCodec.decode(nextIndicium().encoded()).data();
    }
}
