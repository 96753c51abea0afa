package io.graphstreaming.sample;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.graphstreaming.core.checkpoint.CheckpointStore;
import io.graphstreaming.core.execution.StreamingGraphExecutor;

/**
 * The sample's graphs. The starter serves every
 * {@link io.graphstreaming.core.execution.GraphExecutor} bean under its
 * {@link io.graphstreaming.core.execution.GraphExecutor#name() name}, so declaring a graph
 * is all an application does to publish it. Plain factory methods: tests call them
 * without a Spring context.
 */
@Configuration(proxyBeanMethods = false)
public class SampleGraphsConfiguration {

	/**
	 * The {@code demo} graph: a support-ticket triage with a conditional route.
	 * @return a new executor
	 * @see TicketTriageGraph
	 */
	@Bean
	public StreamingGraphExecutor demoGraph() {
		return TicketTriageGraph.create();
	}

	/**
	 * The {@code synthetic} graph: a load and test graph driven by its input.
	 * @return a new executor
	 * @see SyntheticGraph
	 */
	@Bean
	public StreamingGraphExecutor syntheticGraph() {
		return SyntheticGraph.create();
	}

	/**
	 * The {@code agent} graph: an agent loop with streamed tokens, parallel tools, a retry,
	 * a subgraph tool whose service is behind a circuit breaker, and a checkpoint after
	 * every step.
	 * @param checkpoints the application's checkpoint store (the starter's, unless the
	 * application declares its own)
	 * @return a new executor
	 * @see AgentGraph
	 */
	@Bean
	public StreamingGraphExecutor agentGraph(CheckpointStore checkpoints) {
		return AgentGraph.create(checkpoints);
	}

}
