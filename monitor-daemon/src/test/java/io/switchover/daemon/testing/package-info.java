/** Test helpers with real components: ports that never answer, executors a test drives. */
package io.switchover.daemon.testing;
