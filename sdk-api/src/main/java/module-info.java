/**
 * The OpenPostage SDK's contract: {@link org.openpostage.api.PostalService}, its value types and
 * exceptions, the transport SPI with the shared client pipeline, and the indicium format. Depends
 * on the JDK only; JSpecify's nullness annotations are needed to compile it, not to run it.
 *
 * <p>The {@code org.openpostage.api.internal} package is not exported: it may change in any
 * release (see docs/api-evolution.md). Transports are found with {@link java.util.ServiceLoader}.
 */
module org.openpostage.api {
    requires static org.jspecify;

    exports org.openpostage.api;
    exports org.openpostage.api.error;
    exports org.openpostage.api.value;
    exports org.openpostage.api.model;
    exports org.openpostage.api.indicium;
    exports org.openpostage.api.spi;

    uses org.openpostage.api.TransportProvider;
}
