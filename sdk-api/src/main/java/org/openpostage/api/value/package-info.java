/**
 * The small values everything else is built from, each with its own rules:
 * {@link org.openpostage.api.value.Money} (integer minor units), {@link org.openpostage.api.value.Weight},
 * {@link org.openpostage.api.value.PostalCode}, {@link org.openpostage.api.value.MailClass},
 * {@link org.openpostage.api.value.Mode} (test or live) and {@link org.openpostage.api.value.Bytes}.
 *
 * <p>Both the indicium format and the requests and responses use them; they use neither.
 *
 * <p>Types are null-marked (JSpecify): a parameter, return value or record component may be
 * {@code null} only where it is annotated {@code @Nullable}.
 */
@NullMarked
package org.openpostage.api.value;

import org.jspecify.annotations.NullMarked;
