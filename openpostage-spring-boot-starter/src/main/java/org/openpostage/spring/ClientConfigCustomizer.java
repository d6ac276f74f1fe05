package org.openpostage.spring;

import org.openpostage.api.ClientConfig;

/**
 * Adjusts the {@link ClientConfig} the starter builds from {@code openpostage.client.*}, for what
 * properties cannot say: an executor for asynchronous calls, TLS settings made in code. Declare
 * beans of this type; they run in their {@link org.springframework.core.annotation.Order order},
 * after the properties are applied. Interceptors are simpler declared as
 * {@link org.openpostage.api.ClientInterceptor} beans.
 *
 * <pre>{@code
 * @Bean
 * ClientConfigCustomizer virtualThreads() {
 *     return builder -> builder.asyncExecutor(Executors.newVirtualThreadPerTaskExecutor());
 * }
 * }</pre>
 */
@FunctionalInterface
public interface ClientConfigCustomizer {
    /** Changes {@code builder}, which holds the configuration made from the properties. */
    void customize(ClientConfig.Builder builder);
}
