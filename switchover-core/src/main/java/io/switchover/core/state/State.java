package io.switchover.core.state;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The role of one node of the pair, with the only transitions allowed between roles.
 *
 * <pre>
 *                      ┌──────────── operator rejoin ─────────────┐
 *                      ▼                                          │
 *       ┌───────── STARTING ─────────┐                          FAILED
 *       │ peer is        │ fail-safe,│ peer is primary,           ▲
 *       │ primary,       │ tie-break,│ other release              │ peer took over,
 *       │ same release   │ peer not  │                            │ split brain lost
 *       ▼                ▼ primary   ▼                            │
 *    BACKUP ─manual──► PRIMARY ◄──manual── UPGRADE_HIGHER/LOWER   │
 *     │  ▲ ◄─handover─── │ └──────────────────────────────────────┘
 *     │  │               ▲
 *     │  │ reconnected,  │ attempts made, module down,
 *     │  │ module answers│ primary unreachable, interval expired
 *     ▼  │               │
 *    RECONNECTING ───────┘
 *
 *    BACKUP ◄──► UPGRADE_HIGHER/LOWER when the primary announces another release
 *    every state except STOPPED ── shutdown ──► STOPPED
 * </pre>
 *
 * <p>The table behind {@link #canMoveTo} is the authority; the diagram only helps reading it.
 */
public enum State {
    /** Booting; looking for the peer. */
    STARTING,
    /** Active: serves, owns the registry, is the source of mirrored files. */
    PRIMARY,
    /** Watches the primary (same release); automatic switchover armed. */
    BACKUP,
    /** A backup trying to restore contact with the primary; may switch over from here. */
    RECONNECTING,
    /** A backup whose release is newer than the primary's: manual switchover only. */
    UPGRADE_HIGHER,
    /** A backup whose release is older than the primary's: manual switchover only. */
    UPGRADE_LOWER,
    /** A former primary that lost the role; serves nothing until an operator rejoins it. */
    FAILED,
    /** Shutting down; terminal. */
    STOPPED;

    private static final Map<State, Set<State>> NEXT = new EnumMap<>(State.class);

    static {
        allow(STARTING, PRIMARY, BACKUP, UPGRADE_HIGHER, UPGRADE_LOWER, STOPPED);
        allow(BACKUP, RECONNECTING, PRIMARY, UPGRADE_HIGHER, UPGRADE_LOWER, STOPPED);
        allow(RECONNECTING, BACKUP, PRIMARY, STOPPED);
        allow(UPGRADE_HIGHER, PRIMARY, BACKUP, UPGRADE_LOWER, STOPPED);
        allow(UPGRADE_LOWER, PRIMARY, BACKUP, UPGRADE_HIGHER, STOPPED);
        allow(PRIMARY, FAILED, BACKUP, STOPPED);
        allow(FAILED, STARTING, STOPPED);
        NEXT.put(STOPPED, Collections.unmodifiableSet(EnumSet.noneOf(State.class)));
    }

    private static void allow(State from, State first, State... rest) {
        NEXT.put(from, Collections.unmodifiableSet(EnumSet.of(first, rest)));
    }

    /** Whether the transition table allows moving from this state to {@code next}. */
    public boolean canMoveTo(State next) {
        return NEXT.get(this).contains(next);
    }

    /** Every state this one may move to. */
    public Set<State> next() {
        return NEXT.get(this);
    }

    /** A backup of any kind: a peer is primary and this node mirrors it. */
    public boolean isBackup() {
        return this == BACKUP
                || this == RECONNECTING
                || this == UPGRADE_HIGHER
                || this == UPGRADE_LOWER;
    }

    /** Whether this node may take over on its own: only a same-release backup may. */
    public boolean automaticSwitchoverArmed() {
        return this == BACKUP || this == RECONNECTING;
    }
}
