/**
 * Running graphs: the executors, one execution's sequencer and run loop, the execution
 * handle that consumers attach to, and the registry of running and retained executions.
 */
@NullMarked
package io.graphstreaming.core.execution;

import org.jspecify.annotations.NullMarked;
