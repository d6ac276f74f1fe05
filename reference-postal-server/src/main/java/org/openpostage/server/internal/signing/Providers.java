package org.openpostage.server.internal.signing;

import java.security.Provider;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * The BouncyCastle provider, created once and passed explicitly where it is used: the server
 * never installs it globally, so an application embedding the core keeps its own provider list.
 */
public final class Providers {
    private Providers() {
    }

    private static final class Holder {
        static final Provider BC = new BouncyCastleProvider();
    }

    /** The shared BouncyCastle provider instance. */
    public static Provider bouncyCastle() {
        return Holder.BC;
    }
}
