package org.openpostage.api.model;

import org.openpostage.api.error.InvalidArgumentException;
import org.openpostage.api.internal.Checks;
import org.openpostage.api.value.Bytes;

/**
 * The print component a postal server publishes: a small JavaScript module that a portal hands
 * to the user's browser to print stamps at their exact physical size.
 *
 * <p>Portals should serve it with a Subresource Integrity attribute built from {@link #sha256()}.
 *
 * @param version   the component's version, for example {@code "1.0.0"}
 * @param mediaType {@code text/javascript}
 * @param script    the module's source, UTF-8
 * @param sha256    the SHA-256 of {@code script}, lower-case hex; checked by the constructor
 */
public record PrintComponent(String version, String mediaType, Bytes script, String sha256) {
    public PrintComponent {
        Checks.token("printComponent.version", version, 32);
        Checks.text("printComponent.mediaType", mediaType, 100);
        Checks.notNull("printComponent.script", script);
        Checks.notNull("printComponent.sha256", sha256);
        if (!java.security.MessageDigest.isEqual(script.sha256Hex().getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                sha256.getBytes(java.nio.charset.StandardCharsets.US_ASCII))) {
            throw new InvalidArgumentException("printComponent.sha256 does not match the script: it was altered");
        }
    }

    /** A component for {@code script}, its digest computed. */
    public static PrintComponent of(String version, Bytes script) {
        return new PrintComponent(version, "text/javascript", script, script.sha256Hex());
    }

    /** The Subresource Integrity value for a {@code <script integrity=...>} attribute. */
    public String integrity() {
        return "sha256-" + java.util.Base64.getEncoder().encodeToString(java.util.HexFormat.of().parseHex(sha256));
    }
}
