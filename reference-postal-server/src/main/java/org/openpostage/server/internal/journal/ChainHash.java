package org.openpostage.server.internal.journal;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;

/**
 * The hash chain of a journal (docs/ledger.md, "A tamper-evident journal"): each entry's hash is
 * SHA-256 over the previous entry's hash and the entry's canonical bytes, so that changing,
 * removing or reordering an entry changes every hash after it. The first entry of a chain follows
 * {@link #genesis()}, 32 zero bytes.
 *
 * <p>Canonical bytes are written field by field, in the order the caller adds them: a tag byte
 * per field type, then big-endian integers, UTF-8 strings with their length, timestamps as epoch
 * milliseconds (the ledger stores milliseconds), and a distinct tag for a missing value. Two
 * different entries therefore never share canonical bytes.
 */
public final class ChainHash {
    private static final int HASH_BYTES = 32;

    private static final int LONG = 1;
    private static final int TEXT = 2;
    private static final int TIME = 3;
    private static final int BYTES = 4;
    private static final int NULL = 0;

    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
    private final DataOutputStream out = new DataOutputStream(buffer);

    private ChainHash(String domain) {
        text(domain);
    }

    /** The hash before a chain's first entry: 32 zero bytes (a fresh array each time). */
    public static byte[] genesis() {
        return new byte[HASH_BYTES];
    }

    /** Canonical bytes of an entry of the chain named {@code domain} (for example {@code "meter-journal-v1"}). */
    public static ChainHash entry(String domain) {
        return new ChainHash(domain);
    }

    /** Adds a number. */
    public ChainHash number(long v) {
        try {
            out.writeByte(LONG);
            out.writeLong(v);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Adds a text, or a missing value. */
    public ChainHash text(String v) {
        try {
            if (v == null) {
                out.writeByte(NULL);
                return this;
            }
            byte[] utf8 = v.getBytes(StandardCharsets.UTF_8);
            out.writeByte(TEXT);
            out.writeInt(utf8.length);
            out.write(utf8);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Adds a timestamp (to the millisecond), or a missing value. */
    public ChainHash time(Instant v) {
        try {
            if (v == null) {
                out.writeByte(NULL);
                return this;
            }
            out.writeByte(TIME);
            out.writeLong(v.toEpochMilli());
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Adds bytes, or a missing value. */
    public ChainHash bytes(byte[] v) {
        try {
            if (v == null) {
                out.writeByte(NULL);
                return this;
            }
            out.writeByte(BYTES);
            out.writeInt(v.length);
            out.write(v);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The entry's canonical bytes. */
    public byte[] canonical() {
        return buffer.toByteArray();
    }

    /** SHA-256 over {@code previous} and this entry's canonical bytes. */
    public byte[] after(byte[] previous) {
        MessageDigest sha = sha256();
        sha.update(previous);
        sha.update(buffer.toByteArray());
        return sha.digest();
    }

    /** Reads canonical bytes back, field by field, in the order they were written. */
    public static Reader read(byte[] canonical, String domain) {
        Reader r = new Reader(canonical);
        String found = r.text();
        if (!domain.equals(found)) {
            throw new IllegalArgumentException("expected " + domain + ", found " + found);
        }
        return r;
    }

    /** Reads fields of canonical bytes; every read checks the field's tag. */
    public static final class Reader {
        private final java.nio.ByteBuffer in;

        private Reader(byte[] bytes) {
            this.in = java.nio.ByteBuffer.wrap(bytes);
        }

        /** The next field, a number. */
        public long number() {
            tag(LONG);
            return in.getLong();
        }

        /** The next field, a text or {@code null}. */
        public String text() {
            if (nullNext()) {
                return null;
            }
            tag(TEXT);
            byte[] utf8 = new byte[length()];
            in.get(utf8);
            return new String(utf8, StandardCharsets.UTF_8);
        }

        /** The next field, a timestamp or {@code null}. */
        public Instant time() {
            if (nullNext()) {
                return null;
            }
            tag(TIME);
            return Instant.ofEpochMilli(in.getLong());
        }

        /** The next field, bytes or {@code null}. */
        public byte[] bytes() {
            if (nullNext()) {
                return null;
            }
            tag(BYTES);
            byte[] b = new byte[length()];
            in.get(b);
            return b;
        }

        /** Whether every field was read. */
        public boolean atEnd() {
            return !in.hasRemaining();
        }

        private boolean nullNext() {
            if (in.hasRemaining() && in.get(in.position()) == NULL) {
                in.get();
                return true;
            }
            return false;
        }

        private int length() {
            int n = in.getInt();
            if (n < 0 || n > in.remaining()) {
                throw new IllegalArgumentException("a field's length " + n + " runs past the end");
            }
            return n;
        }

        private void tag(int expected) {
            int tag = in.get();
            if (tag != expected) {
                throw new IllegalArgumentException("field tag " + tag + " where " + expected + " was expected");
            }
        }
    }

    /** A SHA-256 digest. */
    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
