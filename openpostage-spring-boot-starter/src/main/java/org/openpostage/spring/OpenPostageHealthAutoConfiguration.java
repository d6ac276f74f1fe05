package org.openpostage.spring;

import org.openpostage.api.PostalClient;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The health indicator {@code openpostage} ({@link OpenPostageHealthIndicator}) for the
 * application's {@link PostalClient}, when Spring Boot's health support is on the class path
 * (spring-boot-starter-actuator). Switched off with {@code management.health.openpostage.enabled=false}.
 */
@AutoConfiguration(after = OpenPostageClientAutoConfiguration.class)
@ConditionalOnClass({HealthIndicator.class, PostalClient.class})
@ConditionalOnBean(PostalClient.class)
@ConditionalOnEnabledHealthIndicator("openpostage")
@EnableConfigurationProperties(OpenPostageClientProperties.class)
public class OpenPostageHealthAutoConfiguration {

    /** The indicator, named {@code openpostage} in the health endpoint. */
    @Bean(name = "openpostageHealthIndicator")
    @ConditionalOnMissingBean(name = "openpostageHealthIndicator")
    OpenPostageHealthIndicator openpostageHealthIndicator(PostalClient client, OpenPostageClientProperties properties) {
        return new OpenPostageHealthIndicator(client, properties.getHealth().getTimeout());
    }
}
