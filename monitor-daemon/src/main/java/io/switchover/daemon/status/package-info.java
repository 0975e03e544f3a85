/**
 * What the daemon observed, kept for the admin API and the CLI: last ping outcomes and round trips
 * per connection, the peer as it last described itself, module check results. Observation only.
 */
package io.switchover.daemon.status;
