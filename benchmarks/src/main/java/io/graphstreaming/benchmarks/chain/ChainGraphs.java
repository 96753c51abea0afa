package io.graphstreaming.benchmarks.chain;

import java.util.Map;

import org.bsc.langgraph4j.GraphStateException;
import org.bsc.langgraph4j.state.AgentState;

import io.graphstreaming.core.execution.StreamingGraphExecutor;
import io.graphstreaming.core.graph.GraphNode;

/**
 * The same chain of trivial nodes, built with each contender's own API: node {@code i}
 * is called {@code n<i>} and writes {@code step = i} (a map made once, so every
 * contender's node function costs the same: nothing). No conditions, no checkpoints, no
 * serializers beyond each library's defaults.
 */
public final class ChainGraphs {

	private ChainGraphs() {
	}

	/**
	 * The output of node {@code i}, made once.
	 * @param nodes the chain length
	 * @return one map per node
	 */
	static Map<String, Object>[] outputs(int nodes) {
		@SuppressWarnings("unchecked")
		Map<String, Object>[] outputs = new Map[nodes];
		for (int i = 0; i < nodes; i++) {
			outputs[i] = Map.of("step", i);
		}
		return outputs;
	}

	/**
	 * Ours: non-blocking nodes, the default (immediate) execution scheduler.
	 * @param nodes the chain length
	 * @return the executor
	 */
	public static StreamingGraphExecutor graphStreaming(int nodes) {
		Map<String, Object>[] outputs = outputs(nodes);
		StreamingGraphExecutor executor = new StreamingGraphExecutor("chain", "A chain of " + nodes + " trivial nodes");
		for (int i = 0; i < nodes; i++) {
			Map<String, Object> output = outputs[i];
			executor.addNode(GraphNode.of("n" + i, (state, context) -> output).nonBlocking());
			if (i > 0) {
				executor.connect("n" + (i - 1), "n" + i);
			}
		}
		executor.setStartNode("n0");
		executor.validate();
		return executor;
	}

	/**
	 * LangGraph4j 1.8.17: {@code StateGraph<AgentState>} with {@code node_async} nodes.
	 * @param nodes the chain length
	 * @return the compiled graph
	 */
	public static org.bsc.langgraph4j.CompiledGraph<AgentState> langGraph4j(int nodes) {
		Map<String, Object>[] outputs = outputs(nodes);
		try {
			org.bsc.langgraph4j.StateGraph<AgentState> graph = new org.bsc.langgraph4j.StateGraph<>(AgentState::new);
			for (int i = 0; i < nodes; i++) {
				Map<String, Object> output = outputs[i];
				graph.addNode("n" + i, org.bsc.langgraph4j.action.AsyncNodeAction.node_async((state) -> output));
			}
			graph.addEdge(org.bsc.langgraph4j.StateGraph.START, "n0");
			for (int i = 1; i < nodes; i++) {
				graph.addEdge("n" + (i - 1), "n" + i);
			}
			graph.addEdge("n" + (nodes - 1), org.bsc.langgraph4j.StateGraph.END);
			org.bsc.langgraph4j.CompiledGraph<AgentState> compiled = graph.compile();
			compiled.setMaxIterations(nodes + 10); // the default, 25, stops a 50-node chain
			return compiled;
		}
		catch (GraphStateException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Spring AI Alibaba Graph 1.1.2.2 as compiled by default: {@code StateGraph} with a
	 * replace strategy for the keys written and {@code node_async} nodes. Its default
	 * {@code CompileConfig} registers an in-memory checkpoint saver ({@code MemorySaver}),
	 * which keeps every checkpoint of the default thread: the heap grows run after run.
	 * @param nodes the chain length
	 * @return the compiled graph
	 */
	public static com.alibaba.cloud.ai.graph.CompiledGraph springAiAlibaba(int nodes) {
		return springAiAlibaba(nodes, null);
	}

	/**
	 * Spring AI Alibaba Graph 1.1.2.2 compiled with no checkpoint saver (an empty
	 * {@code SaverConfig}): what a run costs without checkpoints, like the other
	 * contenders here.
	 * @param nodes the chain length
	 * @return the compiled graph
	 */
	public static com.alibaba.cloud.ai.graph.CompiledGraph springAiAlibabaWithoutSaver(int nodes) {
		return springAiAlibaba(nodes, com.alibaba.cloud.ai.graph.CompileConfig.builder()
			.saverConfig(new com.alibaba.cloud.ai.graph.checkpoint.config.SaverConfig())
			.build());
	}

	private static com.alibaba.cloud.ai.graph.CompiledGraph springAiAlibaba(int nodes,
			com.alibaba.cloud.ai.graph.CompileConfig config) {
		Map<String, Object>[] outputs = outputs(nodes);
		try {
			com.alibaba.cloud.ai.graph.StateGraph graph = new com.alibaba.cloud.ai.graph.StateGraph("chain",
					() -> Map.of("step", com.alibaba.cloud.ai.graph.KeyStrategy.REPLACE, "topic",
							com.alibaba.cloud.ai.graph.KeyStrategy.REPLACE));
			for (int i = 0; i < nodes; i++) {
				Map<String, Object> output = outputs[i];
				graph.addNode("n" + i, com.alibaba.cloud.ai.graph.action.AsyncNodeAction.node_async((state) -> output));
			}
			graph.addEdge(com.alibaba.cloud.ai.graph.StateGraph.START, "n0");
			for (int i = 1; i < nodes; i++) {
				graph.addEdge("n" + (i - 1), "n" + i);
			}
			graph.addEdge("n" + (nodes - 1), com.alibaba.cloud.ai.graph.StateGraph.END);
			com.alibaba.cloud.ai.graph.CompiledGraph compiled = (config != null) ? graph.compile(config)
					: graph.compile();
			compiled.setMaxIterations(nodes + 10);
			return compiled;
		}
		catch (com.alibaba.cloud.ai.graph.exception.GraphStateException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
