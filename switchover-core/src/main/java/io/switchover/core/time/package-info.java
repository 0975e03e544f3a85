/**
 * Time as the core sees it: a monotonic {@link io.switchover.core.time.Clock}, a {@link
 * io.switchover.core.time.Scheduler} that runs delayed tasks on the core's single executor, and the
 * {@link io.switchover.core.time.Cancellable} handle they return; and the self-stall guard's tools:
 * {@link io.switchover.core.time.LateAwareTimer} tells a task how late it runs, {@link
 * io.switchover.core.time.StallWatch} remembers when the core last found that it had stalled.
 *
 * <p>Nothing here reads the wall clock or owns a thread: the daemon supplies real implementations,
 * tests supply virtual ones. Code that needs "now" asks the injected clock; code that needs to wait
 * asks the injected scheduler. Clock values are compared only by subtraction, so they may wrap.
 */
package io.switchover.core.time;
