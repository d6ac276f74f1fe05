package org.openpostage.transport.xml;

import org.openpostage.api.error.ConfigurationException;

/**
 * The bounds within which XML is read; anything beyond them is rejected before it can cost memory
 * or time. A body over {@code maxBodyBytes} is refused with 413 (checked against
 * {@code Content-Length} up front and counted while reading); a document over any other limit is
 * refused with 400.
 *
 * @param maxBodyBytes            the largest body read, in bytes
 * @param maxDepth                the deepest element nesting
 * @param maxElements             the most elements in one document
 * @param maxTextLength           the longest text content of one element, in characters
 * @param maxAttributesPerElement the most attributes on one element
 */
public record XmlLimits(long maxBodyBytes, int maxDepth, int maxElements, int maxTextLength,
                        int maxAttributesPerElement) {
    /** Limits for requests a server accepts: 2 MiB, depth 32, 100,000 elements, 16 KiB of text, 8 attributes. */
    public static final XmlLimits REQUESTS = new XmlLimits(2L << 20, 32, 100_000, 16 << 10, 8);

    /**
     * Limits for responses a client accepts, which carry images and scripts: 64 MiB, depth 32,
     * 1,000,000 elements, 48 MiB of text in one element, 8 attributes.
     */
    public static final XmlLimits RESPONSES = new XmlLimits(64L << 20, 32, 1_000_000, 48 << 20, 8);

    public XmlLimits {
        positive("maxBodyBytes", maxBodyBytes);
        positive("maxDepth", maxDepth);
        positive("maxElements", maxElements);
        positive("maxTextLength", maxTextLength);
        positive("maxAttributesPerElement", maxAttributesPerElement);
    }

    /** A copy whose body limit is {@code maxBodyBytes}. */
    public XmlLimits withMaxBodyBytes(long maxBodyBytes) {
        return new XmlLimits(maxBodyBytes, maxDepth, maxElements, maxTextLength, maxAttributesPerElement);
    }

    private static void positive(String name, long value) {
        if (value <= 0) {
            throw new ConfigurationException("XmlLimits." + name + " must be positive, was " + value);
        }
    }
}
