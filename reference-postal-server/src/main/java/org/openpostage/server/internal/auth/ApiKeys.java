package org.openpostage.server.internal.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Optional;
import org.openpostage.api.value.Mode;
import org.openpostage.server.internal.util.Ids;

/**
 * The API key format and its hashing.
 *
 * <p>An API key reads {@code op_<mode>_<id>_<secret>}, for example
 * {@code op_test_k2m4q7r3x5ab_...}: {@code mode} is {@code test} or {@code live}, {@code id} is
 * the key's public id (12 base32 characters, stored in clear, used to find the key and shown in
 * logs), and {@code secret} is 32 base32 characters (160 random bits). Only a salted SHA-256 of
 * the secret is stored. A slow password hash is not needed: the secret is random, not chosen by
 * a person, so it cannot be guessed from a dictionary.
 */
public final class ApiKeys {
    /** The length of a key's public id. */
    public static final int ID_LENGTH = 12;
    /** The length of a key's secret. */
    public static final int SECRET_LENGTH = 32;

    private ApiKeys() {
    }

    /** A parsed API key. {@link #toString()} hides the secret. */
    public record Parsed(Mode mode, String keyId, String secret) {
        @Override
        public String toString() {
            return "ApiKey[" + mode + " " + keyId + "]";
        }
    }

    /** A freshly generated key. */
    public record Generated(String keyId, String plaintext, byte[] salt, byte[] secretHash) {
        @Override
        public String toString() {
            return "ApiKey[" + keyId + "]";
        }
    }

    /** Generates a key for {@code mode}. */
    public static Generated generate(Mode mode) {
        String id = Ids.random(ID_LENGTH);
        String secret = Ids.random(SECRET_LENGTH);
        byte[] salt = Ids.randomBytes(16);
        String plaintext = "op_" + mode.name().toLowerCase(Locale.ROOT) + "_" + id + "_" + secret;
        return new Generated(id, plaintext, salt, hash(salt, secret));
    }

    /** Parses {@code key}, or empty if it does not have the API key format. */
    public static Optional<Parsed> parse(String key) {
        if (key == null) {
            return Optional.empty();
        }
        String[] parts = key.strip().split("_", -1);
        if (parts.length != 4 || !parts[0].equals("op") || parts[2].length() != ID_LENGTH
                || parts[3].length() != SECRET_LENGTH || !base32(parts[2]) || !base32(parts[3])) {
            return Optional.empty();
        }
        Mode mode = switch (parts[1]) {
            case "test" -> Mode.TEST;
            case "live" -> Mode.LIVE;
            default -> null;
        };
        return mode == null ? Optional.empty() : Optional.of(new Parsed(mode, parts[2], parts[3]));
    }

    /** SHA-256 of {@code salt || secret}. */
    public static byte[] hash(byte[] salt, String secret) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(salt);
            sha.update(secret.getBytes(StandardCharsets.US_ASCII));
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Whether {@code secret} hashes to {@code expectedHash} under {@code salt}; constant time. */
    public static boolean matches(byte[] salt, String secret, byte[] expectedHash) {
        return MessageDigest.isEqual(hash(salt, secret), expectedHash);
    }

    private static boolean base32(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'))) {
                return false;
            }
        }
        return true;
    }
}
