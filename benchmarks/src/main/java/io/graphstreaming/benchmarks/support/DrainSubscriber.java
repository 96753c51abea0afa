package io.graphstreaming.benchmarks.support;

import java.util.concurrent.CountDownLatch;

import org.openjdk.jmh.infra.Blackhole;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;

/**
 * Consumes a publisher to its end with unbounded demand, handing every item to a JMH
 * {@link Blackhole}: the cheapest honest consumer, the same for every contender that
 * returns a Reactor publisher. It is its own latch, so a synchronous publisher costs one
 * allocation and never parks; an asynchronous one is waited for.
 */
public final class DrainSubscriber extends CountDownLatch implements CoreSubscriber<Object> {

	private final Blackhole blackhole;

	private long count;

	private Throwable error;

	private DrainSubscriber(Blackhole blackhole) {
		super(1);
		this.blackhole = blackhole;
	}

	/**
	 * Subscribes, consumes every item and waits for the end.
	 * @param publisher the publisher
	 * @param blackhole where items go
	 * @return the number of items received
	 * @throws IllegalStateException if the publisher failed
	 */
	public static long drain(Publisher<?> publisher, Blackhole blackhole) {
		DrainSubscriber subscriber = new DrainSubscriber(blackhole);
		publisher.subscribe(subscriber);
		if (subscriber.getCount() != 0) {
			try {
				subscriber.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}
		if (subscriber.error != null) {
			throw new IllegalStateException("The publisher failed", subscriber.error);
		}
		return subscriber.count;
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
		this.error = throwable;
		countDown();
	}

	@Override
	public void onComplete() {
		countDown();
	}

}
