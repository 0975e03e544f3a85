/**
 * The core's configuration: one immutable record, {@link io.switchover.core.config.CoreConfig},
 * with the spec's defaults, and its validation, which reports every problem at once.
 *
 * <p>What does not live here: reading files or parsing text (the daemon maps its configuration
 * format onto the record), and any behaviour driven by the values.
 */
package io.switchover.core.config;
