package io.graphstreaming.core.graph;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The definition of a graph: nodes, edges and a start node, checked as it is built. Build
 * it fully before running it; it is not meant to change while executions run.
 */
public final class Graph {

	private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

	private final String id;

	private final String description;

	private final Map<String, GraphNode> nodes = new LinkedHashMap<>();

	private final Map<String, List<GraphEdge>> outgoing = new LinkedHashMap<>();

	private final List<GraphEdge> edges = new ArrayList<>();

	private @Nullable String startNode;

	private final Map<String, MergePolicy> mergePolicies = new LinkedHashMap<>();

	private final Set<String> fanOutNodes = new HashSet<>();

	private volatile MergePolicy defaultMergePolicy = MergePolicy.overwrite();

	private volatile @Nullable RetryPolicy retryPolicy;

	private volatile Map<String, Optional<String>> joins = Map.of();

	private volatile boolean validated;

	/**
	 * Creates an empty graph.
	 * @param id the graph id: 1 to 128 letters, digits, '-', '_' or '.'
	 * @param description what the graph does
	 * @throws IllegalArgumentException if the id is invalid
	 */
	public Graph(String id, String description) {
		Objects.requireNonNull(id, "id");
		if (!ID.matcher(id).matches()) {
			throw new IllegalArgumentException("Invalid graph id '" + id
					+ "': use 1 to 128 letters, digits, '-', '_' or '.', starting with a letter or digit");
		}
		this.id = id;
		this.description = Objects.requireNonNull(description, "description");
	}

	/**
	 * The graph id.
	 * @return the id
	 */
	public String id() {
		return this.id;
	}

	/**
	 * The description.
	 * @return the description
	 */
	public String description() {
		return this.description;
	}

	/**
	 * Adds a node.
	 * @param node the node
	 * @throws GraphValidationException if a node with that id exists
	 */
	public synchronized void addNode(GraphNode node) {
		Objects.requireNonNull(node, "node");
		if (this.nodes.containsKey(node.id())) {
			throw new GraphValidationException(
					"Graph '" + this.id + "' already has a node with id '" + node.id() + "'");
		}
		this.nodes.put(node.id(), node);
		this.outgoing.put(node.id(), new ArrayList<>());
		this.validated = false;
	}

	/**
	 * Adds an edge.
	 * @param edge the edge; both ends must be existing nodes
	 * @throws GraphValidationException for an unknown node or a duplicate edge
	 */
	public synchronized void connect(GraphEdge edge) {
		Objects.requireNonNull(edge, "edge");
		requireNode(edge.from(), "connect");
		requireNode(edge.to(), "connect");
		for (GraphEdge existing : this.outgoing.get(edge.from())) {
			if (existing.to().equals(edge.to())) {
				throw new GraphValidationException("Graph '" + this.id + "' already has an edge from '" + edge.from()
						+ "' to '" + edge.to() + "'");
			}
		}
		this.outgoing.get(edge.from()).add(edge);
		this.edges.add(edge);
		this.validated = false;
	}

	/**
	 * Sets the start node.
	 * @param nodeId an existing node
	 * @throws GraphValidationException if the node does not exist
	 */
	public synchronized void setStartNode(String nodeId) {
		requireNode(nodeId, "setStartNode");
		this.startNode = nodeId;
		this.validated = false;
	}

	/**
	 * The start node.
	 * @return the start node id, or {@code null} before one is set
	 */
	public @Nullable String startNode() {
		return this.startNode;
	}

	/**
	 * A node by id.
	 * @param nodeId the id
	 * @return the node, or {@code null}
	 */
	public @Nullable GraphNode node(String nodeId) {
		return this.nodes.get(nodeId);
	}

	/**
	 * The nodes, in insertion order.
	 * @return an unmodifiable view
	 */
	public Map<String, GraphNode> nodes() {
		return Collections.unmodifiableMap(this.nodes);
	}

	/**
	 * The edges leaving a node, in insertion order.
	 * @param nodeId the node
	 * @return the edges, empty for a final node
	 */
	public List<GraphEdge> outgoing(String nodeId) {
		List<GraphEdge> list = this.outgoing.get(nodeId);
		return (list != null) ? list : List.of();
	}

	/**
	 * Makes a node fan out: after it runs, every outgoing edge whose condition holds is
	 * taken (with every unconditional one) at once, as parallel branches, instead of the
	 * first that holds. This is how a run picks its width from the state, for example one
	 * branch per tool an agent chose to call.
	 * @param nodeId an existing node
	 * @throws GraphValidationException if the node does not exist
	 */
	public synchronized void fanOut(String nodeId) {
		requireNode(nodeId, "fanOut");
		this.fanOutNodes.add(nodeId);
		this.validated = false;
	}

	/**
	 * Whether a node fans out to every edge that holds.
	 * @param nodeId the node
	 * @return {@code true} for a fan-out node
	 */
	public boolean isFanOut(String nodeId) {
		return !this.fanOutNodes.isEmpty() && this.fanOutNodes.contains(nodeId);
	}

	/**
	 * Sets how joins resolve one key that parallel branches wrote with different values.
	 * @param key the state key
	 * @param policy the policy
	 */
	public synchronized void mergePolicy(String key, MergePolicy policy) {
		Objects.requireNonNull(key, "key");
		this.mergePolicies.put(key, Objects.requireNonNull(policy, "policy"));
	}

	/**
	 * Sets how joins resolve keys without a policy of their own (default: overwrite).
	 * @param policy the policy
	 */
	public void defaultMergePolicy(MergePolicy policy) {
		this.defaultMergePolicy = Objects.requireNonNull(policy, "policy");
	}

	/**
	 * The merge policy of a key.
	 * @param key the key
	 * @return its policy, or the default
	 */
	public synchronized MergePolicy mergePolicyOf(String key) {
		MergePolicy policy = this.mergePolicies.get(key);
		return (policy != null) ? policy : this.defaultMergePolicy;
	}

	/**
	 * Sets the retry policy of every node that has none of its own.
	 * @param policy the policy, or {@code null} for no retries
	 */
	public void retryPolicy(@Nullable RetryPolicy policy) {
		this.retryPolicy = policy;
	}

	/**
	 * The graph-wide retry policy.
	 * @return the policy, or {@code null}
	 */
	public @Nullable RetryPolicy retryPolicy() {
		return this.retryPolicy;
	}

	/**
	 * Where the parallel branches leaving a node join: the node nearest to all of them
	 * (fewest steps from the farthest branch, ties broken by insertion order). Branches
	 * stop before it; once all have stopped their states merge and the run continues
	 * there. Without a common node each branch runs to its end and the execution ends
	 * after the merge.
	 * @param forkNode a node with several unconditional successors
	 * @return the join node, or {@code null} when the branches never meet
	 */
	public @Nullable String joinOf(String forkNode) {
		validate();
		Optional<String> join = this.joins.get(forkNode);
		return (join != null) ? join.orElse(null) : null;
	}

	/**
	 * Checks the whole graph: a start node is set, every node is reachable from it, and
	 * subgraphs are valid and do not contain themselves. Computes where parallel branches
	 * join.
	 * @throws GraphValidationException naming the graph and the offending node
	 */
	public void validate() {
		validate(new ArrayDeque<>());
	}

	private synchronized void validate(Deque<Graph> enclosing) {
		if (this.validated) {
			return;
		}
		if (enclosing.contains(this)) {
			throw new GraphValidationException("Graph '" + this.id + "' contains itself as a subgraph (through "
					+ String.join(" -> ", enclosing.stream().map(Graph::id).toList()) + ")");
		}
		if (this.nodes.isEmpty()) {
			throw new GraphValidationException("Graph '" + this.id + "' has no nodes");
		}
		String start = this.startNode;
		if (start == null) {
			throw new GraphValidationException("Graph '" + this.id + "' has no start node; call setStartNode");
		}
		Set<String> reached = new HashSet<>();
		Deque<String> pending = new ArrayDeque<>();
		pending.add(start);
		while (!pending.isEmpty()) {
			String current = pending.poll();
			if (reached.add(current)) {
				this.outgoing.get(current).forEach((edge) -> pending.add(edge.to()));
			}
		}
		List<String> unreachable = this.nodes.keySet().stream().filter((id) -> !reached.contains(id)).toList();
		if (!unreachable.isEmpty()) {
			throw new GraphValidationException("Graph '" + this.id + "' has nodes unreachable from start node '"
					+ start + "': " + String.join(", ", unreachable));
		}
		enclosing.push(this);
		try {
			for (GraphNode node : this.nodes.values()) {
				Graph subgraph = node.subgraph();
				if (subgraph != null) {
					subgraph.validate(enclosing);
				}
			}
		}
		finally {
			enclosing.pop();
		}
		Map<String, Optional<String>> joinNodes = new LinkedHashMap<>();
		for (Map.Entry<String, List<GraphEdge>> entry : this.outgoing.entrySet()) {
			boolean fanOut = this.fanOutNodes.contains(entry.getKey());
			List<String> heads = entry.getValue()
				.stream()
				.filter((edge) -> fanOut || !edge.isConditional())
				.map(GraphEdge::to)
				.toList();
			if (heads.size() > 1) {
				joinNodes.put(entry.getKey(), Optional.ofNullable(nearestCommonNode(entry.getKey(), heads)));
			}
		}
		this.joins = joinNodes;
		this.validated = true;
	}

	/**
	 * The node reachable from every branch head with the smallest worst-case distance.
	 */
	private @Nullable String nearestCommonNode(String fork, List<String> heads) {
		List<Map<String, Integer>> distances = new ArrayList<>();
		for (String head : heads) {
			distances.add(distancesFrom(head, fork));
		}
		String best = null;
		int bestDistance = Integer.MAX_VALUE;
		for (String candidate : this.nodes.keySet()) {
			int worst = 0;
			for (Map<String, Integer> distance : distances) {
				Integer steps = distance.get(candidate);
				if (steps == null) {
					worst = Integer.MAX_VALUE;
					break;
				}
				worst = Math.max(worst, steps);
			}
			if (worst < bestDistance) {
				best = candidate;
				bestDistance = worst;
			}
		}
		return best;
	}

	/**
	 * Steps from a head to every node it reaches without passing through the fork again.
	 */
	private Map<String, Integer> distancesFrom(String head, String fork) {
		Map<String, Integer> distance = new HashMap<>();
		Deque<String> pending = new ArrayDeque<>();
		distance.put(head, 0);
		pending.add(head);
		while (!pending.isEmpty()) {
			String current = pending.poll();
			for (GraphEdge edge : this.outgoing.get(current)) {
				if (!edge.to().equals(fork) && !distance.containsKey(edge.to())) {
					distance.put(edge.to(), distance.get(current) + 1);
					pending.add(edge.to());
				}
			}
		}
		return distance;
	}

	/**
	 * Describes the graph for transports.
	 * @return the description
	 */
	public synchronized GraphDescription describe() {
		List<GraphDescription.Node> nodeList = this.nodes.values()
			.stream()
			.map((node) -> new GraphDescription.Node(node.id(), node.description()))
			.toList();
		List<GraphDescription.Edge> edgeList = this.edges.stream()
			.map((edge) -> new GraphDescription.Edge(edge.from(), edge.to(),
					(edge.condition() != null) ? edge.condition().label() : null))
			.toList();
		return new GraphDescription(this.id, this.description, this.startNode, nodeList, edgeList);
	}

	private void requireNode(String nodeId, String operation) {
		Objects.requireNonNull(nodeId, "nodeId");
		if (!this.nodes.containsKey(nodeId)) {
			throw new GraphValidationException(operation + ": graph '" + this.id + "' has no node '" + nodeId
					+ "'; known nodes: " + String.join(", ", this.nodes.keySet()));
		}
	}

}
