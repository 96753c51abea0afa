package io.graphstreaming.core.event;

/**
 * What a consumer with heartbeats enabled receives: either an execution's event or a
 * heartbeat that keeps an idle connection observably alive. Heartbeats belong to the
 * consumer, not to the execution, so they carry no sequence number.
 */
public sealed interface StreamItem permits GraphExecutionEvent, Heartbeat {

}
