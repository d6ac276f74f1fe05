/**
 * The one exception tree of the SDK: {@link org.openpostage.api.error.PostageException}, its
 * subclasses, and the {@link org.openpostage.api.error.ErrorCode} each is sent as.
 *
 * <p>The bottom layer of the API: every other package may throw these, and this one depends on
 * none of them.
 *
 * <p>Types are null-marked (JSpecify): a parameter, return value or record component may be
 * {@code null} only where it is annotated {@code @Nullable}.
 */
@NullMarked
package org.openpostage.api.error;

import org.jspecify.annotations.NullMarked;
