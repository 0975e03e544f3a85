/**
 * The newcomer's demo: a real pair of daemons on loopback (from {@code config/demo/}), the primary
 * killed, the backup's takeover measured and explained. Uses only the packaged distribution and the
 * admin API, as an operator would.
 */
package io.switchover.daemon.demo;
