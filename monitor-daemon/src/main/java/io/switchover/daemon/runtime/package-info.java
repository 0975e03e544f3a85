/**
 * The real-time side of the core's injected abstractions: the single thread the core runs on, its
 * scheduler and its monotonic clock. Nothing here decides anything.
 */
package io.switchover.daemon.runtime;
