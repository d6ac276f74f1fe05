/** The starter's internals; not API. */
@NullMarked
package org.openpostage.spring.internal;

import org.jspecify.annotations.NullMarked;
