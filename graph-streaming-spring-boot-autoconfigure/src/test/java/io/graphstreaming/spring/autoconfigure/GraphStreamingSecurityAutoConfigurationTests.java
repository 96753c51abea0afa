package io.graphstreaming.spring.autoconfigure;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

import io.graphstreaming.core.execution.StreamingGraphExecutor;
import io.graphstreaming.core.graph.GraphNode;
import io.graphstreaming.spring.security.DefaultGraphAuthorizer;
import io.graphstreaming.spring.security.GraphAuthorizer;
import io.graphstreaming.spring.security.GraphOperation;
import io.graphstreaming.spring.web.websocket.GraphWebSocketHandler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link GraphStreamingSecurityAutoConfiguration}.
 */
class GraphStreamingSecurityAutoConfigurationTests {

	private final ReactiveWebApplicationContextRunner contextRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, GraphStreamingAutoConfiguration.class,
				GraphStreamingSecurityAutoConfiguration.class, GraphStreamingWebFluxAutoConfiguration.class,
				GraphStreamingWebSocketAutoConfiguration.class))
		.withUserConfiguration(OneGraph.class);

	@Test
	void runShouldProvideDefaultAuthorizerWithGraphAdminRole() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(GraphAuthorizer.class).hasBean("graphAuthorizer");
			assertThat(context.getBean(GraphAuthorizer.class)).isInstanceOfSatisfying(DefaultGraphAuthorizer.class,
					(authorizer) -> assertThat(authorizer.adminRole()).isEqualTo("GRAPH_ADMIN"));
		});
	}

	@Test
	void runWithAdminRolePropertyShouldUseIt() {
		this.contextRunner.withPropertyValues("graph.streaming.security.admin-role=OPS")
			.run((context) -> assertThat(context.getBean(GraphAuthorizer.class))
				.isInstanceOfSatisfying(DefaultGraphAuthorizer.class,
						(authorizer) -> assertThat(authorizer.adminRole()).isEqualTo("OPS")));
	}

	@Test
	void runWithEmptyAdminRoleShouldHaveNoAdminRole() {
		this.contextRunner.withPropertyValues("graph.streaming.security.admin-role=")
			.run((context) -> assertThat(context.getBean(GraphAuthorizer.class))
				.isInstanceOfSatisfying(DefaultGraphAuthorizer.class,
						(authorizer) -> assertThat(authorizer.adminRole()).isEmpty()));
	}

	@Test
	void runWithUserAuthorizerShouldBackOffAndHandTheUsersToTheTransports() {
		this.contextRunner.withUserConfiguration(DenyDescribe.class).run((context) -> {
			assertThat(context).hasSingleBean(GraphAuthorizer.class).doesNotHaveBean("graphAuthorizer");
			assertThat(context).hasSingleBean(GraphWebSocketHandler.class);
			@SuppressWarnings("unchecked")
			RouterFunction<ServerResponse> router = (RouterFunction<ServerResponse>) context
				.getBean("graphStreamingRouterFunction");
			WebTestClient client = WebTestClient.bindToRouterFunction(router).build();
			client.get()
				.uri("/graphs/one")
				.exchange()
				.expectStatus()
				.isForbidden()
				.expectHeader()
				.contentType(MediaType.APPLICATION_PROBLEM_JSON)
				.expectBody()
				.jsonPath("$.detail")
				.isEqualTo("Not allowed to DESCRIBE graph 'one'");
			client.get().uri("/graphs").exchange().expectStatus().isOk().expectBody().json("[]");
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class DenyDescribe {

		@Bean
		GraphAuthorizer denyDescribe() {
			return (access) -> Mono.just(access.operation() != GraphOperation.DESCRIBE);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OneGraph {

		@Bean
		StreamingGraphExecutor oneGraph() {
			StreamingGraphExecutor executor = new StreamingGraphExecutor("one", "A graph of one node");
			executor.addNode(GraphNode.of("only", (state, context) -> Map.of("done", true)));
			executor.setStartNode("only");
			return executor;
		}

	}

}
