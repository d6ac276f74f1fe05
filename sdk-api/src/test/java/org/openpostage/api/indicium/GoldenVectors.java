package org.openpostage.api.indicium;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openpostage.api.value.Bytes;
import org.openpostage.api.value.MailClass;
import org.openpostage.api.value.Money;
import org.openpostage.api.value.PostalCode;

/** Reads {@code golden/indicium-v1.txt}: blocks of {@code name: value} lines separated by blank lines. */
final class GoldenVectors {
    record Vector(String name, IndiciumData data, Bytes publicKey, Bytes privateKey, Bytes encoded) {
    }

    static List<Vector> load() throws IOException {
        String text;
        try (InputStream in = GoldenVectors.class.getResourceAsStream("/golden/indicium-v1.txt")) {
            text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
        List<Vector> vectors = new ArrayList<>();
        for (String block : text.split("\\R\\s*\\R")) {
            Map<String, String> f = new LinkedHashMap<>();
            for (String line : block.split("\\R")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    int colon = line.indexOf(": ");
                    f.put(line.substring(0, colon), line.substring(colon + 2));
                }
            }
            if (f.isEmpty()) {
                continue;
            }
            String[] postage = f.get("postage").split(" ");
            IndiciumData data = IndiciumData.builder()
                    .algorithm(SignatureAlgorithm.valueOf(f.get("algorithm")))
                    .keyId(Long.parseLong(f.get("keyId")))
                    .vendorId(Integer.parseInt(f.get("vendorId")))
                    .meterId(Long.parseLong(f.get("meterId")))
                    .pieceSerial(Long.parseLong(f.get("pieceSerial")))
                    .ascendingRegister(Long.parseLong(f.get("ascendingRegister")))
                    .descendingRegister(Long.parseLong(f.get("descendingRegister")))
                    .postage(Money.of(Long.parseLong(postage[0]), postage[1]))
                    .dateOfMailing(LocalDate.parse(f.get("dateOfMailing")))
                    .origin(PostalCode.of(f.get("origin")))
                    .destination(f.get("destination").equals("-") ? null : PostalCode.of(f.get("destination")))
                    .mailClass(MailClass.valueOf(f.get("mailClass")))
                    .softwareId(Integer.parseInt(f.get("softwareId")))
                    .testMode(Boolean.parseBoolean(f.get("testMode")))
                    .build();
            vectors.add(new Vector(f.get("name"), data, Bytes.fromBase64(f.get("publicKey")),
                    f.containsKey("privateKey") ? Bytes.fromBase64(f.get("privateKey")) : null,
                    Bytes.fromHex(f.get("hex"))));
        }
        return vectors;
    }

    private GoldenVectors() {
    }
}
