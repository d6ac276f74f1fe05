package org.openpostage.benchmarks;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
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
import org.openpostage.api.indicium.SignedIndicium;
import org.openpostage.api.value.Bytes;
import org.openpostage.render.Background;
import org.openpostage.render.BackgroundImages;
import org.openpostage.render.StampReader;
import org.openpostage.render.StampRenderer;
import org.openpostage.render.StampVerification;

/**
 * Reading stamps back from rendered 300 dpi PNG files: PNG decoding, locating and decoding the
 * Data Matrix ({@code readBytes}; {@code readBytesWithBackground} for stamps with a picture); and
 * the same followed by indicium decoding and ECDSA verification, with the JDK's default provider
 * ({@code readAndVerify}) and with BouncyCastle ({@code readAndVerifyBc}, as verify-indicium and
 * the postal server verify).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DecodeBenchmark {
    private final StampReader reader = StampReader.create();
    private final StampReader bcReader = reader.withSignatureProvider(new BouncyCastleProvider());
    private List<byte[]> pngs;
    private List<byte[]> withBackground;
    private int next;

    @Setup
    public void setUp() {
        StampRenderer renderer = StampRenderer.builder().dpi(300).build();
        List<SignedIndicium> indicia = Fixtures.indicia();
        pngs = indicia.stream().map(i -> renderer.png(i).content().toArray()).toList();
        Background background = BackgroundImages.check(Fixtures.picturePng());
        withBackground = indicia.stream().map(i -> renderer.png(i, background).content().toArray()).toList();
        for (int i = 0; i < indicia.size(); i++) {
            if (!reader.readBytes(pngs.get(i)).equals(indicia.get(i).encoded())
                    || !reader.readBytes(withBackground.get(i)).equals(indicia.get(i).encoded())) {
                throw new IllegalStateException("stamp " + i + " does not read back");
            }
            if (!bcReader.verify(pngs.get(i), Fixtures.KEY_SET).valid()) {
                throw new IllegalStateException("stamp " + i + " does not verify with BouncyCastle");
            }
        }
    }

    private byte[] nextPng() {
        next = (next + 1) % pngs.size();
        return pngs.get(next);
    }

    @Benchmark
    public Bytes readBytes(CpuTime cpu) {
        cpu.start();
        Bytes result = reader.readBytes(nextPng());
        cpu.stop();
        return result;
    }

    @Benchmark
    public Bytes readBytesWithBackground(CpuTime cpu) {
        cpu.start();
        next = (next + 1) % withBackground.size();
        Bytes result = reader.readBytes(withBackground.get(next));
        cpu.stop();
        return result;
    }

    @Benchmark
    public StampVerification readAndVerify(CpuTime cpu) {
        cpu.start();
        StampVerification result = reader.verify(nextPng(), Fixtures.KEY_SET);
        cpu.stop();
        return result;
    }

    @Benchmark
    public StampVerification readAndVerifyBc(CpuTime cpu) {
        cpu.start();
        StampVerification result = bcReader.verify(nextPng(), Fixtures.KEY_SET);
        cpu.stop();
        return result;
    }
}
