/**
 * The transport service-provider interface: {@link org.openpostage.api.TransportProvider}, the shared client pipeline ({@link org.openpostage.api.spi.PipelinedPostalClient}) and the single attempt a transport implements ({@link org.openpostage.api.spi.ClientTransport}), and authentication on the server side.
 *
 * <p>Types are null-marked (JSpecify): a parameter, return value or record component may be
 * {@code null} only where it is annotated {@code @Nullable}.
 */
@NullMarked
package org.openpostage.api.spi;

import org.jspecify.annotations.NullMarked;
