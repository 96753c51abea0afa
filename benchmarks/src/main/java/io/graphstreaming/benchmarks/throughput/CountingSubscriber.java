package io.graphstreaming.benchmarks.throughput;

import org.openjdk.jmh.infra.Blackhole;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;

/**
 * An unbounded consumer that counts items into a blackhole; for publishers that complete
 * on the subscriber's own thread.
 */
final class CountingSubscriber implements CoreSubscriber<Object> {

	private final Blackhole blackhole;

	private long count;

	private boolean done;

	CountingSubscriber(Blackhole blackhole) {
		this.blackhole = blackhole;
	}

	long count() {
		if (!this.done) {
			throw new IllegalStateException("The consumer has not completed");
		}
		return this.count;
	}

	@Override
	public void onSubscribe(Subscription subscription) {
		subscription.request(Long.MAX_VALUE);
	}

	@Override
	public void onNext(Object item) {
		this.count++;
		this.blackhole.consume(item);
	}

	@Override
	public void onError(Throwable throwable) {
		throw new IllegalStateException("The consumer failed", throwable);
	}

	@Override
	public void onComplete() {
		this.done = true;
	}

}
