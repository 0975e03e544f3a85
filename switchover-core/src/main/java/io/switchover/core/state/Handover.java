package io.switchover.core.state;

import io.switchover.core.config.CoreConfig;
import io.switchover.core.port.PeerLink;
import io.switchover.core.port.PeerMessage;
import io.switchover.core.port.Replication;
import io.switchover.core.time.Cancellable;
import io.switchover.core.time.Durations;
import io.switchover.core.time.Scheduler;

/**
 * One controlled (manual) switchover between two healthy nodes, seen from one side.
 *
 * <pre>
 *   backup (takes over)                         primary (hands over)
 *     ── HandoverRequest ─────────────────────►   stop accepting writes, drain replication
 *     ◄──────────────────────────── HandoverReady
 *   store its next generation, become PRIMARY
 *     ── TookOver (MANUAL_SWITCHOVER) ────────►   become BACKUP (FAILED across releases)
 * </pre>
 *
 * An operator on the primary skips the request. Either side gives up after {@code handover.timeout}
 * and tells the other ({@code HandoverAborted}); the primary then accepts writes again. If a {@code
 * TookOver} is lost after all, the two primaries meet and the generation decides as for any split
 * brain, with the loser's writes kept aside.
 *
 * <p>Decides nothing about roles: the state machine promotes and demotes.
 */
final class Handover {

    private final CoreConfig config;
    private final StateMachine machine;
    private final PeerLink link;
    private final Replication replication;
    private final boolean handingOver;

    private boolean closed;
    private boolean writesStopped;
    private boolean drained;
    private Cancellable timer = Cancellable.DONE;
    private Cancellable drain = Cancellable.DONE;

    private Handover(
            CoreConfig config,
            StateMachine machine,
            Scheduler scheduler,
            PeerLink link,
            Replication replication,
            boolean handingOver) {
        this.config = config;
        this.machine = machine;
        this.link = link;
        this.replication = replication;
        this.handingOver = handingOver;
        this.timer = scheduler.schedule(config.handoverTimeout(), this::timedOut);
    }

    private void timedOut() {
        String missing =
                !handingOver
                        ? "the primary did not confirm that replication drained"
                        : drained ? "the peer did not take over" : "replication did not drain";
        abort(missing + " within " + Durations.format(config.handoverTimeout()));
    }

    /** A backup asks the primary to hand over. */
    static Handover takeOver(
            CoreConfig config,
            StateMachine machine,
            Scheduler scheduler,
            PeerLink link,
            Replication replication) {
        Handover handover = new Handover(config, machine, scheduler, link, replication, false);
        link.send(
                new PeerMessage.HandoverRequest(
                        config.nodeId(), config.tieBreakRank(), machine.generation()));
        return handover;
    }

    /** The primary stops writes and drains; when drained, it tells the backup to take over. */
    static Handover handOver(
            CoreConfig config,
            StateMachine machine,
            Scheduler scheduler,
            PeerLink link,
            Replication replication) {
        Handover handover = new Handover(config, machine, scheduler, link, replication, true);
        handover.stopWritesAndDrain();
        return handover;
    }

    boolean handingOver() {
        return handingOver;
    }

    /**
     * This primary drained and told the backup to take over, and waits for its {@code TookOver}. It
     * must not announce itself as primary meanwhile: the backup may already have promoted, and a
     * stale announcement reaching it would look like a second primary (a false split brain).
     */
    boolean awaitingTakeOver() {
        return handingOver && drained && !closed;
    }

    private void stopWritesAndDrain() {
        replication.stopAcceptingWrites();
        writesStopped = true;
        drain =
                replication.drain(
                        drained -> {
                            if (closed) {
                                return;
                            }
                            if (drained) {
                                this.drained = true;
                                link.send(
                                        new PeerMessage.HandoverReady(
                                                config.nodeId(),
                                                config.tieBreakRank(),
                                                machine.generation()));
                            } else {
                                abort("replication could not drain");
                            }
                        });
    }

    /** The switchover happened: this side has nothing left to do. */
    void completed() {
        close();
    }

    /** The peer gave up, for {@code why}. */
    void abortedByPeer(String peerId, String why) {
        if (!closed) {
            finish("'" + peerId + "' abandoned the manual switchover: " + why);
        }
    }

    /** This side gives up while keeping its role: tell the peer, accept writes again. */
    void abort(String why) {
        if (closed) {
            return;
        }
        link.send(
                new PeerMessage.HandoverAborted(
                        config.nodeId(), config.tieBreakRank(), machine.generation(), why));
        finish("manual switchover abandoned: " + why);
    }

    /**
     * This node is changing role for another reason: tell the peer; writes stay stopped, since the
     * node is leaving the primary role anyway.
     */
    void abandon(String why) {
        if (closed) {
            return;
        }
        writesStopped = false;
        abort(why);
    }

    private void finish(String detail) {
        close();
        if (writesStopped) {
            writesStopped = false;
            replication.resumeAcceptingWrites();
        }
        machine.handoverEnded(this, detail);
    }

    private void close() {
        closed = true;
        timer.cancel();
        drain.cancel();
    }
}
