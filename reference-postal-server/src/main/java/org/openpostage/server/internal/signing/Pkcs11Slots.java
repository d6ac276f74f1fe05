package org.openpostage.server.internal.signing;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.openpostage.api.error.ConfigurationException;

/**
 * Finds a PKCS#11 token's slot by its label. The JDK 17 SunPKCS11 provider picks a token by slot id
 * or by its index in the slot list, not by label, and both change: a token's slot id is assigned
 * when it is initialized, and the list's order changes as tokens are added. The label is what an
 * operator names, so it is resolved here through the JDK's own PKCS#11 wrapper
 * ({@code sun.security.pkcs11.wrapper}, the module {@code jdk.crypto.cryptoki}), which the server's
 * jar opens with its {@code Add-Exports} manifest entry. Run otherwise (from an IDE, with
 * {@code java -cp}), the JVM needs {@code --add-exports jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED},
 * or the slot can be named directly ({@code psd.pkcs11.slot}).
 */
final class Pkcs11Slots {
    private static final String WRAPPER = "sun.security.pkcs11.wrapper.PKCS11";
    private static final String INIT_ARGS = "sun.security.pkcs11.wrapper.CK_C_INITIALIZE_ARGS";

    private Pkcs11Slots() {
    }

    /** A token present in {@code library}'s slots: its slot id and label. */
    record Token(long slot, String label) {
    }

    /**
     * The slot id of the token labelled {@code label}.
     *
     * @throws ConfigurationException if no token, or more than one, has that label, or the wrapper
     *                                cannot be reached
     */
    static long slotOf(Path library, String label) {
        List<Token> tokens = tokens(library);
        List<Token> matching = tokens.stream().filter(t -> t.label.equals(label)).toList();
        if (matching.size() == 1) {
            return matching.get(0).slot;
        }
        if (matching.isEmpty()) {
            throw new ConfigurationException("no PKCS#11 token is labelled '" + label + "' in " + library + " (tokens: "
                    + tokens.stream().map(t -> "'" + t.label + "' in slot " + t.slot).toList()
                    + "). Initialize one first (docs/operations.md, \"Key ceremony\")");
        }
        throw new ConfigurationException(matching.size() + " PKCS#11 tokens are labelled '" + label + "' in " + library
                + ": name the slot with psd.pkcs11.slot instead (slots " + matching.stream().map(Token::slot).toList() + ")");
    }

    /** Every slot of {@code library} that holds a token. */
    static List<Token> tokens(Path library) {
        try {
            Class<?> wrapper = Class.forName(WRAPPER);
            Class<?> initArgs = Class.forName(INIT_ARGS);
            Object p11 = wrapper.getMethod("getInstance", String.class, String.class, initArgs, boolean.class)
                    .invoke(null, library.toAbsolutePath().toString(), "C_GetFunctionList", null, false);
            long[] slots = (long[]) wrapper.getMethod("C_GetSlotList", boolean.class).invoke(p11, true);
            Method tokenInfo = wrapper.getMethod("C_GetTokenInfo", long.class);
            List<Token> tokens = new ArrayList<>();
            for (long slot : slots) {
                Object info = tokenInfo.invoke(p11, slot);
                Field labelField = info.getClass().getField("label");
                tokens.add(new Token(slot, new String((char[]) labelField.get(info)).strip()));
            }
            return tokens;
        } catch (IllegalAccessException | ClassNotFoundException | NoSuchMethodException | NoSuchFieldException e) {
            throw new ConfigurationException("cannot look up PKCS#11 tokens by label in this JVM (" + e + "): run the "
                    + "server with --add-exports jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED (its jar's "
                    + "manifest does so for java -jar), or name the slot with psd.pkcs11.slot", e);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new ConfigurationException("cannot list the PKCS#11 tokens of " + library + ": " + cause.getMessage(),
                    cause);
        }
    }
}
