package org.openpostage.render;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openpostage.api.model.PrintComponent;
import org.openpostage.api.value.Bytes;

/**
 * The print component shipped with this library: a dependency-free JavaScript module that prints
 * a stamp or sheet image, or several of them in one print job (one image a page), at its exact
 * physical size, at page load or on a click, and reports the result to the page. It adds no
 * inline style, so it runs under a Content-Security-Policy without {@code 'unsafe-inline'}. The postal server publishes it ({@code PostalService.printComponent});
 * portals serve it to browsers with its Subresource Integrity value
 * ({@link PrintComponent#integrity()}). Its API is in {@code docs/rendering.md}.
 */
public final class PrintComponents {
    /** Where the script lives on the class path. */
    public static final String RESOURCE = "org/openpostage/render/print/openpostage-print.js";

    private static final Pattern VERSION = Pattern.compile("export const VERSION = '([0-9A-Za-z.+-]+)';");
    private static final PrintComponent CURRENT = load();

    private PrintComponents() {
    }

    /** The component: version (as declared in the script), script bytes and SHA-256. */
    public static PrintComponent current() {
        return CURRENT;
    }

    private static PrintComponent load() {
        try (InputStream in = PrintComponents.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the print component " + RESOURCE + " is missing from the class path");
            }
            byte[] script = in.readAllBytes();
            Matcher m = VERSION.matcher(new String(script, StandardCharsets.UTF_8));
            if (!m.find()) {
                throw new IllegalStateException("the print component declares no VERSION");
            }
            return PrintComponent.of(m.group(1), Bytes.of(script));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the print component: " + e.getMessage(), e);
        }
    }
}
