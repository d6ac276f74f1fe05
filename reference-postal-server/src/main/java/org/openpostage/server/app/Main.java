package org.openpostage.server.app;

import java.util.Arrays;
import org.openpostage.server.cli.AdminCommand;

/**
 * The entry point of {@code java -jar reference-postal-server.jar}: the server
 * ({@link PostalServerApp#main}), or with {@code admin} first the operator's commands
 * ({@link AdminCommand}). It chooses before any class that logs is loaded, so that the commands'
 * quieter logging (warnings only, on standard error) takes effect.
 */
public final class Main {
    private Main() {
    }

    /** {@code [--config FILE]} runs the server; {@code admin ...} the operator's commands. */
    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("admin")) {
            if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
                System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
            }
            AdminCommand.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        PostalServerApp.main(args);
    }
}
