package io.switchover.core.diagnosis;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchover.core.config.CoreConfig;
import io.switchover.core.port.Connection;
import io.switchover.core.port.Reachability;
import io.switchover.core.testing.FakeNetworkProbe;
import io.switchover.core.testing.SimulatedPeerLink;
import io.switchover.core.testing.VirtualTime;
import io.switchover.core.time.Cancellable;
import io.switchover.core.time.StallWatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class NetworkDiagnosisTest {

    private static final String PEER = "10.0.0.2";
    private static final String GW1 = "192.168.1.1";
    private static final String GW2 = "192.168.1.254";
    private static final String NT1 = "203.0.113.1";
    private static final String NT2 = "203.0.113.2";

    private final VirtualTime time = VirtualTime.withSeed(31);
    private final SimulatedPeerLink link = new SimulatedPeerLink(time);
    private final FakeNetworkProbe probe = new FakeNetworkProbe(time);

    /** One row of the spec's "network status of the backup" rule chain. */
    record Row(
            String name,
            boolean gatewayPing,
            List<String> gateways,
            List<String> netTest,
            List<String> reachable,
            NetworkStatus expected,
            NetworkStatusRule decidedBy,
            List<String> pingedInOrder) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Row> rules() {
        return Stream.of(
                new Row(
                        "rule 1: gateway ping enabled, first gateway answers -> GATEWAY_REACHED",
                        true,
                        List.of(GW1, GW2),
                        List.of(NT1),
                        List.of(GW1),
                        NetworkStatus.GATEWAY_REACHED,
                        NetworkStatusRule.GATEWAY,
                        List.of(PEER, GW1)),
                new Row(
                        "rule 1: gateway ping enabled, a later gateway answers -> GATEWAY_REACHED",
                        true,
                        List.of(GW1, GW2),
                        List.of(),
                        List.of(GW2, PEER),
                        NetworkStatus.GATEWAY_REACHED,
                        NetworkStatusRule.GATEWAY,
                        List.of(PEER, GW1, GW2)),
                new Row(
                        "rule 1: gateway ping enabled, none answers -> GATEWAY_UNREACHABLE, stop",
                        true,
                        List.of(GW1, GW2),
                        List.of(NT1),
                        List.of(NT1, PEER),
                        NetworkStatus.GATEWAY_UNREACHABLE,
                        NetworkStatusRule.GATEWAY,
                        List.of(PEER, GW1, GW2)),
                new Row(
                        "rule 2: gateway ping disabled, a NetTest address answers -> NETTEST_REACHED",
                        false,
                        List.of(GW1),
                        List.of(NT1, NT2),
                        List.of(GW1, NT2),
                        NetworkStatus.NETTEST_REACHED,
                        NetworkStatusRule.NETTEST,
                        List.of(PEER, NT1, NT2)),
                new Row(
                        "rule 2: no NetTest address answers -> NETTEST_UNREACHABLE, stop",
                        false,
                        List.of(GW1),
                        List.of(NT1, NT2),
                        List.of(GW1, PEER),
                        NetworkStatus.NETTEST_UNREACHABLE,
                        NetworkStatusRule.NETTEST,
                        List.of(PEER, NT1, NT2)),
                new Row(
                        "rule 2: gateway ping enabled but no usable gateway -> passes on to NetTest",
                        true,
                        List.of("127.0.0.1", "", "localhost"),
                        List.of(NT1),
                        List.of(NT1),
                        NetworkStatus.NETTEST_REACHED,
                        NetworkStatusRule.NETTEST,
                        List.of(PEER, NT1)),
                new Row(
                        "rule 3: nothing configured, primary host answers -> PRIMARY_REACHED",
                        false,
                        List.of(GW1),
                        List.of(),
                        List.of(PEER),
                        NetworkStatus.PRIMARY_REACHED,
                        NetworkStatusRule.PRIMARY_HOST,
                        List.of(PEER)),
                new Row(
                        "rule 3: nothing configured, primary host silent -> PRIMARY_UNREACHABLE",
                        false,
                        List.of(GW1),
                        List.of(),
                        List.of(GW1),
                        NetworkStatus.PRIMARY_UNREACHABLE,
                        NetworkStatusRule.PRIMARY_HOST,
                        List.of(PEER)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void diagnose_networkStatusRuleRow_firstApplicableRuleDecidesAndPrimaryHostPingedThroughout(
            Row row) {
        probe.gateways(row.gateways().toArray(String[]::new));
        probe.reachable(row.reachable().toArray(String[]::new));
        CoreConfig config =
                CoreConfig.builder("b", PEER)
                        .gatewayPingEnabled(row.gatewayPing())
                        .netTestAddresses(row.netTest())
                        .build();

        Diagnosis d = diagnose(new NetworkDiagnosis(config, time, link, probe));

        assertThat(d.network()).isEqualTo(row.expected());
        assertThat(d.decidedBy()).isEqualTo(row.decidedBy());
        assertThat(probe.pinged()).containsExactlyElementsOf(row.pingedInOrder());
        assertThat(d.primaryHost())
                .isEqualTo(
                        row.reachable().contains(PEER)
                                ? Reachability.REACHABLE
                                : Reachability.UNREACHABLE);
    }

    @Test
    void last_beforeAndAfterADiagnosis_emptyThenTheOneDelivered() {
        probe.reachable(PEER);
        NetworkDiagnosis diagnosis =
                new NetworkDiagnosis(CoreConfig.defaults("b", PEER), time, link, probe);
        assertThat(diagnosis.last()).isEmpty();

        Diagnosis d = diagnose(diagnosis);

        assertThat(diagnosis.last()).containsSame(d);
    }

    @Test
    void diagnose_ruleNotApplicable_reportsItselfUnavailableAndPassesOn() {
        probe.reachable(PEER);
        Diagnosis d =
                diagnose(new NetworkDiagnosis(CoreConfig.defaults("b", PEER), time, link, probe));

        assertThat(d.checks())
                .containsExactly(
                        "gateway: unavailable (gateway ping disabled)",
                        "NetTest: unavailable (no NetTest address configured)",
                        "primary host 10.0.0.2: answered");
    }

    @Test
    void diagnose_netTestSweepSlowerThanPrimaryPing_completesWhenBothAreKnown() {
        CoreConfig config =
                CoreConfig.builder("b", PEER).netTestAddresses(List.of(NT1, NT2)).build();
        NetworkDiagnosis diagnosis = new NetworkDiagnosis(config, time, link, probe);
        List<Diagnosis> results = new ArrayList<>();
        diagnosis.diagnose(results::add);

        time.advance(Duration.ofMillis(1999));
        assertThat(results).isEmpty();
        time.advance(Duration.ofMillis(1));
        assertThat(results)
                .singleElement()
                .satisfies(
                        d -> {
                            assertThat(d.network()).isEqualTo(NetworkStatus.NETTEST_UNREACHABLE);
                            assertThat(d.checks())
                                    .contains("NetTest 203.0.113.1: no answer within 1s");
                        });
    }

    @Test
    void diagnose_noStall_tookWithinWhatItsPingsAllow() {
        CoreConfig config =
                CoreConfig.builder("b", PEER).netTestAddresses(List.of(NT1, NT2)).build();

        Diagnosis d = diagnose(new NetworkDiagnosis(config, time, link, probe));

        // Two NetTest pings of 1 s one after the other, the 1 s host ping alongside.
        assertThat(d.couldTake()).isEqualTo(Duration.ofSeconds(2));
        assertThat(d.took()).isEqualTo(Duration.ofSeconds(2));
        assertThat(new StallWatch(time, Duration.ofMillis(1)).overran(d.took(), d.couldTake()))
                .isFalse();
    }

    @Test
    void diagnose_processStallsWhileRunning_reportsThatItSpannedAStall() {
        probe.reachable(PEER, NT1);
        CoreConfig config = CoreConfig.builder("b", PEER).netTestAddresses(List.of(NT1)).build();
        List<Diagnosis> results = new ArrayList<>();
        new NetworkDiagnosis(config, time, link, probe).diagnose(results::add);

        time.stall(Duration.ofSeconds(20));
        time.runDue();

        assertThat(results)
                .singleElement()
                .satisfies(
                        d -> {
                            assertThat(d.took()).isEqualTo(Duration.ofSeconds(20));
                            assertThat(
                                            new StallWatch(time, CoreConfig.DEFAULT_STALL_THRESHOLD)
                                                    .overran(d.took(), d.couldTake()))
                                    .isTrue();
                        });
    }

    @Test
    void diagnose_probesCouldNotRun_askedAgainAndDecidedOnTheAnswersThatRan() {
        // The host and the NetTest address both answer, but the first two probes never got a
        // thread: they say nothing, so neither may read as "unreachable".
        probe.reachable(PEER, NT1).starved(2);
        CoreConfig config = CoreConfig.builder("b", PEER).netTestAddresses(List.of(NT1)).build();
        Diagnosis d = diagnose(new NetworkDiagnosis(config, time, link, probe));
        assertThat(d.primaryHost()).isEqualTo(Reachability.REACHABLE);
        assertThat(d.network()).isEqualTo(NetworkStatus.NETTEST_REACHED);
        assertThat(probe.pinged()).containsExactly(PEER, NT1, PEER, NT1);
        assertThat(d.checks())
                .contains(
                        "primary host 10.0.0.2: the probe could not run within 1s (no probe"
                                + " thread: this process is starved); asked again",
                        "NetTest 203.0.113.1: the probe could not run within 1s (no probe thread:"
                                + " this process is starved); asked again",
                        "primary host 10.0.0.2: answered");
    }

    @Test
    void diagnose_proberStarvedForLong_noDiagnosisUntilAProbeRuns() {
        probe.starved(50);
        List<Diagnosis> results = new ArrayList<>();
        new NetworkDiagnosis(CoreConfig.defaults("b", PEER), time, link, probe)
                .diagnose(results::add);
        time.advance(Duration.ofSeconds(49));
        assertThat(results).as("an unknown host is never reported unreachable").isEmpty();
        time.advance(Duration.ofSeconds(2));
        assertThat(results)
                .singleElement()
                .satisfies(
                        d -> {
                            assertThat(d.primaryHost()).isEqualTo(Reachability.UNREACHABLE);
                            assertThat(d.checks()).hasSize(4);
                        });
    }

    @ParameterizedTest(name = "main {0}, auxiliary {1} -> {2}")
    @CsvSource({
        "true, true, BOTH_UP",
        "true, false, MAIN_ONLY",
        "false, true, AUXILIARY_ONLY",
        "false, false, BOTH_DOWN",
    })
    void diagnose_connectionStatusRow_readsBothConnections(
            boolean main, boolean auxiliary, ConnectionStatus expected) {
        link.connected(Connection.MAIN, main).connected(Connection.AUXILIARY, auxiliary);
        Diagnosis d =
                diagnose(new NetworkDiagnosis(CoreConfig.defaults("b", PEER), time, link, probe));
        assertThat(d.connections()).isEqualTo(expected);
        assertThat(d.connections().anyUp()).isEqualTo(main || auxiliary);
    }

    @Test
    void diagnose_cancelledBeforeDone_neverReports() {
        List<Diagnosis> results = new ArrayList<>();
        Cancellable handle =
                new NetworkDiagnosis(CoreConfig.defaults("b", PEER), time, link, probe)
                        .diagnose(results::add);
        handle.cancel();
        time.advance(Duration.ofSeconds(10));
        assertThat(results).isEmpty();
    }

    static Stream<Arguments> gatewayLists() {
        return Stream.of(
                Arguments.of(List.of("127.0.0.1", "::1", "", " ", "localhost"), List.of()),
                Arguments.of(
                        List.of("0.0.0.0", "10.1.1.1", "10.1.1.1", " 10.2.2.2 "),
                        List.of("10.1.1.1", "10.2.2.2")));
    }

    @ParameterizedTest
    @MethodSource("gatewayLists")
    void usableGateways_enumeratedList_dropsLoopbackEmptyAndDuplicates(
            List<String> enumerated, List<String> expected) {
        assertThat(NetworkStatusRule.usableGateways(enumerated)).isEqualTo(expected);
    }

    private Diagnosis diagnose(NetworkDiagnosis diagnosis) {
        List<Diagnosis> results = new ArrayList<>();
        diagnosis.diagnose(results::add);
        time.advance(Duration.ofSeconds(30));
        assertThat(results).hasSize(1);
        return results.get(0);
    }
}
