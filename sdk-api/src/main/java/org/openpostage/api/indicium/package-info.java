/**
 * The indicium format: its signed fields ({@link org.openpostage.api.indicium.IndiciumData}), the
 * binary codec, signing, and the published keys that verify it (docs/indicium-format.md).
 *
 * <p>Built on {@code org.openpostage.api.value} only, so a verifier or an operator's own core can
 * use it without the requests and responses of {@code org.openpostage.api.model}.
 *
 * <p>Types are null-marked (JSpecify): a parameter, return value or record component may be
 * {@code null} only where it is annotated {@code @Nullable}.
 */
@NullMarked
package org.openpostage.api.indicium;

import org.jspecify.annotations.NullMarked;
