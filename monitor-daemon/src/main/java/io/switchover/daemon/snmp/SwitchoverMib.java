package io.switchover.daemon.snmp;

import io.switchover.core.state.State;
import io.switchover.daemon.hooks.HookRole;
import java.util.Optional;
import org.snmp4j.smi.OID;

/**
 * The OIDs and enumerations of {@code config/snmp/SWITCHOVER-MIB.txt}, the one place the Java side
 * knows them. {@code SwitchoverMibTest} checks every one against the MIB as {@code snmptranslate}
 * reads it, so the two cannot drift apart.
 */
public final class SwitchoverMib {

    private SwitchoverMib() {}

    /** {@code switchoverMIB}: enterprises.32473.7400 (32473: RFC 5612's documentation number). */
    public static final OID MODULE = new OID(new int[] {1, 3, 6, 1, 4, 1, 32473, 7400});

    /** {@code switchoverNotifications}. */
    public static final OID NOTIFICATIONS = child(MODULE, 0);

    public static final OID STATE_CHANGED = child(NOTIFICATIONS, 1);
    public static final OID SWITCHED_OVER = child(NOTIFICATIONS, 2);
    public static final OID SPLIT_BRAIN = child(NOTIFICATIONS, 3);

    /** {@code switchoverObjects}. */
    public static final OID OBJECTS = child(MODULE, 1);

    public static final OID NODE_NAME = child(OBJECTS, 1);
    public static final OID CLUSTER_NAME = child(OBJECTS, 2);
    public static final OID PEER_NAME = child(OBJECTS, 3);
    public static final OID STATE = child(OBJECTS, 4);
    public static final OID PREVIOUS_STATE = child(OBJECTS, 5);
    public static final OID ROLE = child(OBJECTS, 6);
    public static final OID REASON_CAUSE = child(OBJECTS, 7);
    public static final OID REASON_DETAIL = child(OBJECTS, 8);
    public static final OID GENERATION = child(OBJECTS, 9);
    public static final OID SPLIT_BRAIN_OUTCOME = child(OBJECTS, 10);
    public static final OID SPLIT_BRAIN_WINNER = child(OBJECTS, 11);
    public static final OID SPLIT_BRAIN_LOSER = child(OBJECTS, 12);

    /** The largest switchoverReasonDetail, in octets (SnmpAdminString's limit). */
    public static final int MAX_DETAIL_OCTETS = 255;

    /** The SwitchoverState enumeration's number of {@code state}. */
    public static int state(State state) {
        // Exhaustive on purpose: a new state does not compile until the MIB has it.
        return switch (state) {
            case STARTING -> 1;
            case PRIMARY -> 2;
            case BACKUP -> 3;
            case RECONNECTING -> 4;
            case UPGRADE_HIGHER -> 5;
            case UPGRADE_LOWER -> 6;
            case FAILED -> 7;
            case STOPPED -> 8;
        };
    }

    /** The SwitchoverRole enumeration's number of the role {@code state} has. */
    public static int role(State state) {
        Optional<HookRole> role = HookRole.of(state);
        if (role.isEmpty()) {
            return 1;
        }
        return switch (role.get()) {
            case PRIMARY -> 2;
            case BACKUP -> 3;
            case FAILED -> 4;
        };
    }

    /** switchoverSplitBrainOutcome: won(1), lost(2). */
    public static int splitBrainOutcome(boolean won) {
        return won ? 1 : 2;
    }

    /** The instance of a scalar object: its OID and {@code .0}. */
    public static OID instance(OID object) {
        return child(object, 0);
    }

    private static OID child(OID parent, int arc) {
        OID oid = new OID(parent);
        oid.append(arc);
        return oid;
    }
}
