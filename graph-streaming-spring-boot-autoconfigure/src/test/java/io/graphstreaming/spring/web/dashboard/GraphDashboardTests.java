package io.graphstreaming.spring.web.dashboard;

import org.junit.jupiter.api.Test;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link GraphDashboard}.
 */
class GraphDashboardTests {

	@Test
	void pathsAreNormalized() {
		assertThat(GraphDashboard.normalizePath("/graph-dashboard")).isEqualTo("/graph-dashboard");
		assertThat(GraphDashboard.normalizePath(" ops/graphs// ")).isEqualTo("/ops/graphs");
		assertThat(GraphDashboard.normalizePath("/")).isEmpty();
		assertThat(GraphDashboard.normalizePath("")).isEmpty();
	}

	@Test
	void pathsThatAreNotPlainAreRejected() {
		for (String path : new String[] { "/a b", "/a/{id}", "/a?b", "/a#b", "/a/*", "/a\"b", "/a<b", "/a'b" }) {
			assertThatIllegalArgumentException().as(path)
				.isThrownBy(() -> GraphDashboard.normalizePath(path))
				.withMessageContaining("not a plain path");
		}
	}

	@Test
	void attributeValuesAreEscaped() {
		assertThat(GraphDashboard.escape("/a&b<c>\"d'")).isEqualTo("/a&amp;b&lt;c&gt;&quot;d&#39;");
	}

	@Test
	void thePageAtTheRootServesItsAssetsFromTheRoot() {
		GraphDashboard dashboard = new GraphDashboard("/", "/api", false);
		assertThat(dashboard.path()).isEmpty();
		assertThat(dashboard.apiBasePath()).isEqualTo("/api");
		WebTestClient client = WebTestClient.bindToRouterFunction(dashboard.routes()).build();
		client.get()
			.uri("/")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.value((html) -> assertThat(html).contains("data-api-base=\"/api\" data-dashboard-path=\"\" "
					+ "data-sse-enabled=\"false\"").contains("src=\"/dashboard.js\""));
		client.get().uri("/dashboard.js").exchange().expectStatus().isOk();
	}

	@Test
	void everyAssetIsOnTheClassPathAndNonEmpty() {
		WebTestClient client = WebTestClient.bindToRouterFunction(new GraphDashboard("/d", "/g", true).routes())
			.build();
		for (String asset : new String[] { "dashboard.js", "dashboard.css", "favicon.svg" }) {
			byte[] body = client.get().uri("/d/" + asset).exchange().expectBody().returnResult().getResponseBody();
			assertThat(body).as(asset).isNotEmpty();
		}
	}

}
