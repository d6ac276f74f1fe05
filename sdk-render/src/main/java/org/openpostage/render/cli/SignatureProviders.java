package org.openpostage.render.cli;

import java.security.Provider;

/**
 * The JCA provider the command checks signatures with: BouncyCastle when it is on the class path
 * (the command's own jar carries it), else {@code null}, the JDK's default providers. The same
 * verdicts either way; BouncyCastle verifies ECDSA P-256 about ten times as fast on Java 17.
 * Never installed globally.
 */
final class SignatureProviders {
    private static final String BOUNCY_CASTLE = "org.bouncycastle.jce.provider.BouncyCastleProvider";

    private SignatureProviders() {
    }

    /** BouncyCastle's provider, one per JVM, or {@code null} when it is not on the class path. */
    static Provider bouncyCastle() {
        return present() ? Holder.BC : null;
    }

    private static boolean present() {
        try {
            Class.forName(BOUNCY_CASTLE, false, SignatureProviders.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** Loaded only when BouncyCastle is present, so that its absence never fails the command. */
    private static final class Holder {
        static final Provider BC = new org.bouncycastle.jce.provider.BouncyCastleProvider();
    }
}
