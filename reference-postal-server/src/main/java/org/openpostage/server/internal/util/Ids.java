package org.openpostage.server.internal.util;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * Random identifiers and secrets in lower-case base32 ({@code a-z2-7}): no characters that need
 * escaping in URLs, headers or XML, and no underscore, which separates the parts of an API key.
 */
public final class Ids {
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    /**
     * One generator per thread: a shared {@link SecureRandom} serializes its callers (and the JDK's
     * default, NativePRNG, also a process-wide lock around {@code /dev/urandom}), which a busy server's
     * request threads queued on. Each thread's DRBG (NIST SP 800-90A, seeded from the system's entropy
     * source) draws without a lock shared with other threads.
     */
    private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(Ids::generator);

    private Ids() {
    }

    /** {@code prefix + "_" +} 20 random characters (100 bits), for example {@code pur_k3j...}. */
    public static String newId(String prefix) {
        return prefix + "_" + random(20);
    }

    /** {@code length} random base32 characters (5 bits each), from one draw of this thread's generator. */
    public static String random(int length) {
        byte[] bytes = randomBytes(length);
        char[] out = new char[length];
        for (int i = 0; i < length; i++) {
            out[i] = ALPHABET[bytes[i] & 0x1F];
        }
        return new String(out);
    }

    /** {@code n} random bytes. */
    public static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.get().nextBytes(b);
        return b;
    }

    private static SecureRandom generator() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (NoSuchAlgorithmException e) {
            return new SecureRandom();
        }
    }
}
