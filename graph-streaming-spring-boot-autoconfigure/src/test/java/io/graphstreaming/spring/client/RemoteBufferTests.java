package io.graphstreaming.spring.client;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import reactor.test.publisher.TestPublisher;

import io.graphstreaming.core.event.ExecutionCompletedEvent;
import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.event.NodeStartedEvent;
import io.graphstreaming.core.journal.BufferOverflowException;
import io.graphstreaming.core.journal.ConsumerListener;
import io.graphstreaming.core.options.OverflowPolicy;
import io.graphstreaming.core.options.StreamingExecutionOptions;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The local buffer of a remote stream, fed by a test publisher that stands for the
 * network: what each overflow policy asks of the network, keeps, drops and reports.
 */
class RemoteBufferTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private final Recorder listener = new Recorder();

	@Test
	void blockAsksTheNetworkForNoMoreThanMaxBufferSizeAheadOfTheConsumer() {
		TestPublisher<GraphExecutionEvent> network = TestPublisher.create();
		RemoteBuffer buffer = buffer(network, OverflowPolicy.BLOCK, 2, 4);

		StepVerifier.create(buffer, 0)
			.then(() -> network.assertMinRequested(4).assertMaxRequested(4))
			.then(() -> network.next(event(1), event(2), event(3), event(4)))
			.then(() -> network.assertMaxRequested(0))
			.thenRequest(3)
			.expectNext(event(1), event(2), event(3))
			.then(() -> network.assertMinRequested(3).assertMaxRequested(3))
			.then(() -> network.next(event(5), terminal(6)))
			.thenRequest(Long.MAX_VALUE)
			.expectNext(event(4), event(5), terminal(6))
			.then(network::complete)
			.verifyComplete();
		assertThat(this.listener.dropped).hasValue(0);
	}

	@Test
	void blockReportsBufferingWhileMoreThanBufferSizeEventsWait() {
		TestPublisher<GraphExecutionEvent> network = TestPublisher.create();

		StepVerifier.create(buffer(network, OverflowPolicy.BLOCK, 2, 4), 0)
			.then(() -> network.next(event(1), event(2)))
			.then(() -> assertThat(this.listener.buffering).isEmpty())
			.then(() -> network.next(event(3)))
			.then(() -> assertThat(this.listener.buffering).containsExactly(true))
			.thenRequest(1)
			.expectNext(event(1))
			.then(() -> assertThat(this.listener.buffering).containsExactly(true, false))
			.thenCancel()
			.verify(TIMEOUT);
		assertThat(this.listener.highWaterMark).hasValue(3);
	}

	@Test
	void dropOldestReadsEverythingAndKeepsTheNewestCountingTheRest() {
		TestPublisher<GraphExecutionEvent> network = TestPublisher.create();

		StepVerifier.create(buffer(network, OverflowPolicy.DROP_OLDEST, 1, 3), 0)
			.then(() -> network.assertMinRequested(Long.MAX_VALUE))
			.then(() -> network.next(event(1), event(2), event(3), event(4), event(5), terminal(6)))
			.then(network::complete)
			.then(() -> assertThat(this.listener.dropped).hasValue(3))
			.thenRequest(Long.MAX_VALUE)
			.expectNext(event(4), event(5), terminal(6))
			.verifyComplete();
	}

	@Test
	void dropNewestKeepsTheOldestAndAlwaysTheTerminalEvent() {
		TestPublisher<GraphExecutionEvent> network = TestPublisher.create();

		StepVerifier.create(buffer(network, OverflowPolicy.DROP_NEWEST, 1, 3), 0)
			.then(() -> network.next(event(1), event(2), event(3), event(4), event(5), terminal(6)))
			.then(network::complete)
			.then(() -> assertThat(this.listener.dropped).hasValue(2))
			.thenRequest(Long.MAX_VALUE)
			.expectNext(event(1), event(2), event(3), terminal(6))
			.verifyComplete();
	}

	@Test
	void failEndsTheStreamWithBufferOverflowAndStopsReading() {
		TestPublisher<GraphExecutionEvent> network = TestPublisher.create();

		StepVerifier.create(buffer(network, OverflowPolicy.FAIL, 1, 3), 0)
			.then(() -> network.next(event(1), event(2), event(3)))
			.then(() -> network.assertNotCancelled())
			.then(() -> network.next(event(4)))
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOf(BufferOverflowException.class)
				.hasMessage("Consumer of execution e-1 fell more than 3 events behind (overflow policy 'fail')"))
			.verify(TIMEOUT);
		network.assertCancelled();
	}

	@Test
	void networkFailureReachesTheConsumerAfterTheBufferedEvents() {
		TestPublisher<GraphExecutionEvent> network = TestPublisher.create();

		StepVerifier.create(buffer(network, OverflowPolicy.BLOCK, 2, 4), 0)
			.then(() -> network.next(event(1), event(2)))
			.then(() -> network.error(new IOException("gone")))
			.thenRequest(2)
			.expectNext(event(1), event(2))
			.expectErrorMessage("gone")
			.verify(TIMEOUT);
	}

	private RemoteBuffer buffer(TestPublisher<GraphExecutionEvent> network, OverflowPolicy policy, int bufferSize,
			int maxBufferSize) {
		StreamingExecutionOptions options = StreamingExecutionOptions.builder()
			.withBufferSize(bufferSize)
			.withMaxBufferSize(maxBufferSize)
			.withOverflowPolicy(policy)
			.build();
		return new RemoteBuffer(network.flux(), options, this.listener, () -> "e-1");
	}

	private static GraphExecutionEvent event(long sequence) {
		return new NodeStartedEvent("e-1", "g", sequence, Instant.EPOCH, "n");
	}

	private static GraphExecutionEvent terminal(long sequence) {
		return new ExecutionCompletedEvent("e-1", "g", sequence, Instant.EPOCH, Duration.ZERO, null);
	}

	/**
	 * Records what the buffer reports.
	 */
	private static final class Recorder implements ConsumerListener {

		final List<Boolean> buffering = new CopyOnWriteArrayList<>();

		final AtomicLong dropped = new AtomicLong();

		final AtomicLong highWaterMark = new AtomicLong();

		@Override
		public void onBuffering(boolean buffering) {
			this.buffering.add(buffering);
		}

		@Override
		public void onDropped(long count) {
			this.dropped.addAndGet(count);
		}

		@Override
		public void onLagHighWaterMark(long lag) {
			this.highWaterMark.set(lag);
		}

	}

}
