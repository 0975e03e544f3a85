/**
 * Time as the core sees it: a monotonic {@link io.switchover.core.time.Clock}, a {@link
 * io.switchover.core.time.Scheduler} that runs delayed tasks on the core's single executor, and the
 * {@link io.switchover.core.time.Cancellable} handle they return.
 *
 * <p>Nothing here reads the wall clock or owns a thread: the daemon supplies real implementations,
 * tests supply virtual ones. Code that needs "now" asks the injected clock; code that needs to wait
 * asks the injected scheduler. Clock values are compared only by subtraction, so they may wrap.
 */
package io.switchover.core.time;
