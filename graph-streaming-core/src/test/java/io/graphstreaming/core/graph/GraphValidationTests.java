package io.graphstreaming.core.graph;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.graphstreaming.core.execution.GraphExecutor;
import io.graphstreaming.core.execution.StreamingGraphExecutor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * A graph definition fails fast with a message naming the graph and the offending node.
 */
class GraphValidationTests {

	private final GraphExecutor executor = new GraphExecutor("g", "validation");

	@Test
	void connectingAnUnknownNodeNamesItAndTheKnownNodes() {
		this.executor.addNode(node("a")).addNode(node("b"));

		assertThatExceptionOfType(GraphValidationException.class).isThrownBy(() -> this.executor.connect("a", "zzz"))
			.withMessage("connect: graph 'g' has no node 'zzz'; known nodes: a, b");
		assertThatExceptionOfType(GraphValidationException.class).isThrownBy(() -> this.executor.connect("yyy", "a"))
			.withMessage("connect: graph 'g' has no node 'yyy'; known nodes: a, b");
	}

	@Test
	void unknownStartNodeIsRejected() {
		this.executor.addNode(node("a"));

		assertThatExceptionOfType(GraphValidationException.class).isThrownBy(() -> this.executor.setStartNode("x"))
			.withMessage("setStartNode: graph 'g' has no node 'x'; known nodes: a");
	}

	@Test
	void graphWithoutStartNodeIsRejected() {
		this.executor.addNode(node("a"));

		assertThatExceptionOfType(GraphValidationException.class).isThrownBy(this.executor::validate)
			.withMessage("Graph 'g' has no start node; call setStartNode");
		assertThatExceptionOfType(GraphValidationException.class)
			.isThrownBy(() -> this.executor.executeAsync(Map.of()))
			.withMessage("Graph 'g' has no start node; call setStartNode");
	}

	@Test
	void emptyGraphIsRejected() {
		assertThatExceptionOfType(GraphValidationException.class).isThrownBy(this.executor::validate)
			.withMessage("Graph 'g' has no nodes");
	}

	@Test
	void unreachableNodesAreListed() {
		this.executor.addNode(node("a")).addNode(node("b")).addNode(node("c")).addNode(node("d"));
		this.executor.connect("a", "b").connect("c", "d").setStartNode("a");

		assertThatExceptionOfType(GraphValidationException.class).isThrownBy(this.executor::validate)
			.withMessage("Graph 'g' has nodes unreachable from start node 'a': c, d");
	}

	@Test
	void nodesReachableOnlyThroughConditionsCountAsReachable() {
		this.executor.addNode(node("a")).addNode(node("b"));
		this.executor.connect("a", "b", "never", (state) -> false).setStartNode("a");

		assertThatNoException().isThrownBy(this.executor::validate);
	}

	@Test
	void duplicateNodeIdIsRejected() {
		this.executor.addNode(node("a"));

		assertThatExceptionOfType(GraphValidationException.class).isThrownBy(() -> this.executor.addNode(node("a")))
			.withMessage("Graph 'g' already has a node with id 'a'");
	}

	@Test
	void duplicateEdgeIsRejectedEvenWithADifferentCondition() {
		this.executor.addNode(node("a")).addNode(node("b")).connect("a", "b");

		assertThatExceptionOfType(GraphValidationException.class).isThrownBy(() -> this.executor.connect("a", "b"))
			.withMessage("Graph 'g' already has an edge from 'a' to 'b'");
		assertThatExceptionOfType(GraphValidationException.class)
			.isThrownBy(() -> this.executor.connect("a", "b", "x", (state) -> true))
			.withMessage("Graph 'g' already has an edge from 'a' to 'b'");
	}

	@Test
	void parallelBranchesJoinAtTheNearestNodeCommonToAllOfThem() {
		this.executor.addNode(node("fork")).addNode(node("a1")).addNode(node("a2")).addNode(node("b"));
		this.executor.addNode(node("join")).addNode(node("after"));
		this.executor.connect("fork", "a1").connect("fork", "b").connect("a1", "a2").connect("a2", "join");
		this.executor.connect("b", "join").connect("join", "after").setStartNode("fork");

		assertThatNoException().isThrownBy(this.executor::validate);
		assertThat(this.executor.graph().joinOf("fork")).isEqualTo("join");
	}

	@Test
	void branchesThatNeverMeetHaveNoJoin() {
		this.executor.addNode(node("fork")).addNode(node("a")).addNode(node("b"));
		this.executor.connect("fork", "a").connect("fork", "b").setStartNode("fork");

		assertThat(this.executor.graph().joinOf("fork")).isNull();
	}

	@Test
	void aDirectEdgeFromTheForkToTheJoinMakesTheJoinWaitForTheOtherBranches() {
		this.executor.addNode(node("fork")).addNode(node("a")).addNode(node("join"));
		this.executor.connect("fork", "a").connect("fork", "join").connect("a", "join").setStartNode("fork");

		assertThat(this.executor.graph().joinOf("fork")).isEqualTo("join");
	}

	@Test
	void aGraphThatContainsItselfAsASubgraphIsRejected() {
		Graph outer = new Graph("outer", "");
		Graph inner = new Graph("inner", "");
		outer.addNode(GraphNode.subgraph("run-inner", inner));
		outer.setStartNode("run-inner");
		inner.addNode(GraphNode.subgraph("run-outer", outer));
		inner.setStartNode("run-outer");

		assertThatExceptionOfType(GraphValidationException.class).isThrownBy(outer::validate)
			.withMessage("Graph 'outer' contains itself as a subgraph (through inner -> outer)");
	}

	@Test
	void graphIsRevalidatedAfterAChange() {
		this.executor.addNode(node("a")).setStartNode("a");
		this.executor.validate();

		this.executor.addNode(node("orphan"));

		assertThatExceptionOfType(GraphValidationException.class).isThrownBy(this.executor::validate)
			.withMessageContaining("unreachable from start node 'a': orphan");
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "bad id", "-starts-with-dash", "a/b", "ü" })
	void invalidNodeIdsAreRejected(String id) {
		assertThatIllegalArgumentException().isThrownBy(() -> node(id))
			.withMessage("Invalid node id '" + id
					+ "': use 1 to 128 letters, digits, '-', '_' or '.', starting with a letter or digit");
	}

	@Test
	void nodeIdsMayBe128CharactersButNotMore() {
		assertThat(node("n".repeat(128)).id()).hasSize(128);
		assertThatIllegalArgumentException().isThrownBy(() -> node("n".repeat(129)));
	}

	@Test
	void invalidGraphIdIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> new StreamingGraphExecutor("my graph", "x"))
			.withMessage("Invalid graph id 'my graph': use 1 to 128 letters, digits, '-', '_' or '.', starting with a "
					+ "letter or digit");
	}

	@Test
	void blankConditionLabelIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> EdgeCondition.of(" ", (state) -> true))
			.withMessage("An edge condition needs a non-blank label");
	}

	@Test
	void describeListsNodesEdgesAndConditionLabelsInOrder() {
		this.executor.addNode(node("a").withDescription("first")).addNode(node("b")).addNode(node("c"));
		this.executor.connect("a", "b", "ok", (state) -> true).connect("a", "c").setStartNode("a");

		GraphDescription description = this.executor.describe();

		assertThat(description.id()).isEqualTo("g");
		assertThat(description.description()).isEqualTo("validation");
		assertThat(description.startNode()).isEqualTo("a");
		assertThat(description.nodes()).containsExactly(new GraphDescription.Node("a", "first"),
				new GraphDescription.Node("b", ""), new GraphDescription.Node("c", ""));
		assertThat(description.edges()).containsExactly(new GraphDescription.Edge("a", "b", "ok"),
				new GraphDescription.Edge("a", "c", null));
	}

	private static GraphNode node(String id) {
		return GraphNode.of(id, (state, context) -> Map.of());
	}

}
