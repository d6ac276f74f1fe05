package org.openpostage.transport.xml.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every XML reader, mapper and schema factory of the module is made in {@link HardenedXml} and nowhere else. */
class OneXmlFactoryTest {
    private static final Pattern FACTORY_CALL = Pattern.compile(
            "XMLInputFactory\\.new|XMLInputFactory2?\\s*\\(|new\\s+Wstx\\w*Factory|new\\s+XmlMapper|XmlMapper\\.builder"
                    + "|new\\s+XmlFactory|SchemaFactory\\.new|DocumentBuilderFactory|SAXParserFactory|TransformerFactory"
                    + "|new\\s+ObjectMapper");

    @Test
    void onlyHardenedXmlCreatesXmlFactories() throws IOException {
        Path main = Path.of("src", "main", "java");
        List<String> offenders = new ArrayList<>();
        int inHardened = 0;
        try (Stream<Path> files = Files.walk(main)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                long hits = Files.readAllLines(file).stream().filter(l -> FACTORY_CALL.matcher(l).find()).count();
                if (file.getFileName().toString().equals("HardenedXml.java")) {
                    inHardened += (int) hits;
                } else if (hits > 0) {
                    offenders.add(file.toString());
                }
            }
        }
        assertEquals(List.of(), offenders);
        assertTrue(inHardened >= 3, "HardenedXml makes the input factory, the mapper and the schema factory");
    }
}
