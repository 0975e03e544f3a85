/**
 * The backup's two monitors. The {@link io.switchover.core.monitor.PrimaryMonitor} pings the
 * notifier on the primary, handles each ping outcome, runs the module monitor, tracks its liveness,
 * and analyses every problem before reporting it. The {@link
 * io.switchover.core.monitor.ModuleMonitor} pings the monitored module through the primary's
 * notifier and signals when it stops answering.
 *
 * <p>What does not live here: what a problem leads to. The monitors report analysed problems
 * ({@link io.switchover.core.monitor.Problem} with a verdict); reconnecting, switching over and the
 * isolation guard are the state machine's decisions. Monitors never change state themselves and run
 * only on the backup.
 */
package io.switchover.core.monitor;
