package io.graphstreaming.spring.autoconfigure;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.graphstreaming.spring.autoconfigure.GraphStreamingAutoConfigurationTests.GraphsConfiguration;
import io.graphstreaming.spring.registry.GraphRegistry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code graph.streaming.journal.type} and {@code graph.streaming.checkpoints.store} set
 * to {@code redis} without the graph-streaming-redis module (not on this module's
 * classpath): start-up fails naming the key and the module rather than silently running
 * unshared.
 */
class JournalTypeWithoutRedisModuleTests {

	private static final String MODULE = "io.graphstreaming:graph-streaming-redis";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, GraphStreamingAutoConfiguration.class))
		.withUserConfiguration(GraphsConfiguration.class);

	@Test
	void theRedisModuleShouldNotBeOnThisModulesClasspath() {
		assertThat(getClass().getClassLoader()
			.getResource("io/graphstreaming/redis/autoconfigure/GraphStreamingRedisAutoConfiguration.class")).isNull();
	}

	@Test
	void journalTypeRedisWithoutTheModuleShouldFailStartUpNamingTheKeyAndTheModule() {
		this.contextRunner.withPropertyValues("graph.streaming.journal.type=redis").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(messages(context.getStartupFailure())).contains("graph.streaming.journal.type")
				.contains(MODULE);
		});
	}

	@Test
	void checkpointsStoreRedisWithoutTheModuleShouldFailStartUpNamingTheKeyAndTheModule() {
		this.contextRunner.withPropertyValues("graph.streaming.checkpoints.store=redis").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(messages(context.getStartupFailure())).contains("graph.streaming.checkpoints.store")
				.contains(MODULE);
		});
	}

	@Test
	void anUnknownJournalTypeShouldFailStartUpNamingTheKey() {
		this.contextRunner.withPropertyValues("graph.streaming.journal.type=cassandra").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(messages(context.getStartupFailure())).contains("graph.streaming.journal.type")
				.contains("cassandra");
		});
	}

	@Test
	void journalTypeMemoryShouldStartUnshared() {
		this.contextRunner.withPropertyValues("graph.streaming.journal.type=memory")
			.run((context) -> assertThat(context.getBean(GraphRegistry.class).isShared()).isFalse());
		this.contextRunner.run((context) -> assertThat(context.getBean(GraphRegistry.class).isShared()).isFalse());
	}

	private static String messages(@Nullable Throwable failure) {
		StringBuilder all = new StringBuilder();
		for (Throwable current = failure; current != null; current = current.getCause()) {
			all.append(current.getMessage()).append('\n');
		}
		return all.toString();
	}

}
