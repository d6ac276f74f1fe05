package org.openpostage.api.value;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import org.openpostage.api.error.InvalidArgumentException;
import org.openpostage.api.error.InvalidRequestException;

/**
 * An immutable sequence of bytes: indicium data, images, scripts.
 *
 * <p>Value types hold {@code Bytes} rather than {@code byte[]} so that they stay immutable and
 * compare by content. Every factory copies its input and every accessor that returns an array
 * returns a fresh copy. Instances are thread-safe.
 */
public final class Bytes {
    private static final Bytes EMPTY = new Bytes(new byte[0]);
    private final byte[] bytes;

    private Bytes(byte[] bytes) {
        this.bytes = bytes;
    }

    /** Returns a {@code Bytes} holding a copy of {@code bytes}. */
    public static Bytes of(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        return bytes.length == 0 ? EMPTY : new Bytes(bytes.clone());
    }

    /** Returns a {@code Bytes} holding a copy of {@code length} bytes of {@code bytes} from {@code offset}. */
    public static Bytes of(byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        return new Bytes(Arrays.copyOfRange(bytes, offset, offset + length));
    }

    /** The empty sequence. */
    public static Bytes empty() {
        return EMPTY;
    }

    /**
     * Decodes standard base64 (RFC 4648, with or without line breaks).
     *
     * @throws InvalidRequestException if {@code base64} is not valid base64
     */
    public static Bytes fromBase64(String base64) {
        Objects.requireNonNull(base64, "base64");
        try {
            return new Bytes(Base64.getMimeDecoder().decode(base64));
        } catch (IllegalArgumentException e) {
            throw new InvalidArgumentException("not valid base64: " + e.getMessage());
        }
    }

    /**
     * Decodes hexadecimal text; whitespace between digits is ignored.
     *
     * @throws InvalidRequestException if {@code hex} has an odd number of digits or a non-hex character
     */
    public static Bytes fromHex(String hex) {
        Objects.requireNonNull(hex, "hex");
        String digits = hex.replaceAll("\\s+", "");
        try {
            return new Bytes(HexFormat.of().parseHex(digits));
        } catch (IllegalArgumentException e) {
            throw new InvalidArgumentException("not valid hexadecimal: " + e.getMessage());
        }
    }

    /** The number of bytes. */
    public int size() {
        return bytes.length;
    }

    /** Whether there are no bytes. */
    public boolean isEmpty() {
        return bytes.length == 0;
    }

    /** The byte at {@code index}. */
    public byte byteAt(int index) {
        return bytes[index];
    }

    /** A fresh copy of the bytes. */
    public byte[] toArray() {
        return bytes.clone();
    }

    /** A stream over the bytes, without copying them. */
    public InputStream newInputStream() {
        return new ByteArrayInputStream(bytes);
    }

    /** Standard base64 without line breaks. */
    public String toBase64() {
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** Lower-case hexadecimal. */
    public String toHex() {
        return HexFormat.of().formatHex(bytes);
    }

    /** The SHA-256 digest of the bytes, as lower-case hexadecimal. */
    public String sha256Hex() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Bytes other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    /** Shows the length only: contents may be large or sensitive. */
    @Override
    public String toString() {
        return "Bytes[" + bytes.length + "]";
    }
}
