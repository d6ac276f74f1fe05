package org.openpostage.benchmarks;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openpostage.api.indicium.SignedIndicium;
import org.openpostage.api.model.RenderedImage;
import org.openpostage.api.value.Bytes;
import org.openpostage.render.DataMatrixSymbol;
import org.openpostage.render.StampReader;

/**
 * The same Data Matrix payloads (16 signed indicia of 127 bytes) drawn to PNG by our ZXing-based
 * path and by {@code zint} (Debian package), in the same run: 6 pixels per module (0.5 mm at
 * 300 dpi), 1 module of quiet zone, square ECC 200, 1-bit PNG. zint is a process per image, as a
 * server shelling out to it would run it; {@link #processSpawnBaseline} measures what starting
 * any process costs here, so that zint's own work can be told apart, and {@link #zintBatchPng}
 * lets one zint process draw all 16 (its {@code --batch} mode, payloads as {@code \xNN} escapes),
 * which spreads one start-up over 16 symbols. Setup checks that zint's images, single and batch,
 * decode to the same bytes and have the same pixel size as ours.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DataMatrixBenchmark {
    private static final String ZINT = "/usr/bin/zint";
    private List<Bytes> payloads;
    private List<Path> inputs;
    private Path dir;
    private Path output;
    private Path batchInput;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws IOException, InterruptedException {
        payloads = Fixtures.indicia().stream().map(SignedIndicium::encoded).toList();
        dir = Files.createTempDirectory("openpostage-zint");
        output = dir.resolve("out.png");
        inputs = new ArrayList<>();
        for (int i = 0; i < payloads.size(); i++) {
            inputs.add(Files.write(dir.resolve("payload-" + i + ".bin"), payloads.get(i).toArray()));
        }
        StringBuilder batch = new StringBuilder();
        for (Bytes payload : payloads) {
            for (byte b : payload.toArray()) {
                batch.append(String.format("\\x%02X", b & 0xFF));
            }
            batch.append('\n');
        }
        batchInput = Files.writeString(dir.resolve("batch.txt"), batch);
        if (Files.isExecutable(Path.of(ZINT))) {
            zintBatch();
            for (int i = 0; i < payloads.size(); i++) {
                zint(inputs.get(i));
                check(Files.readAllBytes(output), i, "zint");
                check(Files.readAllBytes(batchOutput(i)), i, "zint --batch");
            }
        }
    }

    private void check(byte[] png, int i, String tool) throws IOException {
        if (!StampReader.create().readBytes(png).equals(payloads.get(i))) {
            throw new IllegalStateException(tool + "'s symbol " + i + " does not decode to its payload");
        }
        BufferedImage theirs = ImageIO.read(new ByteArrayInputStream(png));
        BufferedImage ours = ImageIO.read(new ByteArrayInputStream(
                DataMatrixSymbol.encode(payloads.get(i)).png(6, 1, 300).content().toArray()));
        if (theirs.getWidth() != ours.getWidth() || theirs.getHeight() != ours.getHeight()) {
            throw new IllegalStateException(tool + " draws " + theirs.getWidth() + "x" + theirs.getHeight()
                    + " pixels, ZXing " + ours.getWidth() + "x" + ours.getHeight());
        }
    }

    private Path batchOutput(int i) {
        return dir.resolve(String.format("batch%02d.png", i + 1));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    private int nextIndex() {
        next = (next + 1) % payloads.size();
        return next;
    }

    /** ZXing: bytes to Data Matrix modules (no image). */
    @Benchmark
    public DataMatrixSymbol zxingEncode() {
        return DataMatrixSymbol.encode(payloads.get(nextIndex()));
    }

    /** ZXing: bytes to a 1-bit PNG file's bytes, in process. */
    @Benchmark
    public RenderedImage zxingPng() {
        return DataMatrixSymbol.encode(payloads.get(nextIndex())).png(6, 1, 300);
    }

    /** ZXing: bytes to a PNG file on disk, as zint does. */
    @Benchmark
    public Path zxingPngFile() throws IOException {
        return Files.write(output, DataMatrixSymbol.encode(payloads.get(nextIndex())).png(6, 1, 300).content().toArray());
    }

    /** zint: one process per image reading the payload file and writing the PNG. */
    @Benchmark
    public int zintPng() throws IOException, InterruptedException {
        return zint(inputs.get(nextIndex()));
    }

    /** zint: one process drawing all 16 symbols to 16 PNG files; the score counts symbols. */
    @Benchmark
    @OperationsPerInvocation(Fixtures.COUNT)
    public int zintBatchPng() throws IOException, InterruptedException {
        return zintBatch();
    }

    /** Starting and waiting for /bin/true: the cost of any process, included in {@link #zintPng}. */
    @Benchmark
    public int processSpawnBaseline() throws IOException, InterruptedException {
        return new ProcessBuilder("/bin/true").start().waitFor();
    }

    private int zint(Path input) throws IOException, InterruptedException {
        return run(new ProcessBuilder(ZINT, "-b", "71", "--binary", "--square", "--quietzones", "--scale=3",
                "--input=" + input, "-o", output.toString()));
    }

    private int zintBatch() throws IOException, InterruptedException {
        return run(new ProcessBuilder(ZINT, "-b", "71", "--binary", "--esc", "--batch", "--square", "--quietzones",
                "--scale=3", "--input=" + batchInput, "-o", dir.resolve("batch~~.png").toString()));
    }

    private static int run(ProcessBuilder command) throws IOException, InterruptedException {
        Process p = command.redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        int code = p.waitFor();
        if (code != 0) {
            throw new IllegalStateException("zint failed with exit code " + code);
        }
        return code;
    }
}
