package org.openpostage.server.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.logging.Handler;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.slf4j.bridge.SLF4JBridgeHandler;

/** The program routes java.util.logging (gRPC's and Jetty's) through SLF4J, once. */
class JavaUtilLoggingTest {
    @Test
    void julGoesThroughSlf4j() {
        PostalServerApp.routeJavaUtilLogging();
        PostalServerApp.routeJavaUtilLogging();
        assertTrue(SLF4JBridgeHandler.isInstalled());
        Handler[] handlers = Logger.getLogger("").getHandlers();
        assertEquals(1, handlers.length, Arrays.toString(handlers));
        assertTrue(handlers[0] instanceof SLF4JBridgeHandler);
    }
}
