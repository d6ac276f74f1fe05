/**
 * The OpenPostage contract: {@link org.openpostage.api.PostalService}, clients and their
 * configuration, the call context, and the {@link org.openpostage.api.TransportProvider} through
 * which a client finds its transport.
 *
 * <p>The packages are layers, each using only those below it (ArchitectureTest keeps it so):
 * {@code spi} (transports) on this one; this one on {@code model} (requests and responses);
 * {@code model} on {@code indicium} (the indicium format); {@code indicium} on {@code value}
 * (money, weights, postal codes); all of them on {@code error} (the exception tree).
 *
 * <p>Types are null-marked (JSpecify): a parameter, return value or record component may be
 * {@code null} only where it is annotated {@code @Nullable}.
 */
@NullMarked
package org.openpostage.api;

import org.jspecify.annotations.NullMarked;
