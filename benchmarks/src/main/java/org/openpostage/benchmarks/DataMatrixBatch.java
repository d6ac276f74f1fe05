package org.openpostage.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.openpostage.api.indicium.SignedIndicium;
import org.openpostage.api.value.Bytes;
import org.openpostage.render.DataMatrixSymbol;

/**
 * The Java side of {@code benchmarks/zint-compare.sh}, outside JMH.
 *
 * <ul>
 *   <li>{@code payloads DIR N}: writes N signed indicia (127 bytes each) as {@code DIR/payload-I.bin}
 *       and as one {@code DIR/batch.txt} with a line of {@code \xNN} escapes per payload, zint's
 *       {@code --batch --esc} input.</li>
 *   <li>{@code render DIR}: draws every {@code DIR/payload-I.bin} as a Data Matrix PNG
 *       ({@code DIR/ours-I.png}) the way {@link DataMatrixBenchmark#zxingPngFile} does: one cold
 *       JVM drawing a batch, the counterpart of one {@code zint --batch} process.</li>
 * </ul>
 */
public final class DataMatrixBatch {
    private DataMatrixBatch() {
    }

    /**
     * Runs one of the commands above.
     *
     * @param args {@code payloads DIR N} or {@code render DIR}
     */
    public static void main(String[] args) throws IOException {
        if (args.length == 3 && args[0].equals("payloads")) {
            writePayloads(Path.of(args[1]), Integer.parseInt(args[2]));
        } else if (args.length == 2 && args[0].equals("render")) {
            System.out.println(render(Path.of(args[1])) + " symbols drawn");
        } else {
            System.err.println("usage: DataMatrixBatch payloads DIR N | render DIR");
            System.exit(2);
        }
    }

    private static void writePayloads(Path dir, int count) throws IOException {
        Files.createDirectories(dir);
        List<SignedIndicium> indicia = Fixtures.indicia(count);
        StringBuilder batch = new StringBuilder();
        for (int i = 0; i < count; i++) {
            byte[] payload = indicia.get(i).encoded().toArray();
            Files.write(dir.resolve("payload-" + i + ".bin"), payload);
            for (byte b : payload) {
                batch.append(String.format("\\x%02X", b & 0xFF));
            }
            batch.append('\n');
        }
        Files.writeString(dir.resolve("batch.txt"), batch);
    }

    private static int render(Path dir) throws IOException {
        int i = 0;
        for (; Files.exists(dir.resolve("payload-" + i + ".bin")); i++) {
            Bytes payload = Bytes.of(Files.readAllBytes(dir.resolve("payload-" + i + ".bin")));
            Files.write(dir.resolve("ours-" + i + ".png"), DataMatrixSymbol.encode(payload).png(6, 1, 300).content()
                    .toArray());
        }
        return i;
    }
}
