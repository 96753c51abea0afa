package io.graphstreaming.core.stream;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

import io.graphstreaming.core.TestGraphs;
import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.event.Heartbeat;
import io.graphstreaming.core.event.StreamItem;
import io.graphstreaming.core.execution.StreamingGraphExecutor;
import io.graphstreaming.core.graph.GraphNode;
import io.graphstreaming.core.options.StreamingExecutionOptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Heartbeats: sent once the interval has passed since the last item (event or
 * heartbeat), never while events flow, dropped while the consumer has no demand,
 * carrying no sequence, and ending with the events. All on virtual time.
 */
class HeartbeatTests {

	private static final Duration INTERVAL = Duration.ofSeconds(1);

	@Test
	void idleStreamGetsAHeartbeatEveryIntervalFromItsLastEvent() {
		TestGraphs.Gate gate = new TestGraphs.Gate();
		StreamingGraphExecutor executor = new StreamingGraphExecutor("idle", "waits on a gate");
		executor.addNode(gate.node("a")).setStartNode("a");

		StepVerifier
			.withVirtualTime(() -> executor.executeStream(Map.of()).withHeartbeats(INTERVAL, VirtualTimeScheduler.get()))
			.expectNextCount(3)
			.expectNoEvent(INTERVAL.minusMillis(1))
			.thenAwait(Duration.ofMillis(1))
			.assertNext((item) -> assertThat(item).isEqualTo(new Heartbeat(Instant.ofEpochSecond(1))))
			.expectNoEvent(INTERVAL.minusMillis(1))
			.thenAwait(Duration.ofMillis(1))
			.assertNext((item) -> assertThat(item).isEqualTo(new Heartbeat(Instant.ofEpochSecond(2))))
			.then(gate::open)
			.expectNextMatches((item) -> item instanceof GraphExecutionEvent event && event.sequence() == 4)
			.expectNextCount(2)
			.verifyComplete();
	}

	@Test
	void busyStreamGetsNoHeartbeat() {
		StreamingGraphExecutor executor = new StreamingGraphExecutor("busy", "a chunk every half interval");
		executor.addNode(GraphNode.async("a", (s, context) -> Flux.interval(INTERVAL.dividedBy(2), VirtualTimeScheduler.get())
			.take(10)
			.concatMap(context::emitChunkAndAwaitCapacity)
			.then(Mono.just(Map.of())))).setStartNode("a");
		List<StreamItem> items = new ArrayList<>();

		StepVerifier
			.withVirtualTime(() -> executor.executeStream(Map.of())
				.withHeartbeats(INTERVAL, VirtualTimeScheduler.get())
				.doOnNext(items::add))
			.thenAwait(Duration.ofSeconds(10))
			.expectNextCount(16)
			.verifyComplete();

		assertThat(items).hasSize(16).noneMatch(Heartbeat.class::isInstance);
	}

	@Test
	void heartbeatsResumeWhenEventsPauseAndStopWhenTheyFlowAgain() {
		TestGraphs.ChunkFeed feed = new TestGraphs.ChunkFeed();
		StreamingGraphExecutor executor = new StreamingGraphExecutor("bursty", "driven chunks");
		executor.addNode(feed.node("a")).setStartNode("a");
		List<StreamItem> items = new ArrayList<>();

		StepVerifier
			.withVirtualTime(() -> executor.executeStream(Map.of())
				.withHeartbeats(INTERVAL, VirtualTimeScheduler.get())
				.doOnNext(items::add))
			.expectNextCount(3)
			.thenAwait(Duration.ofSeconds(3))
			.expectNextCount(3)
			.then(() -> feed.push(1))
			.expectNextCount(1)
			.thenAwait(Duration.ofMillis(900))
			.then(() -> feed.push(1))
			.expectNextCount(1)
			.thenAwait(Duration.ofMillis(900))
			.then(() -> feed.push(1))
			.expectNextCount(1)
			.thenAwait(Duration.ofMillis(1200))
			.expectNextCount(1)
			.then(feed::finish)
			.expectNextCount(3)
			.verifyComplete();

		assertThat(items).extracting((item) -> (item instanceof Heartbeat) ? "HB" : "E")
			.containsExactly("E", "E", "E", "HB", "HB", "HB", "E", "E", "E", "HB", "E", "E", "E");
	}

	@Test
	void heartbeatsAreNotPartOfTheSequenceAndStopWithTheEvents() {
		TestGraphs.Gate gate = new TestGraphs.Gate();
		StreamingGraphExecutor executor = new StreamingGraphExecutor("idle", "waits on a gate");
		executor.addNode(gate.node("a")).setStartNode("a");
		VirtualTimeScheduler clock = VirtualTimeScheduler.create();
		List<StreamItem> items = new ArrayList<>();

		executor.executeStream(Map.of()).withHeartbeats(INTERVAL, clock).subscribe(items::add);
		clock.advanceTimeBy(Duration.ofSeconds(5));
		gate.open();
		long scheduledAtEnd = clock.getScheduledTaskCount();
		clock.advanceTimeBy(Duration.ofSeconds(5));

		assertThat(items).filteredOn(Heartbeat.class::isInstance)
			.extracting((item) -> ((Heartbeat) item).timestamp())
			.containsExactly(Instant.ofEpochSecond(1), Instant.ofEpochSecond(2), Instant.ofEpochSecond(3),
					Instant.ofEpochSecond(4), Instant.ofEpochSecond(5));
		assertThat(items).filteredOn(GraphExecutionEvent.class::isInstance)
			.extracting((item) -> ((GraphExecutionEvent) item).sequence())
			.containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
		assertThat(clock.getScheduledTaskCount()).as("no tick after the end").isEqualTo(scheduledAtEnd);
	}

	@Test
	void heartbeatsAreTimedFromTheLastEventNotFromFixedTicks() {
		TestGraphs.ChunkFeed feed = new TestGraphs.ChunkFeed();
		StreamingGraphExecutor executor = new StreamingGraphExecutor("bursty", "driven chunks");
		executor.addNode(feed.node("a")).setStartNode("a");

		StepVerifier
			.withVirtualTime(() -> executor.executeStream(Map.of()).withHeartbeats(INTERVAL, VirtualTimeScheduler.get()))
			.expectNextCount(3)
			.thenAwait(Duration.ofMillis(1500))
			.expectNextMatches(Heartbeat.class::isInstance)
			.then(() -> feed.push(1))
			.expectNextMatches(GraphExecutionEvent.class::isInstance)
			.expectNoEvent(INTERVAL.minusMillis(1))
			.thenAwait(Duration.ofMillis(1))
			.assertNext((item) -> assertThat(item).isEqualTo(new Heartbeat(Instant.ofEpochMilli(2500))))
			.then(feed::finish)
			.expectNextCount(3)
			.verifyComplete();
	}

	@Test
	void heartbeatsAreDroppedNotQueuedWhileTheConsumerHasNoDemand() {
		TestGraphs.Gate gate = new TestGraphs.Gate();
		StreamingGraphExecutor executor = new StreamingGraphExecutor("idle", "waits on a gate");
		executor.addNode(gate.node("a")).setStartNode("a");

		StepVerifier
			.withVirtualTime(() -> executor.executeStream(Map.of()).withHeartbeats(INTERVAL, VirtualTimeScheduler.get()),
					3)
			.expectNextCount(3)
			.expectNoEvent(Duration.ofSeconds(10))
			.thenRequest(1)
			.expectNoEvent(INTERVAL.minusMillis(1))
			.thenAwait(Duration.ofMillis(1))
			.assertNext((item) -> assertThat(item).isEqualTo(new Heartbeat(Instant.ofEpochSecond(11))))
			.then(gate::open)
			.thenRequest(Long.MAX_VALUE)
			.expectNextCount(3)
			.verifyComplete();
	}

	@Test
	void aClockSetBackDelaysTheNextHeartbeatByAtMostOneInterval() {
		VirtualTimeScheduler time = VirtualTimeScheduler.create();
		ShiftedClock clock = new ShiftedClock(time);
		Flux<String> items = Flux.just("event").concatWith(Flux.never());

		StepVerifier.create(IdleHeartbeats.merge(items, INTERVAL, clock, () -> "heartbeat"))
			.expectNext("event")
			.then(() -> clock.shift(Duration.ofSeconds(-10)))
			.then(() -> time.advanceTimeBy(INTERVAL))
			.expectNext("heartbeat")
			.thenCancel()
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void optionsDecideWhetherTheDefaultOverloadSendsHeartbeats() {
		StreamingExecutionOptions withHeartbeat = StreamingExecutionOptions.builder().withHeartbeat(INTERVAL).build();
		// the same interval, switched off: heartbeats would show within the idle time below
		StreamingExecutionOptions withoutHeartbeat = StreamingExecutionOptions.builder()
			.withHeartbeatInterval(INTERVAL)
			.withHeartbeatEnabled(false)
			.build();

		TestGraphs.Gate quiet = new TestGraphs.Gate();
		StreamingGraphExecutor withoutOption = new StreamingGraphExecutor("idle", "waits on a gate");
		withoutOption.addNode(quiet.node("a")).setStartNode("a");
		StepVerifier.withVirtualTime(() -> withoutOption.executeStream(Map.of(), withoutHeartbeat).withHeartbeats())
			.expectNextCount(3)
			.expectNoEvent(INTERVAL.multipliedBy(5))
			.then(quiet::open)
			.expectNextCount(3)
			.verifyComplete();

		TestGraphs.Gate beating = new TestGraphs.Gate();
		StreamingGraphExecutor withOption = new StreamingGraphExecutor("idle", "waits on a gate");
		withOption.addNode(beating.node("a")).setStartNode("a");
		StepVerifier.withVirtualTime(() -> withOption.executeStream(Map.of(), withHeartbeat).withHeartbeats())
			.expectNextCount(3)
			.thenAwait(INTERVAL.multipliedBy(5))
			.expectNextCount(5)
			.then(beating::open)
			.expectNextCount(3)
			.verifyComplete();
	}

	@Test
	void intervalMustBePositive() {
		GraphExecutionEventStream stream = TestGraphs.chain("plain", "a").executeStream(Map.of());

		assertThatIllegalArgumentException()
			.isThrownBy(() -> stream.withHeartbeats(Duration.ZERO, VirtualTimeScheduler.create()))
			.withMessage("heartbeat interval must be strictly positive but was PT0S");
	}

	/**
	 * Virtual time whose clock ({@code now}) the test can set back, as an NTP step or a
	 * resumed VM sets back a wall clock, while timers keep their virtual delays.
	 */
	private static final class ShiftedClock implements Scheduler {

		private final VirtualTimeScheduler time;

		private volatile long shiftNanos;

		ShiftedClock(VirtualTimeScheduler time) {
			this.time = time;
		}

		void shift(Duration by) {
			this.shiftNanos += by.toNanos();
		}

		@Override
		public long now(TimeUnit unit) {
			return unit.convert(this.time.now(TimeUnit.NANOSECONDS) + this.shiftNanos, TimeUnit.NANOSECONDS);
		}

		@Override
		public Disposable schedule(Runnable task) {
			return this.time.schedule(task);
		}

		@Override
		public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
			return this.time.schedule(task, delay, unit);
		}

		@Override
		public Worker createWorker() {
			return this.time.createWorker();
		}

	}

}
