package io.graphstreaming.spring.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Scope;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.json.JsonMapper;

import io.graphstreaming.spring.client.GraphStreamClient;
import io.graphstreaming.spring.client.GraphStreamClientCustomizer;
import io.graphstreaming.spring.registry.StreamingOptionsFactory;

/**
 * The remote client's builder: a prototype-scoped {@link GraphStreamClient.Builder}
 * (every injection point gets its own, as with Spring's {@code WebClient.Builder}) whose
 * stream options come from {@code graph.streaming.*} (auto-reconnect, its limits and
 * heartbeats included, with {@code graph.streaming.graphs.<graphId>.*} per graph), whose
 * mapper is the application's {@link JsonMapper}, and to which every
 * {@link GraphStreamClientCustomizer} bean is applied. Needs Reactor Netty's HTTP client;
 * backs off when the application defines its own builder.
 */
@AutoConfiguration(after = { JacksonAutoConfiguration.class, GraphStreamingAutoConfiguration.class })
@ConditionalOnClass({ HttpClient.class, GraphStreamClient.class })
public final class GraphStreamClientAutoConfiguration {

	@Bean
	@Scope(ConfigurableBeanFactory.SCOPE_PROTOTYPE)
	@ConditionalOnMissingBean
	GraphStreamClient.Builder graphStreamClientBuilder(ObjectProvider<StreamingOptionsFactory> optionsFactory,
			ObjectProvider<JsonMapper> jsonMapper, ObjectProvider<GraphStreamClientCustomizer> customizers) {
		GraphStreamClient.Builder builder = GraphStreamClient.builder();
		StreamingOptionsFactory factory = optionsFactory.getIfAvailable();
		if (factory != null) {
			builder.options(factory::optionsFor);
		}
		jsonMapper.ifAvailable(builder::jsonMapper);
		customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
		return builder;
	}

}
