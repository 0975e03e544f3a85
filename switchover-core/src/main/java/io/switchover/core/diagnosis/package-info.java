/**
 * Where is the problem? The backup's view of its notifier connections ({@link
 * io.switchover.core.diagnosis.ConnectionStatus}), of its own network ({@link
 * io.switchover.core.diagnosis.NetworkStatus}, decided by the first applicable {@link
 * io.switchover.core.diagnosis.NetworkStatusRule}), of the primary's host, and the verdicts drawn
 * from them ({@link io.switchover.core.diagnosis.Verdicts}: the five-way decision on a module
 * monitor notification, and the decision after failed notifier pings), and the backup's running
 * view of its own network between diagnoses ({@link io.switchover.core.diagnosis.OwnNetworkWatch}).
 *
 * <p>What does not live here: when to diagnose (the primary monitor decides) and what to do about a
 * verdict (the state machine decides; in particular the isolation guard lives there).
 */
package io.switchover.core.diagnosis;
