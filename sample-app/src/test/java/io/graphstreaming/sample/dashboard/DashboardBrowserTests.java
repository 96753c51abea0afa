package io.graphstreaming.sample.dashboard;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;

import io.graphstreaming.core.execution.ExecutionResult;
import io.graphstreaming.core.execution.ExecutionStatus;
import io.graphstreaming.core.execution.GraphExecution;
import io.graphstreaming.spring.registry.GraphRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The dashboard in a real browser (Debian's headless Chromium through Selenium) against
 * the sample app on a random port. Skipped when Chromium or its driver is not installed,
 * unless CI is set. Each test leaves screenshots in {@code target/screenshots/}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DashboardBrowserTests {

	private static ChromiumBrowser browser;

	@LocalServerPort
	int port;

	@Autowired
	GraphRegistry registry;

	@Autowired
	StreamCutFilter streamCut;

	private DashboardPage page;

	private String testName;

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

	@BeforeEach
	void openDashboard(TestInfo info) {
		this.testName = info.getTestMethod().orElseThrow().getName();
		browser.desktop();
		this.page = new DashboardPage(browser.driver()).open("http://localhost:" + this.port + "/graph-dashboard");
	}

	@AfterEach
	void leaveTheDashboard() {
		// Closes the page's EventSource, so that no stream outlives its test.
		browser.driver().get("about:blank");
	}

	@Test
	void pageLoadsDrawsTheGraphsAndWorksFromTheKeyboardWithoutConsoleErrors() {
		assertThat(this.page.graphIds()).containsExactly("demo", "synthetic", "agent");
		assertThat(this.page.find(".graph-button[data-graph-id='demo']").getAttribute("aria-pressed")).isEqualTo("true");
		assertThat(this.page.findAll("#diagram .node")).hasSize(5);
		assertThat(this.page.findAll("#diagram path.edge[data-from]")).hasSize(5);
		assertThat(this.page.find("#diagram .edge-label").getText()).isEqualTo("negative sentiment");
		assertThat(this.page.find("#diagram path.edge[data-from='classify'][data-to='escalate']").getAttribute("class"))
			.contains("edge--conditional");
		// The two branches after classify sit side by side, one layer below it.
		double[] classify = this.page.nodePosition("classify");
		double[] escalate = this.page.nodePosition("escalate");
		double[] reply = this.page.nodePosition("reply");
		assertThat(escalate[1]).isEqualTo(reply[1]).isGreaterThan(classify[1]);
		assertThat(escalate[0]).isNotEqualTo(reply[0]);
		assertThat(this.page.nodePosition("respond")[1]).isGreaterThan(escalate[1]);
		assertThat(this.page.connectionState()).isEqualTo("idle");
		assertThat(this.page.find("#connection").getAttribute("aria-live")).isEqualTo("polite");
		assertThat(this.page.find("#run-input").getAttribute("aria-describedby")).contains("run-input-error");

		// Keyboard only: skip link, the graph buttons, Enter to choose, then the form.
		this.page.find("body").sendKeys(Keys.TAB);
		assertThat(this.page.activeElement().getAttribute("class")).isEqualTo("skip-link");
		this.page.activeElement().sendKeys(Keys.TAB);
		assertThat(this.page.activeElement().getAttribute("data-graph-id")).isEqualTo("demo");
		this.page.activeElement().sendKeys(Keys.TAB);
		WebElement synthetic = this.page.activeElement();
		assertThat(synthetic.getAttribute("data-graph-id")).isEqualTo("synthetic");
		assertThat(synthetic.getCssValue("outline-style")).isEqualTo("solid");
		synthetic.sendKeys(Keys.ENTER);
		this.page.waitUntil(() -> "synthetic".equals(this.page.find("#diagram svg").getAttribute("data-graph-id")));
		assertThat(synthetic.getAttribute("aria-pressed")).isEqualTo("true");
		assertThat(this.page.findAll("#diagram path.edge[data-from='step'][data-to='step']")).hasSize(1);
		assertThat(this.page.find("#diagram .edge-label").getText()).isEqualTo("more steps");
		synthetic.sendKeys(Keys.TAB);
		assertThat(this.page.activeElement().getAttribute("data-graph-id")).isEqualTo("agent");
		this.page.activeElement().sendKeys(Keys.TAB);
		WebElement input = this.page.activeElement();
		assertThat(input.getAttribute("id")).isEqualTo("run-input");
		input.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE, "[1, 2]");
		input.sendKeys(Keys.chord(Keys.CONTROL, Keys.ENTER));
		assertThat(this.page.find("#run-input-error").getText()).contains("must be a JSON object");
		assertThat(input.getAttribute("aria-invalid")).isEqualTo("true");
		input.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE, "{\"nodes\": 3, \"chunks\": 2, \"delayMs\": 30");
		input.sendKeys(Keys.chord(Keys.CONTROL, Keys.ENTER));
		assertThat(this.page.find("#run-input-error").getText()).startsWith("This is not valid JSON");
		input.sendKeys("}", Keys.TAB);
		assertThat(this.page.activeElement().getAttribute("id")).isEqualTo("start-button");
		this.page.activeElement().sendKeys(Keys.ENTER);
		assertThat(this.page.awaitRunStatus("completed", "failed", "cancelled")).isEqualTo("completed");
		assertThat(this.page.find("#run-input-error").isDisplayed()).isFalse();
		assertThat(this.page.nodeStatus("step")).isEqualTo("completed");
		assertThat(this.page.find("#diagram .node[data-node-id='step'] .node-state").getText()).contains("×3");
		screenshot("desktop");

		browser.phone();
		assertThat((Long) this.page.script("return window.innerWidth;")).isEqualTo(390L);
		assertThat((Long) this.page.script("return document.documentElement.scrollWidth;")).isLessThanOrEqualTo(390L);
		screenshot("phone");
		assertThat(browser.consoleErrors()).isEmpty();
	}

	@Test
	void startingDemoMarksEveryVisitedNodeCompletedAndLogsEveryEventInSequenceOrder() {
		this.page.start("demo", "{}");
		assertThat(this.page.awaitRunStatus("completed", "failed", "cancelled")).isEqualTo("completed");
		String executionId = this.page.executionId();
		GraphExecution execution = this.registry.execution("demo", executionId);
		assertThat(this.page.loggedSequences()).containsExactlyElementsOf(sequences(execution.eventCount()));
		List<String> types = this.page.loggedTypes();
		assertThat(types.get(0)).isEqualTo("ExecutionStarted");
		assertThat(types.get(types.size() - 1)).isEqualTo("ExecutionCompleted");
		List<String> visited = this.page.startedNodes();
		assertThat(visited).containsExactly("receive", "classify", "escalate", "respond");
		for (String node : visited) {
			assertThat(this.page.nodeStatus(node)).as(node).isEqualTo("completed");
		}
		assertThat(this.page.nodeStatus("reply")).isEqualTo("idle");
		assertThat(this.page.find("#diagram path.edge[data-from='classify'][data-to='escalate']").getAttribute("class"))
			.contains("edge--taken");
		assertThat(this.page.find("#diagram path.edge[data-from='classify'][data-to='reply']").getAttribute("class"))
			.doesNotContain("edge--taken");
		ExecutionResult result = execution.result().block(Duration.ofSeconds(5));
		assertThat(this.page.find("pre.chunk-text[data-node-id='respond']").getText())
			.isEqualTo(String.valueOf(((Map<?, ?>) result.output()).get("answer")));
		assertThat(this.page.findAll("#timeline li")).hasSize(4);
		assertThat(this.page.find("#timeline li[data-node-id='classify'] .span-duration").getText()).endsWith("ms");
		assertThat(this.page.connectionState()).isEqualTo("closed");
		assertThat(this.page.reconnects()).isZero();
		assertThat(this.page.eventCounter("duplicates")).isZero();
		assertThat(this.page.eventCounter("gaps")).isZero();
		screenshot("desktop");

		this.page.filter("NodeCompleted", "");
		assertThat(this.page.visibleLogTypes()).hasSize(4).containsOnly("NodeCompleted");
		this.page.filter("", "respond");
		assertThat(this.page.visibleLogNodes()).isNotEmpty().containsOnly("respond");
		assertThat(this.page.visibleLogTypes()).contains("NodeStarted", "NodeOutputChunk", "NodeCompleted");
		assertThat(this.page.find("#log-count").getText()).startsWith("showing ");
		screenshot("filtered");
		this.page.filter("", "");
		browser.phone();
		assertThat((Long) this.page.script("return document.documentElement.scrollWidth;")).isLessThanOrEqualTo(390L);
		// The event log fits a phone without scrolling sideways.
		assertThat((Boolean) this.page.script("const log = document.getElementById('log-scroll');"
				+ "return log.scrollWidth <= log.clientWidth;")).isTrue();
		screenshot("phone");
		this.page.script("document.getElementById('log-title').scrollIntoView();");
		screenshot("phone-log");
		assertThat(browser.consoleErrors()).isEmpty();
	}

	@Test
	void failingSyntheticRunMarksTheNodeFailed() {
		this.page.start("synthetic", "{\"failAt\": 1}");
		assertThat(this.page.awaitRunStatus("completed", "failed", "cancelled")).isEqualTo("failed");
		assertThat(this.page.nodeStatus("step")).isEqualTo("failed");
		assertThat(this.page.find("#diagram .node[data-node-id='step'] .node-state").getText()).contains("failed");
		assertThat(this.page.find("#run-error").getText()).contains("SyntheticFailureException")
			.contains("node step");
		GraphExecution execution = this.registry.execution("synthetic", this.page.executionId());
		assertThat(this.page.loggedSequences()).containsExactlyElementsOf(sequences(execution.eventCount()));
		assertThat(this.page.loggedTypes()).contains("NodeFailed").endsWith("ExecutionFailed");
		assertThat(this.page.find("#timeline li[data-status='failed']").isDisplayed()).isTrue();
		assertThat(this.page.connectionState()).isEqualTo("closed");
		screenshot("desktop");
		assertThat(browser.consoleErrors()).isEmpty();
	}

	@Test
	void serverClosingTheStreamMidRunMakesThePageReconnectAndShowEveryEventOnce() throws InterruptedException {
		Set<String> before = syntheticExecutionIds();
		// The stream ends after 6 events; the resume then starts 3 events early, so the
		// server repeats 3 events that the page must not show twice.
		this.streamCut.arm(6, 3);
		this.page.start("synthetic", "{\"nodes\": 8, \"delayMs\": 600, \"chunks\": 2}");
		this.page.waitUntil(() -> this.page.reconnects() >= 1);
		screenshot("reconnecting");
		assertThat(this.page.awaitRunStatus("completed", "failed", "cancelled")).isEqualTo("completed");
		String executionId = this.page.executionId();
		GraphExecution execution = this.registry.execution("synthetic", executionId);
		assertThat(execution.status()).isEqualTo(ExecutionStatus.COMPLETED);
		List<Long> logged = this.page.loggedSequences();
		assertThat(logged).containsExactlyElementsOf(sequences(execution.eventCount()));
		assertThat(this.page.loggedTypes()).filteredOn("NodeCompleted"::equals).hasSize(8);
		assertThat(this.page.eventCounter("count")).isEqualTo(execution.eventCount());
		assertThat(this.page.eventCounter("duplicates")).isEqualTo(3);
		assertThat(this.page.eventCounter("gaps")).isZero();
		assertThat(this.page.reconnects()).isEqualTo(1);
		assertThat(this.streamCut.cuts()).isEqualTo(1);
		// One start, one resume by EventSource itself with the last id it had seen, and no
		// second execution of the graph.
		assertThat(this.streamCut.requests()).containsExactly("", executionId + ":6");
		assertThat(syntheticExecutionIds()).containsAll(before).hasSize(before.size() + 1).contains(executionId);
		// After the terminal event the page closed the EventSource: no reconnect follows
		// (EventSource would retry after about 3 s).
		Thread.sleep(3500);
		assertThat(this.streamCut.requests()).hasSize(2);
		assertThat(this.page.connectionState()).isEqualTo("closed");
		screenshot("desktop");
		assertThat(browser.consoleErrors()).isEmpty();
	}

	@Test
	void cancelButtonOfAnActiveExecutionCancelsIt() {
		this.page.start("synthetic", "{\"nodes\": 1000, \"delayMs\": 1000}");
		String executionId = this.page.executionId();
		String row = "#active-list li[data-execution-id='" + executionId + "']";
		this.page.waitUntil(() -> !this.page.findAll(row).isEmpty());
		assertThat(this.page.find(row).getAttribute("data-graph-id")).isEqualTo("synthetic");
		this.page.waitUntil(() -> "running".equals(this.page.nodeStatus("step")));
		screenshot("before-cancel");
		WebElement cancel = this.page.find(row + " button.cancel-execution");
		assertThat(cancel.getAttribute("aria-label")).isEqualTo("Cancel execution " + executionId + " of synthetic");
		cancel.click();
		assertThat(this.page.awaitRunStatus("completed", "failed", "cancelled")).isEqualTo("cancelled");
		List<String> types = this.page.loggedTypes();
		assertThat(types.get(types.size() - 1)).isEqualTo("ExecutionCancelled");
		assertThat(this.page.nodeStatus("step")).isEqualTo("cancelled");
		this.page.waitUntil(() -> this.page.findAll(row).isEmpty());
		assertThat(this.registry.execution("synthetic", executionId).status()).isEqualTo(ExecutionStatus.CANCELLED);
		assertThat(this.page.connectionState()).isEqualTo("closed");
		screenshot("desktop");
		assertThat(browser.consoleErrors()).isEmpty();
	}

	private Set<String> syntheticExecutionIds() {
		return this.registry.executions()
			.executions()
			.stream()
			.filter((execution) -> execution.graphId().equals("synthetic"))
			.map(GraphExecution::executionId)
			.collect(Collectors.toSet());
	}

	private static List<Long> sequences(long count) {
		return LongStream.rangeClosed(1, count).boxed().toList();
	}

	private void screenshot(String view) {
		browser.screenshot(getClass().getSimpleName() + "-" + this.testName + "-" + view);
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class StreamCutConfiguration {

		@Bean
		StreamCutFilter streamCutFilter() {
			return new StreamCutFilter();
		}

	}

}
