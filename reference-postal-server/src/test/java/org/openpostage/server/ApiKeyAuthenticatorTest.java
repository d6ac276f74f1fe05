package org.openpostage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openpostage.api.Caller;
import org.openpostage.api.error.AuthenticationException;
import org.openpostage.api.error.ErrorCode;
import org.openpostage.api.error.NotFoundException;
import org.openpostage.api.spi.Credentials;
import org.openpostage.api.value.Mode;
import org.openpostage.server.model.ApiKeyInfo;
import org.openpostage.server.model.IssuedApiKey;

/** API keys: what authenticates, and every way a key is refused. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiKeyAuthenticatorTest {
    Fixture f;
    ApiKeyAuthenticator auth;

    @BeforeAll
    void open(@TempDir Path dir) {
        f = Fixture.h2(dir);
        auth = f.core.authenticator();
    }

    @AfterAll
    void close() {
        f.close();
    }

    @Test
    void aValidKeyNamesItsPartnerModeAndKeyId() {
        Caller c = auth.authenticate(Credentials.apiKey(f.liveKey.apiKey()));
        assertEquals(new Caller(Fixture.PARTNER, Mode.LIVE, f.liveKey.keyId()), c);
        assertEquals(Mode.TEST, auth.authenticate(Credentials.apiKey(" " + f.testKey.apiKey() + "\n")).mode());
    }

    @Test
    void aWrongSecretIsRefusedLikeAnUnknownKey() {
        String key = f.testKey.apiKey();
        char last = key.charAt(key.length() - 1);
        String wrongSecret = key.substring(0, key.length() - 1) + (last == 'a' ? 'b' : 'a');
        String unknownId = "op_test_" + "a".repeat(12) + key.substring(key.lastIndexOf('_'));
        AuthenticationException wrong = refused(wrongSecret);
        AuthenticationException unknown = refused(unknownId);
        assertEquals("API key not recognized", wrong.getMessage());
        assertEquals(wrong.getMessage(), unknown.getMessage(), "the answer does not tell which part was wrong");
        assertEquals(ErrorCode.UNAUTHENTICATED, wrong.code());
        assertFalse(wrong.getMessage().contains(key.substring(key.lastIndexOf('_') + 1)), "never echoes the secret");
    }

    @Test
    void aKeyPresentedInTheOtherModeIsRefused() {
        String live = f.liveKey.apiKey();
        refused(live.replace("op_live_", "op_test_"));
        refused(f.testKey.apiKey().replace("op_test_", "op_live_"));
    }

    @Test
    void malformedOrMissingKeysAreRefusedWithTheExpectedFormat() {
        assertTrue(refused("not-a-key").getMessage().contains("op_test_<id>_<secret>"));
        assertTrue(refused("op_test_short_secret").getMessage().contains("op_test_<id>_<secret>"));
        AuthenticationException none = assertThrows(AuthenticationException.class, () -> auth.authenticate(null));
        assertEquals("an API key is required", none.getMessage());
    }

    @Test
    void aRevokedKeyStopsAtOnceOnEveryNode() {
        IssuedApiKey key = f.core.admin().issueApiKey(Fixture.PARTNER, Mode.TEST);
        PostalCore node2 = f.secondNode();
        assertEquals(key.keyId(), node2.authenticator().authenticate(Credentials.apiKey(key.apiKey())).credentialId());
        f.core.admin().revokeApiKey(key.keyId());
        AuthenticationException e = assertThrows(AuthenticationException.class,
                () -> node2.authenticator().authenticate(Credentials.apiKey(key.apiKey())));
        assertTrue(e.getMessage().contains("revoked"), e.getMessage());
        List<ApiKeyInfo> keys = f.core.admin().apiKeys(Fixture.PARTNER);
        assertFalse(keys.stream().filter(k -> k.keyId().equals(key.keyId())).findFirst().orElseThrow().active());
        assertEquals(Fixture.PARTNER, auth.authenticate(Credentials.apiKey(f.testKey.apiKey())).partnerId(),
                "the partner's other keys keep working");
        assertThrows(NotFoundException.class, () -> f.core.admin().revokeApiKey("nosuchkey"));
    }

    private AuthenticationException refused(String apiKey) {
        return assertThrows(AuthenticationException.class, () -> auth.authenticate(Credentials.apiKey(apiKey)));
    }
}
