package io.graphstreaming.spring.autoconfigure;

import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableReactiveWebApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.webflux.autoconfigure.HttpHandlerAutoConfiguration;
import org.springframework.boot.webflux.autoconfigure.WebFluxAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;

import io.graphstreaming.core.execution.StreamingGraphExecutor;
import io.graphstreaming.core.graph.GraphNode;
import io.graphstreaming.spring.web.dashboard.GraphDashboard;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link GraphStreamingDashboardAutoConfiguration}.
 */
class GraphStreamingDashboardAutoConfigurationTests {

	private static final String ROUTER = "graphDashboardRouterFunction";

	private final ReactiveWebApplicationContextRunner contextRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, GraphStreamingAutoConfiguration.class,
				GraphStreamingWebFluxAutoConfiguration.class, GraphStreamingDashboardAutoConfiguration.class,
				WebFluxAutoConfiguration.class, HttpHandlerAutoConfiguration.class))
		.withUserConfiguration(OneGraph.class);

	@Test
	void runWithoutEnabledPropertyShouldNotHaveDashboardBeans() {
		this.contextRunner.run((context) -> {
			assertThat(context).doesNotHaveBean(GraphDashboard.class).doesNotHaveBean(ROUTER);
			client(context).get().uri("/graph-dashboard").exchange().expectStatus().isNotFound();
		});
	}

	@Test
	void runWhenEnabledPropertyIsFalseShouldNotHaveDashboardBeans() {
		this.contextRunner.withPropertyValues("graph.streaming.dashboard.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(GraphDashboard.class).doesNotHaveBean(ROUTER));
	}

	@Test
	void runWhenEnabledShouldServeThePageWithTheApiBasePathAtTheDefaultPath() {
		this.contextRunner.withPropertyValues("graph.streaming.dashboard.enabled=true").run((context) -> {
			assertThat(context).hasSingleBean(GraphDashboard.class).hasBean(ROUTER);
			WebTestClient client = client(context);
			for (String uri : new String[] { "/graph-dashboard", "/graph-dashboard/" }) {
				String html = client.get()
					.uri(uri)
					.exchange()
					.expectStatus()
					.isOk()
					.expectHeader()
					.contentType("text/html;charset=UTF-8")
					.expectHeader()
					.valueEquals("Cache-Control", "no-cache")
					.expectHeader()
					.valueEquals("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; "
							+ "img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; "
							+ "frame-ancestors 'none'")
					.expectBody(String.class)
					.returnResult()
					.getResponseBody();
				assertThat(html).startsWith("<!DOCTYPE html>")
					.contains("<html lang=\"en\" data-api-base=\"/graphs\" data-dashboard-path=\"/graph-dashboard\" "
							+ "data-sse-enabled=\"true\">")
					.contains("<script type=\"module\" src=\"/graph-dashboard/dashboard.js\"></script>")
					.contains("<link rel=\"stylesheet\" href=\"/graph-dashboard/dashboard.css\">")
					.doesNotContain("{{");
			}
			// The graph endpoints are still there, next to the page.
			client.get().uri("/graphs").exchange().expectStatus().isOk();
		});
	}

	@Test
	void runWhenEnabledShouldServeTheAssetsWithTypesAndValidators() {
		this.contextRunner.withPropertyValues("graph.streaming.dashboard.enabled=true").run((context) -> {
			WebTestClient client = client(context);
			Map<String, String> types = Map.of("dashboard.js", "text/javascript;charset=UTF-8", "dashboard.css",
					"text/css;charset=UTF-8", "favicon.svg", "image/svg+xml");
			types.forEach((name, type) -> {
				String etag = client.get()
					.uri("/graph-dashboard/" + name)
					.exchange()
					.expectStatus()
					.isOk()
					.expectHeader()
					.contentType(type)
					.expectHeader()
					.valueEquals("Cache-Control", "no-cache")
					.expectHeader()
					.valueEquals("X-Content-Type-Options", "nosniff")
					.returnResult(byte[].class)
					.getResponseHeaders()
					.getETag();
				assertThat(etag).as(name).startsWith("\"").endsWith("\"");
				client.get()
					.uri("/graph-dashboard/" + name)
					.header("If-None-Match", etag)
					.exchange()
					.expectStatus()
					.isNotModified();
			});
			client.get().uri("/graph-dashboard/missing.js").exchange().expectStatus().isNotFound();
		});
	}

	@Test
	void runWithCustomPathsShouldServeThereAndWriteThemIntoThePage() {
		this.contextRunner
			.withPropertyValues("graph.streaming.dashboard.enabled=true", "graph.streaming.dashboard.path=ops/graphs/",
					"graph.streaming.web.base-path=/api/flows")
			.run((context) -> {
				WebTestClient client = client(context);
				client.get().uri("/graph-dashboard").exchange().expectStatus().isNotFound();
				client.get()
					.uri("/ops/graphs")
					.exchange()
					.expectStatus()
					.isOk()
					.expectBody(String.class)
					.value((html) -> assertThat(html).contains("data-api-base=\"/api/flows\"")
						.contains("data-dashboard-path=\"/ops/graphs\"")
						.contains("src=\"/ops/graphs/dashboard.js\""));
				client.get().uri("/ops/graphs/dashboard.css").exchange().expectStatus().isOk();
			});
	}

	@Test
	void runWithTheRootBasePathShouldStillServeThePage() {
		this.contextRunner.withPropertyValues("graph.streaming.dashboard.enabled=true", "graph.streaming.web.base-path=/")
			.run((context) -> {
				WebTestClient client = client(context);
				client.get()
					.uri("/graph-dashboard")
					.exchange()
					.expectStatus()
					.isOk()
					.expectBody(String.class)
					.value((html) -> assertThat(html).contains("data-api-base=\"\""));
				client.get().uri("/one").exchange().expectStatus().isOk().expectHeader().contentType(MediaType.APPLICATION_JSON);
			});
	}

	@Test
	void runWhenSseIsDisabledShouldTellThePage() {
		this.contextRunner
			.withPropertyValues("graph.streaming.dashboard.enabled=true", "graph.streaming.web.sse-enabled=false")
			.run((context) -> client(context).get()
				.uri("/graph-dashboard")
				.exchange()
				.expectBody(String.class)
				.value((html) -> assertThat(html).contains("data-sse-enabled=\"false\"")));
	}

	@Test
	void runWithAnInvalidPathShouldFailNamingTheKey() {
		assertStartupFails("graph.streaming.dashboard.path=/dash/{id}", "graph.streaming.dashboard.path");
		assertStartupFails("graph.streaming.dashboard.path=/dash board", "graph.streaming.dashboard.path");
		assertStartupFails("graph.streaming.dashboard.path=/a\"b", "graph.streaming.dashboard.path");
	}

	@Test
	void runWithAPathInsideTheBasePathShouldFailNamingTheKey() {
		assertStartupFails("graph.streaming.dashboard.path=/graphs/", "graph.streaming.dashboard.path");
		assertStartupFails("graph.streaming.dashboard.path=/graphs/ui", "graph.streaming.dashboard.path");
	}

	@Test
	void runWithAUserDashboardShouldBackOff() {
		GraphDashboard mine = new GraphDashboard("/mine", "/graphs", true);
		this.contextRunner.withPropertyValues("graph.streaming.dashboard.enabled=true")
			.withBean(GraphDashboard.class, () -> mine)
			.run((context) -> {
				assertThat(context).getBean(GraphDashboard.class).isSameAs(mine);
				client(context).get().uri("/mine/").exchange().expectStatus().isOk();
			});
	}

	@Test
	void runInANonWebApplicationShouldNotHaveDashboardBeans() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class,
					GraphStreamingAutoConfiguration.class, GraphStreamingDashboardAutoConfiguration.class))
			.withUserConfiguration(OneGraph.class)
			.withPropertyValues("graph.streaming.dashboard.enabled=true")
			.run((context) -> assertThat(context).doesNotHaveBean(GraphDashboard.class).doesNotHaveBean(ROUTER));
	}

	private void assertStartupFails(String property, String key) {
		this.contextRunner.withPropertyValues("graph.streaming.dashboard.enabled=true", property).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(messages(context.getStartupFailure())).as(property).contains(key);
		});
	}

	private static WebTestClient client(AssertableReactiveWebApplicationContext context) {
		return WebTestClient.bindToApplicationContext(context).build();
	}

	private static String messages(@Nullable Throwable failure) {
		StringBuilder all = new StringBuilder();
		for (Throwable current = failure; current != null; current = current.getCause()) {
			all.append(current.getMessage()).append('\n');
		}
		return all.toString();
	}

	@Configuration(proxyBeanMethods = false)
	static class OneGraph {

		@Bean
		StreamingGraphExecutor oneGraph() {
			StreamingGraphExecutor executor = new StreamingGraphExecutor("one", "A graph of one node");
			executor.addNode(GraphNode.async("only", (state, context) -> Mono.just(Map.of("done", true))));
			executor.setStartNode("only");
			return executor;
		}

	}

}
