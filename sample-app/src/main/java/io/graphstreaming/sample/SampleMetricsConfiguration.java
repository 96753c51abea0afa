package io.graphstreaming.sample;

import java.util.Map;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.graphstreaming.spring.metrics.MeterDescriptionFilter;

/**
 * Keeps {@code /actuator/prometheus} clean for {@code promtool check metrics}: Boot's
 * observation-based HTTP server meters are registered without a description, so they get
 * one here. (Three JVM meters whose names promtool rejects are switched off in
 * application.yml.)
 */
@Configuration(proxyBeanMethods = false)
public class SampleMetricsConfiguration {

	@Bean
	static MeterDescriptionFilter httpServerMeterDescriptions() {
		return new MeterDescriptionFilter(
				MeterDescriptionFilter.forObservation("http.server.requests", "HTTP server requests"));
	}

}
