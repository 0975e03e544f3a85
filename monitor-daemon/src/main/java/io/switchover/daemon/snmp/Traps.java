package io.switchover.daemon.snmp;

import io.switchover.core.state.State;
import io.switchover.core.state.Transition;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.snmp4j.smi.Counter64;
import org.snmp4j.smi.Integer32;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.Variable;
import org.snmp4j.smi.VariableBinding;

/**
 * Builds the traps of SWITCHOVER-MIB for one node: the notification's OID and its objects, in the
 * order of the MIB's {@code OBJECTS} clause. The PDU header ({@code sysUpTime.0}, {@code
 * snmpTrapOID.0}) is the sender's.
 *
 * @param node this node's id
 * @param cluster the pair's name
 * @param peer the other node's id
 */
public record Traps(String node, String cluster, String peer) {

    public Traps {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(peer, "peer");
    }

    /**
     * One notification, ready to send.
     *
     * @param oid the notification's OID ({@code snmpTrapOID.0})
     * @param summary what it says, for the log
     */
    public record Trap(OID oid, List<VariableBinding> objects, String summary) {
        public Trap {
            objects = List.copyOf(objects);
        }
    }

    /** switchoverStateChanged: every transition. */
    public Trap stateChanged(Transition t) {
        List<VariableBinding> b = identity();
        b.add(bind(SwitchoverMib.STATE, new Integer32(SwitchoverMib.state(t.to()))));
        b.add(bind(SwitchoverMib.PREVIOUS_STATE, new Integer32(SwitchoverMib.state(t.from()))));
        b.add(bind(SwitchoverMib.ROLE, new Integer32(SwitchoverMib.role(t.to()))));
        reason(b, t);
        return new Trap(
                SwitchoverMib.STATE_CHANGED,
                b,
                "state changed " + t.from() + " -> " + t.to() + " (" + t.reason().cause() + ")");
    }

    /** switchoverSwitchedOver: a promotion from a backup state (automatic or manual). */
    public Trap switchedOver(Transition t) {
        List<VariableBinding> b = identity();
        b.add(bind(SwitchoverMib.STATE, new Integer32(SwitchoverMib.state(t.to()))));
        b.add(bind(SwitchoverMib.PREVIOUS_STATE, new Integer32(SwitchoverMib.state(t.from()))));
        reason(b, t);
        return new Trap(
                SwitchoverMib.SWITCHED_OVER,
                b,
                "switched over from " + t.from() + " (" + t.reason().cause() + ")");
    }

    /** Whether {@code t} is a switchover: the daemon logs "Switch Initiated" for the same ones. */
    public static boolean isSwitchover(Transition t) {
        return t.to() == State.PRIMARY && t.from() != State.STARTING;
    }

    /**
     * switchoverSplitBrain: two primaries met.
     *
     * @param won whether this node keeps the primary role
     * @param detail the core's evidence
     * @param generation this node's generation after the event
     */
    public Trap splitBrain(boolean won, String detail, long generation) {
        List<VariableBinding> b = identity();
        b.add(
                bind(
                        SwitchoverMib.SPLIT_BRAIN_OUTCOME,
                        new Integer32(SwitchoverMib.splitBrainOutcome(won))));
        b.add(bind(SwitchoverMib.SPLIT_BRAIN_WINNER, text(won ? node : peer)));
        b.add(bind(SwitchoverMib.SPLIT_BRAIN_LOSER, text(won ? peer : node)));
        b.add(bind(SwitchoverMib.REASON_DETAIL, detail(detail)));
        b.add(bind(SwitchoverMib.GENERATION, new Counter64(generation)));
        return new Trap(SwitchoverMib.SPLIT_BRAIN, b, "split brain " + (won ? "won" : "lost"));
    }

    private List<VariableBinding> identity() {
        List<VariableBinding> b = new ArrayList<>();
        b.add(bind(SwitchoverMib.NODE_NAME, text(node)));
        b.add(bind(SwitchoverMib.CLUSTER_NAME, text(cluster)));
        b.add(bind(SwitchoverMib.PEER_NAME, text(peer)));
        return b;
    }

    private static void reason(List<VariableBinding> b, Transition t) {
        b.add(bind(SwitchoverMib.REASON_CAUSE, text(t.reason().cause().name())));
        b.add(bind(SwitchoverMib.REASON_DETAIL, detail(t.reason().detail())));
        b.add(bind(SwitchoverMib.GENERATION, new Counter64(t.generation())));
    }

    private static VariableBinding bind(OID object, Variable value) {
        return new VariableBinding(SwitchoverMib.instance(object), value);
    }

    private static OctetString text(String s) {
        return new OctetString(s.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The detail as UTF-8 in at most 255 octets: cut on a character boundary and marked with "..."
     * when longer, so a receiver never sees half a character.
     */
    static OctetString detail(String s) {
        byte[] whole = s.getBytes(StandardCharsets.UTF_8);
        if (whole.length <= SwitchoverMib.MAX_DETAIL_OCTETS) {
            return new OctetString(whole);
        }
        byte[] ellipsis = "...".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer out = ByteBuffer.allocate(SwitchoverMib.MAX_DETAIL_OCTETS - ellipsis.length);
        CharsetEncoder encoder =
                StandardCharsets.UTF_8
                        .newEncoder()
                        .onMalformedInput(CodingErrorAction.REPLACE)
                        .onUnmappableCharacter(CodingErrorAction.REPLACE);
        // Stops before the first character that does not fit whole.
        encoder.encode(CharBuffer.wrap(s), out, true);
        byte[] cut = new byte[out.position() + ellipsis.length];
        System.arraycopy(out.array(), 0, cut, 0, out.position());
        System.arraycopy(ellipsis, 0, cut, out.position(), ellipsis.length);
        return new OctetString(cut);
    }
}
