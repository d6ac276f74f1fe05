package org.openpostage.spring;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import org.openpostage.api.PostalClient;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Times the client's calls in Micrometer ({@link MicrometerClientInterceptor}) when Micrometer is
 * on the class path and the application has a {@link MeterRegistry} (Spring Boot's actuator makes
 * one). Switched off with {@code openpostage.client.metrics.enabled=false}.
 */
@AutoConfiguration(before = OpenPostageClientAutoConfiguration.class, afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"})
@ConditionalOnClass({MeterRegistry.class, PostalClient.class})
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnProperty(prefix = OpenPostageClientProperties.PREFIX, name = "endpoint")
@EnableConfigurationProperties(OpenPostageClientProperties.class)
public class OpenPostageMetricsAutoConfiguration {

    /** The interceptor, tagged with the endpoint's host and port. */
    @Bean
    @ConditionalOnProperty(prefix = OpenPostageClientProperties.PREFIX, name = "metrics.enabled", matchIfMissing = true)
    MicrometerClientInterceptor openPostageMetrics(MeterRegistry registry, OpenPostageClientProperties properties) {
        java.net.URI uri = java.util.Objects.requireNonNull(properties.getEndpoint(), "endpoint");
        String where = uri.getHost() == null ? uri.toString() : uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
        return new MicrometerClientInterceptor(registry, Tags.of("endpoint", where));
    }
}
