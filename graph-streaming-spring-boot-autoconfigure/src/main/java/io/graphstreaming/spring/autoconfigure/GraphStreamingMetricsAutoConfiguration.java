package io.graphstreaming.spring.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.graphstreaming.core.execution.ExecutionRegistry;
import io.graphstreaming.spring.metrics.GraphStreamingMetrics;
import io.graphstreaming.spring.metrics.GraphStreamingObservations;
import io.graphstreaming.spring.metrics.MeterDescriptionFilter;
import io.graphstreaming.spring.registry.GraphRegistry;
import io.graphstreaming.spring.web.StreamLimiter;

/**
 * Micrometer meters and observations for graph streaming, when Micrometer is present,
 * {@code graph.streaming.metrics.enabled} is not false and the graph and execution
 * registries exist. The meters' binder is picked up by Boot's metrics auto-configuration
 * and bound to every meter registry. Without Micrometer (and without another
 * {@code StreamingMetricsListener} bean), enabled metrics go to the core's
 * {@code InMemoryStreamingMetrics.shared()}.
 */
@AutoConfiguration(after = GraphStreamingAutoConfiguration.class, afterName = {
		"org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
		"org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration" })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBooleanProperty(name = "graph.streaming.metrics.enabled", matchIfMissing = true)
@ConditionalOnBean({ ExecutionRegistry.class, GraphRegistry.class })
public final class GraphStreamingMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	GraphStreamingMetrics graphStreamingMetrics(ExecutionRegistry executionRegistry,
			ObjectProvider<GraphRegistry> graphRegistry, ObjectProvider<StreamLimiter> streamLimiter,
			GraphStreamingProperties properties) {
		GraphStreamingProperties.Metrics metrics = properties.getMetrics();
		Duration[] buckets = metrics.getDurationBuckets().toArray(new Duration[0]);
		return new GraphStreamingMetrics(executionRegistry, () -> graphRegistry.getObject().graphIds(),
				(transport) -> {
					StreamLimiter limiter = streamLimiter.getIfAvailable();
					return (limiter != null) ? limiter.openStreams(transport) : 0;
				}, metrics.getMeterName(), (buckets.length > 0) ? buckets : null);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(ObservationRegistry.class)
	@ConditionalOnBean(ObservationRegistry.class)
	static class ObservationConfiguration {

		@Bean
		@ConditionalOnMissingBean
		GraphStreamingObservations graphStreamingObservations(ObservationRegistry observationRegistry) {
			return new GraphStreamingObservations(observationRegistry);
		}

		@Bean
		static MeterDescriptionFilter graphStreamingObservationMeterDescriptions() {
			Map<String, String> descriptions = new LinkedHashMap<>();
			descriptions.putAll(MeterDescriptionFilter
				.forObservation(GraphStreamingObservations.EXECUTION_OBSERVATION, "graph executions"));
			descriptions.putAll(
					MeterDescriptionFilter.forObservation(GraphStreamingObservations.NODE_OBSERVATION, "node invocations"));
			return new MeterDescriptionFilter(descriptions);
		}

	}

}
