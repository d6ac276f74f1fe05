package org.openpostage.portal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Portal passwords are hashed with PBKDF2-HMAC-SHA256 at OWASP's 600,000 iterations, and a hash
 * made with fewer (before that rule) is replaced by a current one the next time its user signs in,
 * transparently. Found by review (issue 17): hashes used 120,000 iterations.
 */
class PasswordRehashTest {
    private final World world = World.get();

    @Test
    void anOldHashIsReplacedAtTheNextSignInAndNewHashesUseTheCurrentWorkFactor() throws Exception {
        Path data = Files.createTempDirectory(world.dir, "rehash");
        try (PortalApp portal = world.extraPortal("paper-shop", "Rehash Shop", world.server.xmlEndpoint(), data, Map.of())) {
            String url = "jdbc:h2:file:" + data.toAbsolutePath().resolve("portal") + ";DB_CLOSE_ON_EXIT=FALSE";
            assertTrue(hashOf(url, "bob").startsWith("pbkdf2$600000$"), "new hashes: " + hashOf(url, "bob"));

            // Alice's hash as the portal wrote it before: 120,000 iterations (salt and hash of "alice-postage").
            String old = "pbkdf2$120000$" + OldHash.SALT + "$" + OldHash.HASH;
            update(url, "alice", old);
            Web web = new Web(portal.url());
            String csrf = web.hidden(web.get("/login").body(), "_csrf");
            HttpResponse<String> in = web.post("/login", Map.of("_csrf", csrf, "username", "alice",
                    "password", "alice-postage"));
            assertEquals(303, in.statusCode(), "the old hash still lets its user in");
            String now = hashOf(url, "alice");
            assertTrue(now.startsWith("pbkdf2$600000$"), "rehashed at sign-in: " + now);

            Web again = new Web(portal.url());
            String csrf2 = again.hidden(again.get("/login").body(), "_csrf");
            assertEquals(303, again.post("/login", Map.of("_csrf", csrf2, "username", "alice",
                    "password", "alice-postage")).statusCode(), "and the new hash too");
        }
    }

    /** A hash of "alice-postage" at 120,000 iterations, made with the JDK's PBKDF2 as the portal did. */
    private static final class OldHash {
        static final String SALT;
        static final String HASH;

        static {
            try {
                byte[] salt = "sixteen-byte-slt".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                var spec = new javax.crypto.spec.PBEKeySpec("alice-postage".toCharArray(), salt, 120_000, 256);
                byte[] hash = javax.crypto.SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec)
                        .getEncoded();
                SALT = java.util.Base64.getEncoder().withoutPadding().encodeToString(salt);
                HASH = java.util.Base64.getEncoder().withoutPadding().encodeToString(hash);
            } catch (java.security.GeneralSecurityException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }

    private static String hashOf(String url, String user) throws Exception {
        try (Connection c = DriverManager.getConnection(url, "portal", "");
             PreparedStatement ps = c.prepareStatement("SELECT password_hash FROM users WHERE username = ?")) {
            ps.setString(1, user);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private static void update(String url, String user, String hash) throws Exception {
        try (Connection c = DriverManager.getConnection(url, "portal", "");
             PreparedStatement ps = c.prepareStatement("UPDATE users SET password_hash = ? WHERE username = ?")) {
            ps.setString(1, hash);
            ps.setString(2, user);
            assertEquals(1, ps.executeUpdate());
        }
    }
}
