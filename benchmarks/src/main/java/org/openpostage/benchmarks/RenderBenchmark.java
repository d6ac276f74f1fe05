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
import org.openpostage.api.indicium.SignedIndicium;
import org.openpostage.api.model.RenderedImage;
import org.openpostage.render.Background;
import org.openpostage.render.BackgroundImages;
import org.openpostage.render.StampRenderer;

/** Rendering whole stamps at 300 dpi: PNG (1-bit, and RGB with a background), PDF, ZPL. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RenderBenchmark {
    private final StampRenderer renderer = StampRenderer.builder().dpi(300).build();
    private List<SignedIndicium> indicia;
    private Background background;
    private int next;

    @Setup
    public void setUp() {
        // More indicia than the renderer keeps lines of text (512): every stamp's "Serial" line is
        // drawn afresh, as on a postal server, where no two stamps share a serial.
        indicia = Fixtures.indicia(4096);
        background = BackgroundImages.check(Fixtures.picturePng());
        renderer.png(indicia.get(0), background); // scales the picture once, as a server reusing it would
    }

    private SignedIndicium nextIndicium() {
        next = (next + 1) % indicia.size();
        return indicia.get(next);
    }

    @Benchmark
    public RenderedImage png300(CpuTime cpu) {
        cpu.start();
        RenderedImage result = renderer.png(nextIndicium());
        cpu.stop();
        return result;
    }

    @Benchmark
    public RenderedImage png300WithBackground(CpuTime cpu) {
        cpu.start();
        RenderedImage result = renderer.png(nextIndicium(), background);
        cpu.stop();
        return result;
    }

    @Benchmark
    public RenderedImage pdf(CpuTime cpu) {
        cpu.start();
        RenderedImage result = renderer.pdf(nextIndicium());
        cpu.stop();
        return result;
    }

    @Benchmark
    public RenderedImage pdfWithBackground(CpuTime cpu) {
        cpu.start();
        RenderedImage result = renderer.pdf(nextIndicium(), background);
        cpu.stop();
        return result;
    }

    @Benchmark
    public String zpl(CpuTime cpu) {
        cpu.start();
        String result = renderer.zpl(nextIndicium());
        cpu.stop();
        return result;
    }
}
