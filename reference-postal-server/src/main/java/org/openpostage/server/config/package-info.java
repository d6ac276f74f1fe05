/**
 * The settings of the reference postal server: {@link org.openpostage.server.config.ServerConfig}
 * for the core, {@link org.openpostage.server.config.AppConfig} for the application around it (its
 * endpoints, TLS, admin console and operations), read from a properties file and the environment.
 */
package org.openpostage.server.config;
