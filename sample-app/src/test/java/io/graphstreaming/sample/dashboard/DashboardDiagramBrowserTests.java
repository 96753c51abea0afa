package io.graphstreaming.sample.dashboard;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.WebElement;
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

	@Test
	void agentDiagramDrawsTheFanOutWithItsConditionsAndARunLightsUpTheParallelToolsAndMarksTheRetriedOnes() {
		browser.desktop();
		DashboardPage page = new DashboardPage(browser.driver()).open("http://localhost:" + this.port + "/graph-dashboard");
		page.selectGraph("agent");
		double[] act = page.nodePosition("act");
		double[] search = page.nodePosition("search");
		double[] weather = page.nodePosition("weather");
		double[] calculator = page.nodePosition("calculator");
		assertThat(search[1]).isEqualTo(weather[1]).isEqualTo(calculator[1]).isGreaterThan(act[1]);
		assertThat(page.nodePosition("observe")[1]).isGreaterThan(search[1]);
		for (String tool : List.of("search", "weather", "calculator")) {
			assertThat(page.find("#diagram path.edge[data-from='act'][data-to='" + tool + "']").getAttribute("class"))
				.contains("edge--conditional");
		}
		assertThat(page.find("#diagram path.edge[data-from='observe'][data-to='plan']").getAttribute("class"))
			.contains("edge--back");
		assertThat(page.findAll("#diagram .edge-label").stream().map((label) -> label.getText()).toList())
			.containsExactlyInAnyOrder("tools chosen", "uses search", "uses weather", "uses calculator",
					"needs another step");
		assertInsideAndApart(page);

		page.start("agent", "{\"tokenDelayMs\": 1, \"weatherFailures\": 1}");
		assertThat(page.awaitRunStatus("completed", "failed", "cancelled")).isEqualTo("completed");
		for (String node : List.of("plan", "act", "search", "weather", "calculator", "observe", "answer")) {
			assertThat(page.nodeStatus(node)).as(node).isEqualTo("completed");
		}
		// Both parallel tools lead into the join, not only the one that finished last.
		for (String edge : List.of("act'][data-to='search", "act'][data-to='weather", "search'][data-to='observe",
				"weather'][data-to='observe", "observe'][data-to='plan", "observe'][data-to='answer")) {
			assertThat(page.find("#diagram path.edge[data-from='" + edge + "']").getAttribute("class")).as(edge)
				.contains("edge--taken");
		}
		assertThat(page.find("#diagram path.edge[data-from='plan'][data-to='answer']").getAttribute("class"))
			.doesNotContain("edge--taken");
		assertThat(page.find("pre.chunk-text[data-node-id='answer']").getText()).startsWith("Here is what I found.")
			.endsWith("= 64.4.");
		assertThat(page.loggedTypes()).contains("RetryAttempted", "CheckpointCreated", "StateMergeConflictDetected");
		// search timed out once: it ends completed and still says it needed a retry.
		assertRetried(page, "search", 1, "✓ after 1 retry");
		assertThat(page.find("#diagram .node[data-node-id='search']").getAttribute("aria-label"))
			.startsWith("search: ").contains(" — completed in ").endsWith(" after 1 retry");
		// plan ran twice (the loop) without a retry: a repeat count, not a retried mark.
		assertNotRetried(page, "plan");
		assertThat(page.nodeStateText("plan")).startsWith("✓ ").endsWith(" ×2");
		// The weather subgraph's nodes are logged under its path; the retry of its forecast
		// marks the subgraph's node.
		page.filter("", "weather");
		assertThat(page.visibleLogNodes()).contains("weather", "weather/geocode", "weather/forecast")
			.doesNotContain("search");
		page.filter("", "");
		assertRetried(page, "weather", 1, "✓ after 1 retry");
		assertThat(page.find("#diagram .node[data-node-id='weather']").getAttribute("aria-label"))
			.endsWith(" after 1 retry (of forecast)");
		browser.screenshot("DashboardDiagramBrowserTests-agent-desktop");
		browser.phone();
		assertThat((Long) page.script("return document.documentElement.scrollWidth;")).isLessThanOrEqualTo(390L);
		assertThat(browser.consoleErrors()).isEmpty();
		browser.driver().get("about:blank");
	}

	@Test
	void syntheticDiagramLaysOutAllThirtyTwoBranchesAndARunMarksTheOnesThatRan() {
		browser.desktop();
		DashboardPage page = new DashboardPage(browser.driver()).open("http://localhost:" + this.port + "/graph-dashboard");
		page.selectGraph("synthetic");
		assertThat(page.findAll("#diagram .node")).hasSize(36);
		assertThat(page.findAll("#diagram path.edge[data-from='fan-out']")).hasSize(32);
		assertInsideAndApart(page);
		page.start("synthetic", "{\"nodes\": 2, \"parallel\": 3, \"delayMs\": 50, \"loop\": 2}");
		assertThat(page.awaitRunStatus("completed", "failed", "cancelled")).isEqualTo("completed");
		for (String node : List.of("step", "fan-out", "branch-1", "branch-2", "branch-3", "join", "loop")) {
			assertThat(page.nodeStatus(node)).as(node).isEqualTo("completed");
		}
		assertThat(page.nodeStatus("branch-4")).isEqualTo("idle");
		assertThat(page.find("#diagram path.edge[data-from='branch-2'][data-to='join']").getAttribute("class"))
			.contains("edge--taken");
		assertThat(page.find("#diagram .node[data-node-id='loop'] .node-state").getText()).contains("×2");
		assertNotRetried(page, "loop");
		browser.screenshot("DashboardDiagramBrowserTests-synthetic-desktop");
		browser.phone();
		assertThat((Long) page.script("return document.documentElement.scrollWidth;")).isLessThanOrEqualTo(390L);
		browser.screenshot("DashboardDiagramBrowserTests-synthetic-phone");
		assertThat(browser.consoleErrors()).isEmpty();
		browser.driver().get("about:blank");
	}

	@Test
	void nodesThatSucceedAfterRetriesStayMarkedRetriedWithTheirCountApartFromALoopsRepeats() {
		browser.desktop();
		DashboardPage page = new DashboardPage(browser.driver()).open("http://localhost:" + this.port + "/graph-dashboard");
		page.start("synthetic", "{\"nodes\": 1, \"retries\": 2, \"loop\": 2}");
		assertThat(page.awaitRunStatus("completed", "failed", "cancelled")).isEqualTo("completed");
		assertThat(page.loggedTypes()).filteredOn("RetryAttempted"::equals).hasSize(6);
		assertRetried(page, "step", 2, "✓ after 2 retries");
		assertThat(page.find("#diagram .node[data-node-id='step'] title").getAttribute("textContent"))
			.matches("step: .+ — completed in \\S+ m?s after 2 retries");
		// Two iterations of the loop, each after two retries: both counts, told apart.
		assertRetried(page, "loop", 4, "✓ ×2 · 4 retries");
		assertThat(page.find("#diagram .node[data-node-id='loop']").getAttribute("aria-label"))
			.contains(" — completed in ").endsWith(" (ran 2 times) after 4 retries");
		assertThat(page.nodeStatus("fan-out")).isEqualTo("idle");
		// The timeline tells the attempts of a run from the runs of a loop.
		assertThat(page.findAll("#timeline .span-label").stream().map((label) -> label.getText()).toList())
			.containsExactly("step", "step attempt 2", "step attempt 3", "loop", "loop attempt 2", "loop attempt 3",
					"loop #2", "loop #2 attempt 2", "loop #2 attempt 3");
		browser.screenshot("DashboardDiagramBrowserTests-retried-desktop");
		assertThat(browser.consoleErrors()).isEmpty();
		browser.driver().get("about:blank");
	}

	@Test
	void eventsOfNodesInsideASubgraphLightUpTheirTopLevelNode() {
		browser.desktop();
		DashboardPage page = new DashboardPage(browser.driver()).open("http://localhost:" + this.port + "/graph-dashboard");
		page.start("nested", "{}");
		page.waitUntil(() -> page.find("#diagram .node[data-node-id='research'] .node-state").getText()
			.startsWith("running… search"));
		assertThat(page.nodeStatus("research")).isEqualTo("running");
		assertThat(page.awaitRunStatus("completed", "failed", "cancelled")).isEqualTo("completed");
		assertThat(page.nodeStatus("research")).isEqualTo("completed");
		assertThat(page.nodeStatus("publish")).isEqualTo("completed");
		assertThat(page.find("#diagram path.edge[data-from='research'][data-to='publish']").getAttribute("class"))
			.contains("edge--taken");
		assertThat(page.loggedTypes()).filteredOn("NodeCompleted"::equals).hasSize(4);
		page.filter("", "research");
		assertThat(page.visibleLogNodes()).contains("research", "research/search", "research/summarize")
			.doesNotContain("publish");
		browser.screenshot("DashboardDiagramBrowserTests-nested-desktop");
		assertThat(browser.consoleErrors()).isEmpty();
		browser.driver().get("about:blank");
	}

	/**
	 * The node ended completed and is marked as retried, with the count, in its box, its
	 * class and its accessible name.
	 */
	private static void assertRetried(DashboardPage page, String nodeId, int retries, String stateText) {
		WebElement node = page.find("#diagram .node[data-node-id='" + nodeId + "']");
		assertThat(node.getAttribute("data-status")).as(nodeId).isEqualTo("completed");
		assertThat(node.getAttribute("class")).as(nodeId).contains("node--retried");
		assertThat(node.getAttribute("data-retries")).as(nodeId).isEqualTo(String.valueOf(retries));
		assertThat(page.nodeStateText(nodeId)).isEqualTo(stateText);
		assertThat(node.getAttribute("aria-label")).as(nodeId)
			.contains(" after " + retries + ((retries == 1) ? " retry" : " retries"));
	}

	private static void assertNotRetried(DashboardPage page, String nodeId) {
		WebElement node = page.find("#diagram .node[data-node-id='" + nodeId + "']");
		assertThat(node.getAttribute("data-status")).as(nodeId).isEqualTo("completed");
		assertThat(node.getAttribute("class")).as(nodeId).doesNotContain("node--retried");
		assertThat(node.getAttribute("data-retries")).as(nodeId).isEqualTo("0");
		assertThat(page.nodeStateText(nodeId)).as(nodeId).doesNotContain("retr");
		assertThat(node.getAttribute("aria-label")).as(nodeId).doesNotContain("retr");
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
		assertInsideAndApart(page);
	}

	/**
	 * Every node and label lies inside the drawing, no two nodes overlap, and the page
	 * does not scroll sideways.
	 */
	private static void assertInsideAndApart(DashboardPage page) {
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

		/**
		 * A test-only graph with a subgraph: research runs search then summarize, each
		 * slow enough to be seen running, and publish follows.
		 */
		@Bean
		StreamingGraphExecutor nestedGraph() {
			StreamingGraphExecutor research = new StreamingGraphExecutor("research", "Searches, then summarizes");
			research.addNode(GraphNode.of("search", (state, context) -> pause(400, Map.of("found", 3))))
				.addNode(GraphNode.of("summarize", (state, context) -> pause(100, Map.of("summary", "three sources"))))
				.connect("search", "summarize")
				.setStartNode("search");
			StreamingGraphExecutor executor = new StreamingGraphExecutor("nested", "Test graph with a subgraph");
			executor.addNode(GraphNode.subgraph("research", research.graph()))
				.addNode(GraphNode.of("publish", (state, context) -> Map.of("published", true)))
				.connect("research", "publish")
				.setStartNode("research");
			return executor;
		}

		private static Map<String, Object> pause(long millis, Map<String, Object> written) throws InterruptedException {
			Thread.sleep(millis);
			return written;
		}

	}

}
