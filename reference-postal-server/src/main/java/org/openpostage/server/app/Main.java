package org.openpostage.server.app;

import java.util.Arrays;
import org.openpostage.server.cli.AdminCommand;

/**
 * The entry point of {@code java -jar reference-postal-server.jar}: the server
 * ({@link PostalServerApp#main}), or with {@code admin} first the operator's commands
 * ({@link AdminCommand}, which logs warnings only unless {@code OPENPOSTAGE_LOG_LEVEL} says otherwise).
 */
public final class Main {
    private Main() {
    }

    /** {@code [--config FILE]} runs the server; {@code admin ...} the operator's commands. */
    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("admin")) {
            AdminCommand.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        PostalServerApp.main(args);
    }
}
