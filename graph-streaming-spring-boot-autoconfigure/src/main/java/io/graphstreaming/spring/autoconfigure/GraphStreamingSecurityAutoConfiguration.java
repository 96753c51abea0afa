package io.graphstreaming.spring.autoconfigure;

import java.util.Objects;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

import io.graphstreaming.spring.registry.GraphRegistry;
import io.graphstreaming.spring.security.DefaultGraphAuthorizer;
import io.graphstreaming.spring.security.GraphAuthorizer;

/**
 * The {@link GraphAuthorizer} every transport consults: {@link DefaultGraphAuthorizer}
 * with {@code graph.streaming.security.admin-role}, unless the application defines its
 * own. It needs no Spring Security and adds no security filter: with Spring Security on
 * the classpath, the application's {@code SecurityWebFilterChain} alone decides who
 * reaches the endpoints (the Actuator endpoint included), and the authorizer decides per
 * graph and operation after that.
 */
@AutoConfiguration(after = GraphStreamingAutoConfiguration.class,
		before = { GraphStreamingWebFluxAutoConfiguration.class, GraphStreamingWebSocketAutoConfiguration.class })
@ConditionalOnBean(GraphRegistry.class)
@EnableConfigurationProperties(GraphStreamingProperties.class)
public final class GraphStreamingSecurityAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	GraphAuthorizer graphAuthorizer(GraphStreamingProperties properties) {
		return defaultAuthorizer(properties);
	}

	/**
	 * The application's authorizer, else the default one (for transports configured
	 * without this auto-configuration).
	 */
	static GraphAuthorizer authorizer(ObjectProvider<GraphAuthorizer> authorizer,
			GraphStreamingProperties properties) {
		return authorizer.getIfAvailable(() -> defaultAuthorizer(properties));
	}

	private static GraphAuthorizer defaultAuthorizer(GraphStreamingProperties properties) {
		return new DefaultGraphAuthorizer(Objects.requireNonNullElse(properties.getSecurity().getAdminRole(), ""));
	}

}
