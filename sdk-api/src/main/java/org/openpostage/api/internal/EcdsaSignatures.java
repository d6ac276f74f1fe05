package org.openpostage.api.internal;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * Converts ECDSA signatures between DER (what JCA providers speak) and the fixed-size
 * {@code r || s} form of IEEE P1363 (what an indicium carries). Not API.
 */
public final class EcdsaSignatures {
    private EcdsaSignatures() {
    }

    /**
     * The {@code 2 * size}-byte {@code r || s} form of a DER {@code SEQUENCE { INTEGER r, INTEGER s }}.
     *
     * @throws IllegalArgumentException if {@code der} is not such a sequence or a value is too large
     */
    public static byte[] derToRaw(byte[] der, int size) {
        int[] pos = {0};
        expect(der, pos, 0x30);
        int seqLen = length(der, pos);
        if (pos[0] + seqLen != der.length) {
            throw new IllegalArgumentException("DER sequence length does not match the signature");
        }
        byte[] raw = new byte[2 * size];
        integer(der, pos, raw, 0, size);
        integer(der, pos, raw, size, size);
        if (pos[0] != der.length) {
            throw new IllegalArgumentException("trailing bytes after the DER sequence");
        }
        return raw;
    }

    /** The DER encoding of an {@code r || s} signature whose halves are {@code raw.length / 2} bytes. */
    public static byte[] rawToDer(byte[] raw) {
        if (raw.length == 0 || raw.length % 2 != 0) {
            throw new IllegalArgumentException("raw signature length must be even, was " + raw.length);
        }
        int half = raw.length / 2;
        byte[] r = new BigInteger(1, Arrays.copyOfRange(raw, 0, half)).toByteArray();
        byte[] s = new BigInteger(1, Arrays.copyOfRange(raw, half, raw.length)).toByteArray();
        int bodyLen = 2 + r.length + 2 + s.length;
        if (bodyLen > 127) {
            throw new IllegalArgumentException("signature too long for short-form DER");
        }
        byte[] der = new byte[2 + bodyLen];
        int p = 0;
        der[p++] = 0x30;
        der[p++] = (byte) bodyLen;
        der[p++] = 0x02;
        der[p++] = (byte) r.length;
        System.arraycopy(r, 0, der, p, r.length);
        p += r.length;
        der[p++] = 0x02;
        der[p++] = (byte) s.length;
        System.arraycopy(s, 0, der, p, s.length);
        return der;
    }

    private static void integer(byte[] der, int[] pos, byte[] out, int outOffset, int size) {
        expect(der, pos, 0x02);
        int len = length(der, pos);
        if (len == 0 || pos[0] + len > der.length) {
            throw new IllegalArgumentException("bad DER integer length");
        }
        int start = pos[0];
        int end = start + len;
        while (start < end - 1 && der[start] == 0) {
            start++;
        }
        int n = end - start;
        if (n > size) {
            throw new IllegalArgumentException("DER integer longer than " + size + " bytes");
        }
        System.arraycopy(der, start, out, outOffset + size - n, n);
        pos[0] = end;
    }

    private static void expect(byte[] der, int[] pos, int tag) {
        if (pos[0] >= der.length || (der[pos[0]] & 0xFF) != tag) {
            throw new IllegalArgumentException("expected DER tag " + tag);
        }
        pos[0]++;
    }

    private static int length(byte[] der, int[] pos) {
        if (pos[0] >= der.length) {
            throw new IllegalArgumentException("truncated DER length");
        }
        int first = der[pos[0]++] & 0xFF;
        if (first < 0x80) {
            return first;
        }
        if (first == 0x81 && pos[0] < der.length) {
            return der[pos[0]++] & 0xFF;
        }
        throw new IllegalArgumentException("unsupported DER length form");
    }
}
