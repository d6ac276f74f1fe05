package org.openpostage.architecture;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every public top-level type of the SDK modules carries a Javadoc comment. Javadoc lives only in
 * sources, so this reads them.
 */
class JavadocCoverageTest {
    private static final List<String> SDK_MODULES =
            List.of("sdk-api", "sdk-xml-transport", "sdk-grpc-transport", "sdk-render", "sdk-observability",
                    "conformance-kit", "conformance-cli", "openpostage-spring-boot-starter");
    private static final Pattern PUBLIC_TYPE = Pattern.compile(
            "^public\\s+(?:(?:final|abstract|sealed|non-sealed|static)\\s+)*(?:class|interface|enum|record|@interface)\\s+(\\w+)",
            Pattern.MULTILINE);

    @Test
    void everyPublicSdkTypeHasJavadoc() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        List<String> undocumented = new ArrayList<>();
        int checked = 0;
        for (String module : SDK_MODULES) {
            Path sources = root.resolve(module).resolve("src/main/java");
            if (!Files.isDirectory(sources)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(sources)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    String text = Files.readString(file);
                    Matcher m = PUBLIC_TYPE.matcher(text);
                    if (!m.find()) {
                        continue;
                    }
                    checked++;
                    if (!documented(text.substring(0, m.start()))) {
                        undocumented.add(root.relativize(file) + " (" + m.group(1) + ")");
                    }
                }
            }
        }
        assertTrue(checked > 50, "expected to find the SDK's sources under " + root + ", checked " + checked);
        assertTrue(undocumented.isEmpty(), "public types without Javadoc:\n  " + String.join("\n  ", undocumented));
    }

    /**
     * Whether the text before a declaration ends with a Javadoc comment, annotations aside (also those
     * spanning several lines, such as picocli's {@code @Command(...)}).
     */
    static boolean documented(String before) {
        int end = before.lastIndexOf("*/");
        if (end < 0) {
            return false;
        }
        String between = before.substring(end + 2).strip();
        if (!between.isEmpty() && !between.startsWith("@")) {
            return false;
        }
        int start = before.lastIndexOf("/**", end);
        return start >= 0 && before.indexOf("*/", start + 3) == end; // that comment is the one that ends here
    }
}
