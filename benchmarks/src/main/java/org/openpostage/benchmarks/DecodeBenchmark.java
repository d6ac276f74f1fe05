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
import org.openpostage.api.Bytes;
import org.openpostage.api.indicium.SignedIndicium;
import org.openpostage.render.StampReader;
import org.openpostage.render.StampRenderer;
import org.openpostage.render.StampVerification;

/**
 * Reading stamps back from rendered 300 dpi PNG files: PNG decoding, locating and decoding the
 * Data Matrix; and the same followed by indicium decoding and ECDSA verification.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DecodeBenchmark {
    private final StampReader reader = StampReader.create();
    private List<byte[]> pngs;
    private int next;

    @Setup
    public void setUp() {
        StampRenderer renderer = StampRenderer.builder().dpi(300).build();
        List<SignedIndicium> indicia = Fixtures.indicia();
        pngs = indicia.stream().map(i -> renderer.png(i).content().toArray()).toList();
        for (int i = 0; i < indicia.size(); i++) {
            if (!reader.readBytes(pngs.get(i)).equals(indicia.get(i).encoded())) {
                throw new IllegalStateException("stamp " + i + " does not read back");
            }
        }
    }

    private byte[] nextPng() {
        next = (next + 1) % pngs.size();
        return pngs.get(next);
    }

    @Benchmark
    public Bytes readBytes() {
        return reader.readBytes(nextPng());
    }

    @Benchmark
    public StampVerification readAndVerify() {
        return reader.verify(nextPng(), Fixtures.KEY_SET);
    }
}
