package io.graphstreaming.sample.dashboard;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;

import io.graphstreaming.core.execution.StreamingGraphExecutor;
import io.graphstreaming.core.graph.GraphNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The diagram of a graph with more shapes than the sample's: branches leaving one node
 * and joining again, a back edge closing a cycle and a conditional self-loop, drawn in
 * a real browser at desktop and phone width. Skipped like {@link DashboardBrowserTests}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DashboardDiagramBrowserTests {

	private static ChromiumBrowser browser;

	@LocalServerPort
	int port;

	@BeforeAll
	static void startBrowser() {
		assumeTrue(ChromiumBrowser.shouldRun(),
				"Chromium and chromedriver are not installed (apt-get install chromium chromium-driver)");
		browser = ChromiumBrowser.start();
	}

	@AfterAll
	static void stopBrowser() {
		if (browser != null) {
			browser.close();
		}
	}

	@Test
	void branchesSitSideBySideAndCyclesAreDrawnWithEveryLabelInside() {
		browser.desktop();
		DashboardPage page = new DashboardPage(browser.driver()).open("http://localhost:" + this.port + "/graph-dashboard");
		page.selectGraph("review");
		assertLayout(page);
		browser.screenshot("DashboardDiagramBrowserTests-review-desktop");
		browser.phone();
		page.selectGraph("demo");
		page.selectGraph("review");
		assertLayout(page);
		page.script("document.getElementById('diagram-title').scrollIntoView();");
		browser.screenshot("DashboardDiagramBrowserTests-review-phone");
		assertThat(browser.consoleErrors()).isEmpty();
		browser.driver().get("about:blank");
	}

	private static void assertLayout(DashboardPage page) {
		double[] plan = page.nodePosition("plan");
		double[] research = page.nodePosition("research");
		double[] outline = page.nodePosition("outline");
		double[] draft = page.nodePosition("draft");
		double[] check = page.nodePosition("check");
		double[] publish = page.nodePosition("publish");
		assertThat(research[1]).isEqualTo(outline[1]).isGreaterThan(plan[1]);
		assertThat(research[0]).isNotEqualTo(outline[0]);
		assertThat(draft[1]).isGreaterThan(research[1]);
		assertThat(check[1]).isGreaterThan(draft[1]);
		assertThat(publish[1]).isGreaterThan(check[1]);
		assertThat(page.find("#diagram path.edge[data-from='check'][data-to='draft']").getAttribute("class"))
			.contains("edge--back")
			.contains("edge--conditional");
		assertThat(page.findAll("#diagram path.edge[data-from='check'][data-to='check']")).hasSize(1);
		assertThat(page.findAll("#diagram .edge-label").stream().map((label) -> label.getText()).toList())
			.containsExactlyInAnyOrder("needs facts", "needs structure", "rework", "polish");
		// Every node and label lies inside the drawing, and no two nodes overlap.
		@SuppressWarnings("unchecked")
		Map<String, Object> report = (Map<String, Object>) page.script("""
				const svg = document.querySelector('#diagram svg');
				const view = svg.viewBox.baseVal;
				const inside = (box) => box.x >= view.x && box.y >= view.y
					&& box.x + box.width <= view.x + view.width && box.y + box.height <= view.y + view.height;
				const boxes = [...svg.querySelectorAll('.node, .edge-label')].map((element) => {
					const box = element.getBBox();
					const matrix = element.transform.baseVal.consolidate()?.matrix;
					return { x: box.x + (matrix ? matrix.e : 0), y: box.y + (matrix ? matrix.f : 0),
						width: box.width, height: box.height, node: element.classList.contains('node') };
				});
				const nodes = boxes.filter((box) => box.node);
				let overlaps = 0;
				nodes.forEach((a, i) => nodes.slice(i + 1).forEach((b) => {
					if (a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height) {
						overlaps++;
					}
				}));
				return { outside: boxes.filter((box) => !inside(box)).length, overlaps,
					scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth };
				""");
		assertThat(report).containsEntry("outside", 0L).containsEntry("overlaps", 0L);
		assertThat((Long) report.get("scrollWidth")).isLessThanOrEqualTo((Long) report.get("innerWidth"));
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class ReviewGraphConfiguration {

		/**
		 * A test-only graph: plan branches to research and outline (each conditional) or
		 * straight to draft; both branches join at draft; check loops on itself and back to
		 * draft before publish.
		 */
		@Bean
		StreamingGraphExecutor reviewGraph() {
			StreamingGraphExecutor executor = new StreamingGraphExecutor("review", "Test graph with branches and cycles");
			for (String node : List.of("plan", "research", "outline", "draft", "check", "publish")) {
				executor.addNode(GraphNode.of(node, (state, context) -> Map.of(node, true)));
			}
			executor.connect("plan", "research", "needs facts", (state) -> false)
				.connect("plan", "outline", "needs structure", (state) -> false)
				.connect("plan", "draft")
				.connect("research", "draft")
				.connect("outline", "draft")
				.connect("draft", "check")
				.connect("check", "draft", "rework", (state) -> false)
				.connect("check", "check", "polish", (state) -> false)
				.connect("check", "publish")
				.setStartNode("plan");
			return executor;
		}

	}

}
