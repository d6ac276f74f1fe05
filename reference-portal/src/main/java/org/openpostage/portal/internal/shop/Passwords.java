package org.openpostage.portal.internal.shop;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Password hashes: PBKDF2-HMAC-SHA256 with a random salt, stored as
 * {@code pbkdf2$iterations$salt$hash}, at {@value #ITERATIONS} iterations (OWASP's recommendation
 * for PBKDF2-HMAC-SHA256). A hash made with fewer iterations still checks; {@link #needsRehash}
 * tells the sign-in to replace it with a current one while it has the password in hand.
 */
public final class Passwords {
    /** The work factor of new hashes. */
    public static final int ITERATIONS = 600_000;
    private static final SecureRandom RANDOM = new SecureRandom();
    /** A hash no password is known for, checked for user names no one has. */
    private static final String NOBODY = hash(b64(salt()));

    private Passwords() {
    }

    /** 16 random bytes from the shared {@link SecureRandom}. */
    private static byte[] salt() {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return salt;
    }

    /** A new hash of {@code password}. */
    public static String hash(String password) {
        byte[] salt = salt();
        return "pbkdf2$" + ITERATIONS + "$" + b64(salt) + "$" + b64(derive(password, salt, ITERATIONS));
    }

    /** Whether {@code password} matches {@code stored}, in constant time. */
    public static boolean matches(String password, String stored) {
        String[] p = stored.split("\\$");
        if (p.length != 4 || !p[0].equals("pbkdf2")) {
            return false;
        }
        byte[] salt = Base64.getDecoder().decode(p[2]);
        byte[] expected = Base64.getDecoder().decode(p[3]);
        return MessageDigest.isEqual(expected, derive(password, salt, Integer.parseInt(p[1])));
    }

    /** Whether {@code stored} was made with a weaker work factor than today's, or in another form. */
    public static boolean needsRehash(String stored) {
        String[] p = stored.split("\\$");
        if (p.length != 4 || !p[0].equals("pbkdf2")) {
            return true;
        }
        try {
            return Integer.parseInt(p[1]) < ITERATIONS;
        } catch (NumberFormatException e) {
            return true;
        }
    }

    /**
     * Checks {@code password} against a hash no one knows the password of and answers false: as
     * slow as {@link #matches}, so the time a failed sign-in takes does not tell whether the user exists.
     */
    public static boolean matchesNobody(String password) {
        matches(password, NOBODY);
        return false;
    }

    private static byte[] derive(String password, byte[] salt, int iterations) {
        try {
            PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, 256);
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2 is not available", e);
        }
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().withoutPadding().encodeToString(b);
    }
}
