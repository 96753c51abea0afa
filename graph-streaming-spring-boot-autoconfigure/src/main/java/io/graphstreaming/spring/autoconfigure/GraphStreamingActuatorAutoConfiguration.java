package io.graphstreaming.spring.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.graphstreaming.core.execution.ExecutionRegistry;
import io.graphstreaming.spring.actuate.GraphStreamingEndpoint;
import io.graphstreaming.spring.actuate.GraphStreamingEndpointWebExtension;
import io.graphstreaming.spring.actuate.GraphStreamingHealthIndicator;
import io.graphstreaming.spring.registry.GraphRegistry;
import io.graphstreaming.spring.security.GraphAuthorizer;
import io.graphstreaming.spring.web.StreamLimiter;

/**
 * The {@code graphstreaming} Actuator endpoint (with its web extension when exposed over
 * HTTP, which consults the application's {@link GraphAuthorizer}) and the graph
 * streaming health indicator, when Actuator is present and the graph streaming
 * registries exist.
 */
@AutoConfiguration(after = { GraphStreamingAutoConfiguration.class, GraphStreamingSecurityAutoConfiguration.class })
@ConditionalOnClass(Endpoint.class)
@EnableConfigurationProperties(GraphStreamingProperties.class)
public final class GraphStreamingActuatorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(GraphRegistry.class)
	@ConditionalOnAvailableEndpoint(endpoint = GraphStreamingEndpoint.class)
	GraphStreamingEndpoint graphStreamingEndpoint(GraphRegistry graphRegistry) {
		return new GraphStreamingEndpoint(graphRegistry);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(GraphStreamingEndpoint.class)
	@ConditionalOnAvailableEndpoint(endpoint = GraphStreamingEndpoint.class, exposure = EndpointExposure.WEB)
	GraphStreamingEndpointWebExtension graphStreamingEndpointWebExtension(GraphStreamingEndpoint endpoint,
			ObjectProvider<GraphAuthorizer> authorizer, GraphStreamingProperties properties) {
		return new GraphStreamingEndpointWebExtension(endpoint,
				GraphStreamingSecurityAutoConfiguration.authorizer(authorizer, properties));
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthIndicator.class)
	@ConditionalOnEnabledHealthIndicator("graphstreaming")
	@ConditionalOnBean(ExecutionRegistry.class)
	static class HealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "graphStreamingHealthIndicator")
		GraphStreamingHealthIndicator graphStreamingHealthIndicator(ExecutionRegistry executionRegistry,
				ObjectProvider<StreamLimiter> streamLimiter) {
			return new GraphStreamingHealthIndicator(executionRegistry, streamLimiter.getIfAvailable());
		}

	}

}
