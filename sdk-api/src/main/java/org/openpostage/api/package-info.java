/**
 * The OpenPostage contract: {@link org.openpostage.api.PostalService}, clients and their configuration, the call context and the exception tree.
 *
 * <p>Types are null-marked (JSpecify): a parameter, return value or record component may be
 * {@code null} only where it is annotated {@code @Nullable}.
 */
@NullMarked
package org.openpostage.api;

import org.jspecify.annotations.NullMarked;
