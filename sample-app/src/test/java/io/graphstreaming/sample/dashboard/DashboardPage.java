package io.graphstreaming.sample.dashboard;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard as the tests see it: what a user does (choose a graph, type an input,
 * start, cancel) and what the page shows, read from the DOM.
 */
final class DashboardPage {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final ChromeDriver driver;

	DashboardPage(ChromeDriver driver) {
		this.driver = driver;
	}

	DashboardPage open(String url) {
		this.driver.get(url);
		waitUntil(() -> this.driver.findElements(By.cssSelector("#diagram svg .node")).size() > 0);
		return this;
	}

	void waitUntil(Condition condition) {
		new WebDriverWait(this.driver, TIMEOUT, Duration.ofMillis(50)).until((driver) -> condition.holds());
	}

	WebElement find(String css) {
		return this.driver.findElement(By.cssSelector(css));
	}

	List<WebElement> findAll(String css) {
		return this.driver.findElements(By.cssSelector(css));
	}

	Object script(String script, Object... arguments) {
		return this.driver.executeScript(script, arguments);
	}

	List<String> graphIds() {
		return findAll(".graph-button").stream().map((button) -> button.getAttribute("data-graph-id")).toList();
	}

	void selectGraph(String graphId) {
		find(".graph-button[data-graph-id='" + graphId + "']").click();
		waitUntil(() -> graphId.equals(find("#diagram svg").getAttribute("data-graph-id")));
	}

	void start(String graphId, String input) {
		selectGraph(graphId);
		WebElement textarea = find("#run-input");
		textarea.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
		textarea.sendKeys(input);
		find("#start-button").click();
	}

	String runStatus() {
		return find("#run-summary").getAttribute("data-status");
	}

	String awaitRunStatus(String... statuses) {
		List<String> wanted = List.of(statuses);
		waitUntil(() -> wanted.contains(runStatus()));
		return runStatus();
	}

	String executionId() {
		waitUntil(() -> !"–".equals(find("#run-execution-id").getText()));
		return find("#run-execution-id").getText();
	}

	/**
	 * The sequences of the event log's rows, top to bottom.
	 */
	List<Long> loggedSequences() {
		return longs(script("return [...document.querySelectorAll('#event-log-body tr')]"
				+ ".map((row) => Number(row.dataset.sequence));"));
	}

	List<String> loggedTypes() {
		return strings(script("return [...document.querySelectorAll('#event-log-body tr')]"
				+ ".map((row) => row.dataset.type);"));
	}

	List<String> visibleLogTypes() {
		return strings(script("return [...document.querySelectorAll('#event-log-body tr')]"
				+ ".filter((row) => !row.hidden).map((row) => row.dataset.type);"));
	}

	List<String> visibleLogNodes() {
		return strings(script("return [...document.querySelectorAll('#event-log-body tr')]"
				+ ".filter((row) => !row.hidden).map((row) => row.dataset.node);"));
	}

	/**
	 * The nodes of {@code NodeStarted} rows, in order of first appearance.
	 */
	List<String> startedNodes() {
		return strings(script("return [...new Set([...document.querySelectorAll("
				+ "'#event-log-body tr[data-type=\"NodeStarted\"]')].map((row) => row.dataset.node))];"));
	}

	String nodeStatus(String nodeId) {
		return find("#diagram .node[data-node-id='" + nodeId + "']").getAttribute("data-status");
	}

	String nodeStateText(String nodeId) {
		return find("#diagram .node[data-node-id='" + nodeId + "'] .node-state").getText();
	}

	String connectionState() {
		return find("#connection").getAttribute("data-state");
	}

	int reconnects() {
		return Integer.parseInt(Objects.requireNonNull(find("#connection").getAttribute("data-reconnects")));
	}

	int eventCounter(String attribute) {
		return Integer.parseInt(Objects.requireNonNull(find("#run-events").getAttribute("data-" + attribute)));
	}

	void filter(String typeOrEmpty, String nodeOrEmpty) {
		script("const type = document.getElementById('filter-type');"
				+ "type.value = arguments[0]; type.dispatchEvent(new Event('change'));"
				+ "const node = document.getElementById('filter-node');"
				+ "node.value = arguments[1]; node.dispatchEvent(new Event('change'));", typeOrEmpty, nodeOrEmpty);
	}

	/**
	 * The {@code translate(x y)} of a node in the diagram.
	 */
	double[] nodePosition(String nodeId) {
		String transform = find("#diagram .node[data-node-id='" + nodeId + "']").getAttribute("transform");
		String[] parts = Objects.requireNonNull(transform).replaceAll("[^0-9. -]", "").trim().split("\\s+");
		return new double[] { Double.parseDouble(parts[0]), Double.parseDouble(parts[1]) };
	}

	WebElement activeElement() {
		return this.driver.switchTo().activeElement();
	}

	@SuppressWarnings("unchecked")
	private static List<String> strings(Object value) {
		return (List<String>) value;
	}

	@SuppressWarnings("unchecked")
	private static List<Long> longs(Object value) {
		return (List<Long>) value;
	}

	@FunctionalInterface
	interface Condition {

		boolean holds();

	}

}
