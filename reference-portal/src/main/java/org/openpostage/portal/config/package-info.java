/**
 * The portal's settings ({@link org.openpostage.portal.config.PortalConfig}): below both the
 * application ({@code PortalApp}) and its internal packages, which read them.
 */
package org.openpostage.portal.config;
