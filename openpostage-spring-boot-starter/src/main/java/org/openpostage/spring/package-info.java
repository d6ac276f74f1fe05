/**
 * The OpenPostage Spring Boot starter: a {@link org.openpostage.api.PostalClient} bean configured
 * from {@code openpostage.client.*} ({@link org.openpostage.spring.OpenPostageClientProperties}),
 * its health indicator, Micrometer metrics of its calls, and a graceful shutdown.
 */
@NullMarked
package org.openpostage.spring;

import org.jspecify.annotations.NullMarked;
