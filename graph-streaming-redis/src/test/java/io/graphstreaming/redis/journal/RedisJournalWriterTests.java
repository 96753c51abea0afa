package io.graphstreaming.redis.journal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.stream.LongStream;

import io.lettuce.core.Range;
import io.lettuce.core.SetArgs;
import io.lettuce.core.StreamMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

import io.graphstreaming.core.event.EventFilter;
import io.graphstreaming.core.event.ExecutionCompletedEvent;
import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.execution.ExecutionStatus;
import io.graphstreaming.core.execution.GraphExecution;
import io.graphstreaming.core.execution.GraphExecutor;
import io.graphstreaming.core.graph.GraphNode;
import io.graphstreaming.core.journal.ConsumerListener;
import io.graphstreaming.core.journal.ConsumerSpec;
import io.graphstreaming.core.options.OverflowPolicy;
import io.graphstreaming.core.options.StreamingExecutionOptions;
import io.graphstreaming.redis.LogCapture;
import io.graphstreaming.redis.RedisConnections;
import io.graphstreaming.redis.RedisKeys;
import io.graphstreaming.redis.RedisTesting;
import io.graphstreaming.testsupport.RedisServer;

import static io.graphstreaming.redis.RedisTesting.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link RedisJournalWriter}: real executions copied into their Redis stream,
 * losslessly, pausing the run while Redis is down.
 */
class RedisJournalWriterTests {

	private static final int MAX_BUFFER_SIZE = 8;

	private static RedisServer server;

	private final RedisKeys keys = RedisTesting.uniqueKeys();

	private static final LeaseFence FENCE = new LeaseFence("i1/7d0e", Duration.ofSeconds(30));

	private final List<GraphExecutionEvent> terminals = new CopyOnWriteArrayList<>();

	private final AtomicInteger leaseLost = new AtomicInteger();

	private RedisConnections connections;

	private RedisEventLog log;

	@BeforeAll
	static void startRedis() {
		server = RedisServer.start();
	}

	@AfterAll
	static void stopRedis() {
		server.close();
	}

	@BeforeEach
	void connect() {
		this.connections = new RedisConnections(server.url(), Duration.ofSeconds(2));
		this.log = new RedisEventLog(this.connections.binary().async(), this.keys, RedisTesting.serializer());
	}

	@AfterEach
	void disconnect() {
		this.connections.close();
	}

	private static StreamingExecutionOptions options() {
		return StreamingExecutionOptions.builder().withBufferSize(4).withMaxBufferSize(MAX_BUFFER_SIZE).build();
	}

	/**
	 * A chain {@code n1 -> ... -> n<count>}, with the node {@code gate} (which waits for
	 * {@code gate}) after {@code n<gateAfter>} when {@code gate} is not {@code null}.
	 */
	private static GraphExecutor chain(int count, int gateAfter, Sinks.One<Map<String, Object>> gate) {
		GraphExecutor executor = new GraphExecutor("chain", "a chain of " + count + " nodes");
		String previous = null;
		for (int i = 1; i <= count; i++) {
			String id = "n" + i;
			int value = i;
			executor.addNode(GraphNode.of(id, (state, context) -> Map.of(id, value)).nonBlocking());
			if (previous != null) {
				executor.connect(previous, id);
			}
			previous = id;
			if (gate != null && i == gateAfter) {
				executor.addNode(GraphNode.async("gate", (state, context) -> gate.asMono()));
				executor.connect(previous, "gate");
				previous = "gate";
			}
		}
		executor.setStartNode("n1");
		return executor;
	}

	/** Subscribes a writer to an execution as RedisExecutionSharing does (which starts it). */
	private RedisJournalWriter write(GraphExecution execution) {
		return write(execution, FENCE);
	}

	private RedisJournalWriter write(GraphExecution execution, LeaseFence fence) {
		// registered as running, as the sharing does before a run's writer starts
		this.connections.strings().sync().sadd(this.keys.running(), execution.executionId());
		StreamingExecutionOptions options = execution.options();
		RedisJournalWriter writer = new RedisJournalWriter(execution.executionId(), this.log,
				options.journalMaxEvents(), options.journalRetention(), MAX_BUFFER_SIZE, Duration.ofMillis(20),
				Duration.ofMillis(200), Schedulers.parallel(), fence, this.terminals::add,
				this.leaseLost::incrementAndGet);
		ConsumerSpec spec = new ConsumerSpec(execution.journal().head(), EventFilter.all(), OverflowPolicy.BLOCK,
				MAX_BUFFER_SIZE, MAX_BUFFER_SIZE, 1, options.producerFlushInterval(), Schedulers.parallel(),
				ConsumerListener.NONE);
		execution.entries(spec).subscribe(writer);
		return writer;
	}

	private List<GraphExecutionEvent> stream(String executionId) {
		List<StreamMessage<String, byte[]>> messages = this.connections.binary()
			.sync()
			.xrange(this.keys.events(executionId), Range.unbounded());
		for (StreamMessage<String, byte[]> message : messages) {
			assertThat(RedisKeys.sequenceOf(message.getId())).isEqualTo(this.log.decode(message).sequence());
		}
		return messages.stream().map(this.log::decode).toList();
	}

	private static List<Long> range(long from, long to) {
		return LongStream.rangeClosed(from, to).boxed().toList();
	}

	private static void assertSameEvents(List<GraphExecutionEvent> written, GraphExecution execution) {
		for (GraphExecutionEvent event : written) {
			GraphExecutionEvent original = execution.journal().entry(event.sequence()).event();
			assertThat(event.eventType()).isEqualTo(original.eventType());
			assertThat(event.timestamp()).isEqualTo(original.timestamp());
		}
	}

	/** The run's own terminal event (JSON keeps durations in milliseconds only), once. */
	private void assertTerminalReportedOnce(GraphExecution execution, GraphExecutionEvent lastWritten) {
		assertThat(lastWritten.isTerminal()).isTrue();
		assertThat(this.terminals).singleElement()
			.isSameAs(execution.journal().entry(lastWritten.sequence()).event())
			.isInstanceOf(ExecutionCompletedEvent.class);
	}

	@Test
	void aRunsEveryEventShouldBeInRedisInOrderAndTheTerminalEventReportedOnce() {
		GraphExecution execution = chain(20, 0, null).createExecution(Map.of("input", 1), options());
		RedisJournalWriter writer = write(execution);

		await().atMost(TIMEOUT).until(() -> !this.terminals.isEmpty());
		long head = execution.journal().head();
		assertThat(execution.status()).isEqualTo(ExecutionStatus.COMPLETED);
		assertThat(head).as("more events than the buffers hold").isGreaterThan(4L * MAX_BUFFER_SIZE);
		assertThat(writer.written()).isEqualTo(head);

		List<GraphExecutionEvent> written = stream(execution.executionId());
		assertThat(written).extracting(GraphExecutionEvent::sequence).containsExactlyElementsOf(range(1, head));
		assertSameEvents(written, execution);
		assertThat(this.leaseLost).hasValue(0);
		assertThat(this.connections.strings().sync().get(this.keys.lease(execution.executionId())))
			.as("the first batch took the free lease").isEqualTo(FENCE.token());
		GraphExecutionEvent last = written.get(written.size() - 1);
		assertThat(last).isInstanceOf(ExecutionCompletedEvent.class);
		RedisTesting.sleep(200);
		assertTerminalReportedOnce(execution, last);
		assertThat(this.connections.binary().sync().pttl(this.keys.events(execution.executionId())))
			.as("the stream expires after the journal retention")
			.isPositive()
			.isLessThanOrEqualTo(execution.options().journalRetention().toMillis());
	}

	@Test
	void whileRedisIsDownTheRunShouldPauseAndAfterItIsBackEveryEventShouldBeWrittenOnceInOrder() {
		Sinks.One<Map<String, Object>> gate = Sinks.one();
		GraphExecution execution = chain(60, 3, gate).createExecution(Map.of(), options());
		RedisJournalWriter writer = write(execution);
		await().atMost(TIMEOUT)
			.until(() -> writer.written() > 0 && writer.written() == execution.journal().head());
		long beforeStop = writer.written();

		server.stop();
		try {
			gate.tryEmitValue(Map.of("opened", true)).orThrow();
			// the run goes on until its writer is MAX_BUFFER_SIZE behind, then pauses
			await().atMost(TIMEOUT).pollDelay(Duration.ofMillis(300)).until(() -> !execution.journal().hasCapacity());
			long pausedAt = execution.journal().head();
			RedisTesting.sleep(700);
			assertThat(execution.journal().head()).as("paused: the head no longer grows").isEqualTo(pausedAt);
			assertThat(execution.status()).isEqualTo(ExecutionStatus.RUNNING);
			assertThat(writer.written()).isEqualTo(beforeStop);
			assertThat(pausedAt - writer.written()).as("the run is at most about maxBufferSize ahead of Redis")
				.isGreaterThanOrEqualTo(MAX_BUFFER_SIZE)
				.isLessThanOrEqualTo(3L * MAX_BUFFER_SIZE);
			assertThat(this.terminals).isEmpty();
		}
		finally {
			server.restart(Duration.ZERO);
		}

		await().atMost(Duration.ofSeconds(30)).until(() -> !this.terminals.isEmpty());
		long head = execution.journal().head();
		assertThat(execution.status()).isEqualTo(ExecutionStatus.COMPLETED);
		assertThat(writer.written()).isEqualTo(head);
		List<GraphExecutionEvent> written = stream(execution.executionId());
		assertThat(written).extracting(GraphExecutionEvent::sequence).containsExactlyElementsOf(range(1, head));
		assertSameEvents(written, execution);
		RedisTesting.sleep(200);
		assertTerminalReportedOnce(execution, written.get(written.size() - 1));
		assertThat(this.leaseLost).hasValue(0);
	}

	/**
	 * The run's entries complete (the writer's upstream ends) right after its terminal
	 * event; what is still pending then, or failing, must still be written and retried.
	 */
	@Test
	void aRunThatEndsWhileRedisIsDownShouldHaveItsLastEventsWrittenOnceRedisIsBack() {
		Sinks.One<Map<String, Object>> gate = Sinks.one();
		GraphExecution execution = chain(1, 1, gate).createExecution(Map.of(), options());
		RedisJournalWriter writer = write(execution);
		await().atMost(TIMEOUT)
			.until(() -> writer.written() > 0 && writer.written() == execution.journal().head());
		long beforeStop = writer.written();
		server.stop();
		try {
			gate.tryEmitValue(Map.of("opened", true)).orThrow();
			await().atMost(TIMEOUT).until(() -> execution.status() == ExecutionStatus.COMPLETED);
			assertThat(execution.journal().head()).as("the run ended with events not in Redis yet")
				.isGreaterThan(beforeStop);
			RedisTesting.sleep(300);
			assertThat(this.terminals).isEmpty();
		}
		finally {
			server.restart(Duration.ZERO);
		}

		await().atMost(Duration.ofSeconds(30)).until(() -> !this.terminals.isEmpty());
		long head = execution.journal().head();
		List<GraphExecutionEvent> written = stream(execution.executionId());
		assertThat(written).extracting(GraphExecutionEvent::sequence).containsExactlyElementsOf(range(1, head));
		assertSameEvents(written, execution);
		RedisTesting.sleep(200);
		assertTerminalReportedOnce(execution, written.get(written.size() - 1));
	}

	@Test
	void shortRunsShouldEachHaveTheirTerminalEventWritten() {
		List<GraphExecution> executions = new java.util.ArrayList<>();
		for (int run = 0; run < 20; run++) {
			GraphExecution execution = chain(1, 0, null).createExecution(Map.of(), options());
			write(execution);
			executions.add(execution);
		}
		await().atMost(TIMEOUT).until(() -> this.terminals.size() == executions.size());
		for (GraphExecution execution : executions) {
			List<GraphExecutionEvent> written = stream(execution.executionId());
			assertThat(written).extracting(GraphExecutionEvent::sequence)
				.containsExactlyElementsOf(range(1, execution.journal().head()));
			assertThat(written.get(written.size() - 1).isTerminal()).isTrue();
		}
	}

	@Test
	void aLeaseThatExpiredWhileRedisWasDownShouldBeTakenBackAndEveryEventWrittenOnceInOrder() {
		// a lease shorter than the downtime, that nobody renews: every batch after it expired takes it back
		LeaseFence shortLease = new LeaseFence("i1/short", Duration.ofMillis(300));
		Sinks.One<Map<String, Object>> gate = Sinks.one();
		GraphExecution execution = chain(40, 3, gate).createExecution(Map.of(), options());
		RedisJournalWriter writer = write(execution, shortLease);
		await().atMost(TIMEOUT)
			.until(() -> writer.written() > 0 && writer.written() == execution.journal().head());

		gate.tryEmitValue(Map.of("opened", true)).orThrow();
		server.restart(Duration.ofMillis(800));

		await().atMost(Duration.ofSeconds(30)).until(() -> !this.terminals.isEmpty());
		long head = execution.journal().head();
		List<GraphExecutionEvent> written = stream(execution.executionId());
		assertThat(written).extracting(GraphExecutionEvent::sequence).containsExactlyElementsOf(range(1, head));
		assertSameEvents(written, execution);
		RedisTesting.sleep(200);
		assertTerminalReportedOnce(execution, written.get(written.size() - 1));
		assertThat(this.leaseLost).as("an expired lease nobody else took is still this writer's").hasValue(0);
	}

	@Test
	void whenAnotherTokenTakesTheLeaseMidRunTheWriterShouldSayLeaseLostOnceWriteNothingMoreAndBeDisposed() {
		Sinks.One<Map<String, Object>> gate = Sinks.one();
		GraphExecution execution = chain(60, 3, gate).createExecution(Map.of(), options());
		RedisJournalWriter writer = write(execution);
		await().atMost(TIMEOUT)
			.until(() -> writer.written() > 0 && writer.written() == execution.journal().head());
		String id = execution.executionId();
		long beforeLoss = writer.written();
		assertThat(stream(id)).hasSize((int) beforeLoss);

		// another instance took the execution over while this one was paused
		this.connections.strings().sync().set(this.keys.lease(id), "i2/1c55", SetArgs.Builder.px(60_000));
		gate.tryEmitValue(Map.of("opened", true)).orThrow();

		await().atMost(TIMEOUT).until(() -> this.leaseLost.get() > 0);
		assertThat(writer.isDisposed()).isTrue();
		// the run goes on locally (stopping it is RedisExecutionSharing's part): the writer
		// gets nothing more, and retries nothing
		await().atMost(TIMEOUT).until(() -> execution.status() != ExecutionStatus.RUNNING
				|| !execution.journal().hasCapacity());
		RedisTesting.sleep(700);
		assertThat(this.leaseLost).as("told once").hasValue(1);
		assertThat(execution.journal().head()).as("the run went on past what was written").isGreaterThan(beforeLoss);
		assertThat(stream(id)).as("nothing written after the loss").hasSize((int) beforeLoss);
		assertThat(writer.written()).isEqualTo(beforeLoss);
		assertThat(this.terminals).isEmpty();
		assertThat(this.connections.strings().sync().get(this.keys.lease(id))).isEqualTo("i2/1c55");
	}

	@Test
	void aWriterDisposedWhileRetryingShouldStopRetryingAndWriteNothingOnceRedisIsBack() {
		Sinks.One<Map<String, Object>> gate = Sinks.one();
		GraphExecution execution = chain(30, 3, gate).createExecution(Map.of(), options());
		RedisJournalWriter writer = write(execution);
		await().atMost(TIMEOUT)
			.until(() -> writer.written() > 0 && writer.written() == execution.journal().head());
		long beforeStop = writer.written();
		try (LogCapture log = LogCapture.of(RedisJournalWriter.class)) {
			server.stop();
			try {
				gate.tryEmitValue(Map.of("opened", true)).orThrow();
				// it fails and retries: the first failure is logged
				await().atMost(TIMEOUT).until(() -> !log.messages(Level.WARNING).isEmpty());
				writer.dispose();
			}
			finally {
				server.restart(Duration.ZERO);
			}
			RedisTesting.awaitReconnected(() -> this.connections.strings().async().ping());
			// give a retry every chance: the longest backoff is 200 ms
			RedisTesting.sleep(1000);
			assertThat(stream(execution.executionId())).hasSize((int) beforeStop);
			assertThat(writer.written()).isEqualTo(beforeStop);
			assertThat(this.terminals).isEmpty();
			assertThat(this.leaseLost).hasValue(0);
			assertThat(log.messages()).as("one WARNING for the outage, nothing after the dispose")
				.singleElement()
				.asString()
				.contains("Writing the events of execution " + execution.executionId() + " to Redis failed");
		}
	}

}
