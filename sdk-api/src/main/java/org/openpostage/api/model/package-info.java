/**
 * The immutable value types of requests and responses: money in integer minor units, java.time for dates and instants.
 *
 * <p>Types are null-marked (JSpecify): a parameter, return value or record component may be
 * {@code null} only where it is annotated {@code @Nullable}.
 */
@NullMarked
package org.openpostage.api.model;

import org.jspecify.annotations.NullMarked;
