package io.graphstreaming.spring.autoconfigure;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.test.util.ReflectionTestUtils;
import reactor.core.publisher.Mono;

import io.graphstreaming.core.execution.ExecutionRegistry;
import io.graphstreaming.spring.actuate.GraphStreamingEndpoint;
import io.graphstreaming.spring.actuate.GraphStreamingEndpointWebExtension;
import io.graphstreaming.spring.actuate.GraphStreamingHealthIndicator;
import io.graphstreaming.spring.registry.DisconnectPolicy;
import io.graphstreaming.spring.registry.GraphRegistry;
import io.graphstreaming.spring.security.DefaultGraphAuthorizer;
import io.graphstreaming.spring.security.GraphAccessControl;
import io.graphstreaming.spring.security.GraphAuthorizer;
import io.graphstreaming.spring.web.StreamLimiter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link GraphStreamingActuatorAutoConfiguration}.
 */
class GraphStreamingActuatorAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, GraphStreamingAutoConfiguration.class,
				GraphStreamingActuatorAutoConfiguration.class));

	@Test
	void runWhenEndpointIsNotExposedShouldNotHaveEndpointBean() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(GraphStreamingEndpoint.class));
	}

	@Test
	void runWhenEndpointIsExposedOnTheWebShouldHaveEndpointBean() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=graphstreaming")
			.run((context) -> assertThat(context).hasSingleBean(GraphStreamingEndpoint.class));
	}

	@Test
	void runWhenAllEndpointsAreExposedOnTheWebShouldHaveEndpointBean() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=*")
			.run((context) -> assertThat(context).hasSingleBean(GraphStreamingEndpoint.class));
	}

	@Test
	void runWhenEndpointIsExposedOverJmxShouldHaveEndpointBean() {
		this.contextRunner
			.withPropertyValues("spring.jmx.enabled=true", "management.endpoints.jmx.exposure.include=graphstreaming")
			.run((context) -> assertThat(context).hasSingleBean(GraphStreamingEndpoint.class));
	}

	@Test
	void runWhenEndpointIsExposedButItsAccessIsNoneShouldNotHaveEndpointBean() {
		// As in a SpringApplication, whose conversion service reads "none" as Access.NONE.
		this.contextRunner
			.withInitializer((context) -> context.getEnvironment().setConversionService(new ApplicationConversionService()))
			.withPropertyValues("management.endpoints.web.exposure.include=graphstreaming",
					"management.endpoint.graphstreaming.access=none")
			.run((context) -> assertThat(context).doesNotHaveBean(GraphStreamingEndpoint.class));
	}

	@Test
	void runWhenEndpointIsExposedAndOtherEndpointsAreExcludedShouldHaveEndpointBean() {
		this.contextRunner
			.withPropertyValues("management.endpoints.web.exposure.include=health,graphstreaming",
					"management.endpoints.web.exposure.exclude=health")
			.run((context) -> assertThat(context).hasSingleBean(GraphStreamingEndpoint.class));
	}

	@Test
	void runWhenEndpointIsExcludedShouldNotHaveEndpointBean() {
		this.contextRunner
			.withPropertyValues("management.endpoints.web.exposure.include=*",
					"management.endpoints.web.exposure.exclude=graphstreaming")
			.run((context) -> assertThat(context).doesNotHaveBean(GraphStreamingEndpoint.class));
	}

	@Test
	void runWhenEndpointIsExposedOnTheWebShouldHaveItsWebExtension() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=graphstreaming")
			.run((context) -> assertThat(ReflectionTestUtils
				.getField(context.getBean(GraphStreamingEndpointWebExtension.class), "delegate"))
				.isSameAs(context.getBean(GraphStreamingEndpoint.class)));
	}

	@Test
	void runWhenEndpointIsExposedOnTheWebShouldGiveItsWebExtensionTheApplicationsAuthorizer() {
		GraphAuthorizer authorizer = (access) -> Mono.just(Boolean.FALSE);
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=graphstreaming")
			.withBean("userAuthorizer", GraphAuthorizer.class, () -> authorizer)
			.run((context) -> assertThat(webExtensionAuthorizer(context)).isSameAs(authorizer));
	}

	@Test
	void runWhenEndpointIsExposedOnTheWebShouldGiveItsWebExtensionTheDefaultAuthorizerWithTheAdminRole() {
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(GraphStreamingSecurityAutoConfiguration.class))
			.withPropertyValues("management.endpoints.web.exposure.include=graphstreaming",
					"graph.streaming.security.admin-role=OPS")
			.run((context) -> assertThat(webExtensionAuthorizer(context))
				.isSameAs(context.getBean(GraphAuthorizer.class))
				.isInstanceOfSatisfying(DefaultGraphAuthorizer.class,
						(authorizer) -> assertThat(authorizer.adminRole()).isEqualTo("OPS")));
	}

	@Test
	void runWithoutAuthorizerBeanShouldGiveTheWebExtensionTheDefaultAuthorizer() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=graphstreaming")
			.run((context) -> assertThat(webExtensionAuthorizer(context)).isInstanceOfSatisfying(
					DefaultGraphAuthorizer.class,
					(authorizer) -> assertThat(authorizer.adminRole()).isEqualTo("GRAPH_ADMIN")));
	}

	private static Object webExtensionAuthorizer(AssertableApplicationContext context) {
		GraphAccessControl access = (GraphAccessControl) ReflectionTestUtils
			.getField(context.getBean(GraphStreamingEndpointWebExtension.class), "access");
		return access.authorizer();
	}

	@Test
	void runWhenEndpointIsExposedOverJmxOnlyShouldNotHaveTheWebExtension() {
		this.contextRunner
			.withPropertyValues("spring.jmx.enabled=true", "management.endpoints.jmx.exposure.include=graphstreaming")
			.run((context) -> assertThat(context).hasSingleBean(GraphStreamingEndpoint.class)
				.doesNotHaveBean(GraphStreamingEndpointWebExtension.class));
	}

	@Test
	void runWhenEndpointIsNotExposedShouldNotHaveTheWebExtension() {
		this.contextRunner
			.run((context) -> assertThat(context).doesNotHaveBean(GraphStreamingEndpointWebExtension.class));
	}

	@Test
	void runShouldGiveTheEndpointTheGraphRegistry() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=graphstreaming")
			.run((context) -> assertThat(ReflectionTestUtils.getField(context.getBean(GraphStreamingEndpoint.class),
					"graphs"))
				.isSameAs(context.getBean(GraphRegistry.class)));
	}

	@Test
	void runWithUserEndpointShouldBackOff() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=graphstreaming")
			.withBean("userEndpoint", GraphStreamingEndpoint.class,
					() -> new GraphStreamingEndpoint(new GraphRegistry(List.of(), (graph) -> null,
							new ExecutionRegistry(1, Duration.ofMinutes(1), Clock.systemUTC()), DisconnectPolicy.CONTINUE)))
			.run((context) -> {
				assertThat(context).hasSingleBean(GraphStreamingEndpoint.class).hasBean("userEndpoint");
				assertThat(ReflectionTestUtils.getField(context.getBean(GraphStreamingEndpointWebExtension.class),
						"delegate"))
					.isSameAs(context.getBean("userEndpoint"));
			});
	}

	@Test
	void runShouldHaveHealthIndicatorWithTheExecutionRegistry() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(GraphStreamingHealthIndicator.class)
				.hasBean("graphStreamingHealthIndicator");
			GraphStreamingHealthIndicator indicator = context.getBean(GraphStreamingHealthIndicator.class);
			assertThat(ReflectionTestUtils.getField(indicator, "executions"))
				.isSameAs(context.getBean(ExecutionRegistry.class));
			assertThat(ReflectionTestUtils.getField(indicator, "streams")).isNull();
			assertThat(indicator.health().getDetails()).containsEntry("maxConcurrentExecutions", 1000)
				.doesNotContainKey("openStreams");
		});
	}

	@Test
	void runWithMaxConcurrentExecutionsShouldReportThatLimit() {
		this.contextRunner.withPropertyValues("graph.streaming.execution.max-concurrent=3")
			.run((context) -> assertThat(context.getBean(GraphStreamingHealthIndicator.class).health().getDetails())
				.containsEntry("maxConcurrentExecutions", 3));
	}

	@Test
	void runInReactiveWebApplicationShouldGiveTheHealthIndicatorTheStreamLimiter() {
		new ReactiveWebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class,
					GraphStreamingAutoConfiguration.class, GraphStreamingWebFluxAutoConfiguration.class,
					GraphStreamingActuatorAutoConfiguration.class))
			.withPropertyValues("graph.streaming.web.max-concurrent-streams=5")
			.run((context) -> {
				GraphStreamingHealthIndicator indicator = context.getBean(GraphStreamingHealthIndicator.class);
				assertThat(ReflectionTestUtils.getField(indicator, "streams"))
					.isSameAs(context.getBean(StreamLimiter.class));
				assertThat(indicator.health().getDetails()).containsEntry("maxConcurrentStreams", 5)
					.containsEntry("openStreams", 0);
			});
	}

	@Test
	void runWhenHealthIndicatorIsDisabledShouldNotHaveIt() {
		this.contextRunner.withPropertyValues("management.health.graphstreaming.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(GraphStreamingHealthIndicator.class));
	}

	@Test
	void runWhenHealthDefaultsAreDisabledShouldNotHaveHealthIndicator() {
		this.contextRunner.withPropertyValues("management.health.defaults.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(GraphStreamingHealthIndicator.class));
	}

	@Test
	void runWhenHealthDefaultsAreDisabledButTheIndicatorIsEnabledShouldHaveIt() {
		this.contextRunner
			.withPropertyValues("management.health.defaults.enabled=false", "management.health.graphstreaming.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(GraphStreamingHealthIndicator.class));
	}

	@Test
	void runWithUserHealthIndicatorBeanShouldBackOff() {
		HealthIndicator user = () -> Health.up().build();
		this.contextRunner.withBean("graphStreamingHealthIndicator", HealthIndicator.class, () -> user)
			.run((context) -> assertThat(context).doesNotHaveBean(GraphStreamingHealthIndicator.class)
				.getBean("graphStreamingHealthIndicator")
				.isSameAs(user));
	}

	@Test
	void runWithoutActuatorShouldNotHaveEndpointNorHealthIndicator() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(Endpoint.class))
			.withPropertyValues("management.endpoints.web.exposure.include=graphstreaming")
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(GraphRegistry.class)
				.doesNotHaveBean(GraphStreamingEndpoint.class)
				.doesNotHaveBean(GraphStreamingHealthIndicator.class));
	}

	@Test
	void runWithoutGraphStreamingBeansShouldBackOff() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(GraphStreamingActuatorAutoConfiguration.class))
			.withPropertyValues("management.endpoints.web.exposure.include=graphstreaming")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(GraphStreamingEndpoint.class)
				.doesNotHaveBean(GraphStreamingEndpointWebExtension.class)
				.doesNotHaveBean(GraphStreamingHealthIndicator.class));
	}

}
