package org.openpostage.server.internal.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Operators' passwords, hashed with Argon2id (BouncyCastle's implementation) at OWASP's
 * recommended work factor: 19 MiB of memory, 2 iterations, 1 lane, a 16-byte random salt and a
 * 32-byte hash, stored as a PHC string ({@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>}, base64
 * without padding). A stored hash names its own parameters, so hashes made with an older work
 * factor still verify and are replaced at the next sign-in ({@link #needsRehash}). Thread-safe.
 */
public final class OperatorPasswords {
    /** Memory in KiB. */
    static final int MEMORY_KIB = 19_456;
    /** Passes over the memory. */
    static final int ITERATIONS = 2;
    /** Lanes. */
    static final int PARALLELISM = 1;
    /** The shortest password accepted. */
    public static final int MIN_LENGTH = 12;
    /** The longest password accepted (hashing is linear in its length; nobody types more). */
    public static final int MAX_LENGTH = 1024;

    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final Pattern PHC = Pattern.compile(
            "\\$argon2id\\$v=19\\$m=(\\d{1,7}),t=(\\d{1,2}),p=(\\d{1,2})\\$([A-Za-z0-9+/]{16,64})\\$([A-Za-z0-9+/]{16,128})");
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Verified against when no account exists, so that an unknown name takes as long as a wrong password. */
    private static final String DUMMY = hash("not the password of anyone".toCharArray());

    private OperatorPasswords() {
    }

    /**
     * Checks a new password: {@value #MIN_LENGTH} to {@value #MAX_LENGTH} characters, not all the same.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static void checkStrength(char[] password) {
        if (password == null || password.length < MIN_LENGTH) {
            throw new IllegalArgumentException("a password needs at least " + MIN_LENGTH + " characters");
        }
        if (password.length > MAX_LENGTH) {
            throw new IllegalArgumentException("a password has at most " + MAX_LENGTH + " characters");
        }
        char first = password[0];
        boolean same = true;
        for (char c : password) {
            same &= c == first;
        }
        if (same) {
            throw new IllegalArgumentException("a password of one repeated character is too easy to guess");
        }
    }

    /** The PHC string of {@code password} with a fresh salt and the current work factor. */
    public static String hash(char[] password) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        byte[] hash = derive(password, salt, MEMORY_KIB, ITERATIONS, PARALLELISM, HASH_BYTES);
        return "$argon2id$v=19$m=" + MEMORY_KIB + ",t=" + ITERATIONS + ",p=" + PARALLELISM + "$" + B64.encodeToString(salt)
                + "$" + B64.encodeToString(hash);
    }

    /** Whether {@code password} matches {@code stored}; {@code false} for a malformed stored value. Constant time. */
    public static boolean matches(char[] password, String stored) {
        Matcher m = stored == null ? null : PHC.matcher(stored);
        if (m == null || !m.matches() || password == null || password.length > MAX_LENGTH) {
            return false;
        }
        int memory = Integer.parseInt(m.group(1));
        int iterations = Integer.parseInt(m.group(2));
        int lanes = Integer.parseInt(m.group(3));
        if (memory < 8 * lanes || memory > 4 * 1024 * 1024 || iterations < 1 || lanes < 1) {
            return false;
        }
        byte[] salt = B64D.decode(m.group(4));
        byte[] expected = B64D.decode(m.group(5));
        byte[] actual = derive(password, salt, memory, iterations, lanes, expected.length);
        return MessageDigest.isEqual(expected, actual);
    }

    /** Spends as long as checking a password does, and returns {@code false}: for names that have no account. */
    public static boolean matchesNobody(char[] password) {
        matches(password, DUMMY);
        return false;
    }

    /** Whether {@code stored} was made with a weaker work factor than today's, and should be replaced. */
    public static boolean needsRehash(String stored) {
        Matcher m = PHC.matcher(stored);
        return !m.matches() || Integer.parseInt(m.group(1)) < MEMORY_KIB || Integer.parseInt(m.group(2)) < ITERATIONS;
    }

    private static byte[] derive(char[] password, byte[] salt, int memoryKib, int iterations, int lanes, int length) {
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(memoryKib).withIterations(iterations).withParallelism(lanes).withSalt(salt).build());
        byte[] out = new byte[length];
        byte[] utf8 = toUtf8(password);
        try {
            generator.generateBytes(utf8, out);
        } finally {
            Arrays.fill(utf8, (byte) 0);
        }
        return out;
    }

    private static byte[] toUtf8(char[] password) {
        java.nio.ByteBuffer b = StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(password));
        byte[] out = new byte[b.remaining()];
        b.get(out);
        if (b.hasArray()) {
            Arrays.fill(b.array(), (byte) 0);
        }
        return out;
    }
}
