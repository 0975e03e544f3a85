package io.switchover.daemon.snmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.switchover.core.state.Reason;
import io.switchover.core.state.State;
import io.switchover.core.state.Transition;
import io.switchover.daemon.snmp.Traps.Trap;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.snmp4j.smi.OID;

/**
 * config/snmp/SWITCHOVER-MIB.txt as Net-SNMP's snmptranslate reads it: it loads without a warning,
 * and its OIDs, enumerations and notification objects are exactly the ones {@link SwitchoverMib}
 * and {@link Traps} send.
 */
class SwitchoverMibTest {

    private static final Pattern TZ_LINE = Pattern.compile("^\"([^\"]+)\"\\s+\"([0-9.]+)\"$");
    private static final Pattern ENUM = Pattern.compile("([a-zA-Z][a-zA-Z0-9]*)\\(([0-9]+)\\)");

    @BeforeAll
    static void netSnmp() {
        Optional<String> missing = NetSnmp.missing();
        assumeTrue(missing.isEmpty(), missing.orElse(""));
    }

    @Test
    void mib_loadsWithoutAWarning() throws Exception {
        // -PuW: no underscores in names, detailed warnings on symbol conflicts.
        Result r = snmptranslate("-PuW", "-On", "SWITCHOVER-MIB::switchoverMIB");

        assertThat(r.exit()).as(r.output()).isZero();
        List<String> lines = List.of(r.output().strip().split("\n"));
        assertThat(lines).last().isEqualTo(".1.3.6.1.4.1.32473.7400");
        // The base MIBs may draw remarks of their own (SNMPv2-SMI's macros, a long string in
        // erlang-snmp's SNMP-FRAMEWORK-MIB); none may be about this MIB.
        assertThat(lines).noneMatch(l -> l.contains("SWITCHOVER-MIB"));
    }

    @Test
    void mib_everyOidMatchesSwitchoverMib() throws Exception {
        Map<String, String> mib = oids();
        Map<String, OID> java = new LinkedHashMap<>();
        java.put("switchoverMIB", SwitchoverMib.MODULE);
        java.put("switchoverNotifications", SwitchoverMib.NOTIFICATIONS);
        java.put("switchoverStateChanged", SwitchoverMib.STATE_CHANGED);
        java.put("switchoverSwitchedOver", SwitchoverMib.SWITCHED_OVER);
        java.put("switchoverSplitBrain", SwitchoverMib.SPLIT_BRAIN);
        java.put("switchoverObjects", SwitchoverMib.OBJECTS);
        java.put("switchoverNodeName", SwitchoverMib.NODE_NAME);
        java.put("switchoverClusterName", SwitchoverMib.CLUSTER_NAME);
        java.put("switchoverPeerName", SwitchoverMib.PEER_NAME);
        java.put("switchoverState", SwitchoverMib.STATE);
        java.put("switchoverPreviousState", SwitchoverMib.PREVIOUS_STATE);
        java.put("switchoverRole", SwitchoverMib.ROLE);
        java.put("switchoverReasonCause", SwitchoverMib.REASON_CAUSE);
        java.put("switchoverReasonDetail", SwitchoverMib.REASON_DETAIL);
        java.put("switchoverGeneration", SwitchoverMib.GENERATION);
        java.put("switchoverSplitBrainOutcome", SwitchoverMib.SPLIT_BRAIN_OUTCOME);
        java.put("switchoverSplitBrainWinner", SwitchoverMib.SPLIT_BRAIN_WINNER);
        java.put("switchoverSplitBrainLoser", SwitchoverMib.SPLIT_BRAIN_LOSER);

        for (Map.Entry<String, OID> e : java.entrySet()) {
            assertThat(mib.get(e.getKey())).as(e.getKey()).isEqualTo(e.getValue().toDottedString());
        }
    }

    @Test
    void mib_stateEnumeration_namesEveryStateWithItsNumber() throws Exception {
        Map<String, Integer> values = enumeration("switchoverState");

        assertThat(values).hasSize(State.values().length);
        for (State s : State.values()) {
            assertThat(values.get(camel(s.name()))).as(s.name()).isEqualTo(SwitchoverMib.state(s));
        }
        assertThat(enumeration("switchoverPreviousState")).isEqualTo(values);
    }

    @Test
    void mib_roleEnumeration_matchesTheRoleOfEveryState() throws Exception {
        Map<String, Integer> values = enumeration("switchoverRole");

        assertThat(values)
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("none", 1, "primary", 2, "backup", 3, "failed", 4));
        assertThat(SwitchoverMib.role(State.STARTING)).isEqualTo(values.get("none"));
        assertThat(SwitchoverMib.role(State.RECONNECTING)).isEqualTo(values.get("backup"));
        assertThat(SwitchoverMib.role(State.FAILED)).isEqualTo(values.get("failed"));
        assertThat(SwitchoverMib.role(State.PRIMARY)).isEqualTo(values.get("primary"));
        assertThat(enumeration("switchoverSplitBrainOutcome"))
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of(
                                "won", SwitchoverMib.splitBrainOutcome(true),
                                "lost", SwitchoverMib.splitBrainOutcome(false)));
    }

    @Test
    void mib_notificationObjects_areTheObjectsEachTrapSends() throws Exception {
        Traps traps = new Traps("node-a", "pair", "node-b");
        Transition t =
                new Transition(
                        2,
                        State.BACKUP,
                        State.PRIMARY,
                        Reason.of(Reason.Cause.MANUAL_SWITCHOVER, "asked by switchoverctl"),
                        4,
                        0);

        assertThat(sentObjects(traps.stateChanged(t)))
                .isEqualTo(notificationObjects("switchoverStateChanged"));
        assertThat(sentObjects(traps.switchedOver(t)))
                .isEqualTo(notificationObjects("switchoverSwitchedOver"));
        assertThat(sentObjects(traps.splitBrain(true, "peer has generation 3 < 4", 4)))
                .isEqualTo(notificationObjects("switchoverSplitBrain"));
        assertThat(traps.stateChanged(t).oid()).isEqualTo(SwitchoverMib.STATE_CHANGED);
        assertThat(traps.switchedOver(t).oid()).isEqualTo(SwitchoverMib.SWITCHED_OVER);
    }

    /** The names of the objects a trap carries, each sent as the scalar instance {@code .0}. */
    private static List<String> sentObjects(Trap trap) throws Exception {
        Map<String, String> byOid = new LinkedHashMap<>();
        oids().forEach((name, oid) -> byOid.put(oid, name));
        List<String> names = new ArrayList<>();
        trap.objects()
                .forEach(
                        vb -> {
                            OID oid = vb.getOid();
                            assertThat(oid.last()).as("scalar instance of %s", oid).isZero();
                            names.add(
                                    byOid.get(
                                            new OID(oid.getValue(), 0, oid.size() - 1)
                                                    .toDottedString()));
                        });
        return names;
    }

    private static List<String> notificationObjects(String notification) throws Exception {
        String details = snmptranslate("-Td", "SWITCHOVER-MIB::" + notification).output();
        Matcher m = Pattern.compile("OBJECTS\\s*\\{([^}]*)\\}").matcher(details);
        assertThat(m.find()).as(details).isTrue();
        return List.of(m.group(1).strip().split("\\s*,\\s*"));
    }

    private static Map<String, Integer> enumeration(String object) throws Exception {
        String details = snmptranslate("-Td", "SWITCHOVER-MIB::" + object).output();
        Matcher syntax = Pattern.compile("SYNTAX\\s+INTEGER\\s*\\{([^}]*)\\}").matcher(details);
        assertThat(syntax.find()).as(details).isTrue();
        Map<String, Integer> values = new LinkedHashMap<>();
        Matcher m = ENUM.matcher(syntax.group(1));
        while (m.find()) {
            values.put(m.group(1), Integer.parseInt(m.group(2)));
        }
        return values;
    }

    /** Every name of the loaded MIBs and its numeric OID. */
    private static Map<String, String> oids() throws Exception {
        Map<String, String> oids = new LinkedHashMap<>();
        for (String line : snmptranslate("-Tz", "-On").output().split("\n")) {
            Matcher m = TZ_LINE.matcher(line.strip());
            if (m.matches()) {
                oids.put(m.group(1), m.group(2));
            }
        }
        return oids;
    }

    /** UPGRADE_HIGHER as the MIB names it: upgradeHigher. */
    private static String camel(String constant) {
        StringBuilder out = new StringBuilder();
        boolean upper = false;
        for (char c : constant.toLowerCase(Locale.ROOT).toCharArray()) {
            if (c == '_') {
                upper = true;
            } else {
                out.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return out.toString();
    }

    private record Result(int exit, String output) {}

    private static Result snmptranslate(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(NetSnmp.tool("snmptranslate").orElseThrow().toString());
        command.addAll(List.of("-M", NetSnmp.mibPath(), "-m", "SWITCHOVER-MIB"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        // Neither the user's nor the system's snmp.conf: only what the command line says.
        pb.environment().put("SNMPCONFPATH", "/nonexistent");
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), output);
    }
}
