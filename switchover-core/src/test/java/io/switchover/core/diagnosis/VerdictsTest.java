package io.switchover.core.diagnosis;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchover.core.port.Reachability;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class VerdictsTest {

    private static Diagnosis diagnosis(
            NetworkStatus network, Reachability primary, ConnectionStatus connections) {
        return new Diagnosis(
                connections,
                network,
                NetworkStatusRule.NETTEST,
                primary,
                List.of(),
                Duration.ofSeconds(1),
                Duration.ofSeconds(1));
    }

    static Stream<Arguments> fiveWayRows() {
        return Stream.of(
                Arguments.of(
                        "network not OK, primary reachable -> remote notifier down",
                        NetworkStatus.NETTEST_UNREACHABLE,
                        Reachability.REACHABLE,
                        ConnectionStatus.BOTH_DOWN,
                        false,
                        Finding.REMOTE_NOTIFIER_DOWN,
                        "network not OK, primary reachable"),
                Arguments.of(
                        "network not OK, primary unreachable -> primary unreachable",
                        NetworkStatus.GATEWAY_UNREACHABLE,
                        Reachability.UNREACHABLE,
                        ConnectionStatus.BOTH_DOWN,
                        false,
                        Finding.PRIMARY_UNREACHABLE,
                        "network not OK, primary unreachable"),
                Arguments.of(
                        "network not OK (primary host rule), primary unreachable -> unreachable",
                        NetworkStatus.PRIMARY_UNREACHABLE,
                        Reachability.UNREACHABLE,
                        ConnectionStatus.BOTH_UP,
                        false,
                        Finding.PRIMARY_UNREACHABLE,
                        "network not OK, primary unreachable"),
                Arguments.of(
                        "network OK, both connections down -> remote notifier down",
                        NetworkStatus.NETTEST_REACHED,
                        Reachability.REACHABLE,
                        ConnectionStatus.BOTH_DOWN,
                        false,
                        Finding.REMOTE_NOTIFIER_DOWN,
                        "network OK, both connections down"),
                Arguments.of(
                        "network OK, both connections up, module cannot be pinged -> module down",
                        NetworkStatus.PRIMARY_REACHED,
                        Reachability.REACHABLE,
                        ConnectionStatus.BOTH_UP,
                        false,
                        Finding.MODULE_DOWN,
                        "network OK, both connections up, module cannot be pinged"),
                Arguments.of(
                        "network OK, both connections up, module answers -> module up, no error",
                        NetworkStatus.GATEWAY_REACHED,
                        Reachability.REACHABLE,
                        ConnectionStatus.BOTH_UP,
                        true,
                        Finding.MODULE_UP,
                        "network OK, both connections up, module answers"),
                Arguments.of(
                        "beyond the source: network OK, main only, module silent -> module down",
                        NetworkStatus.NETTEST_REACHED,
                        Reachability.REACHABLE,
                        ConnectionStatus.MAIN_ONLY,
                        false,
                        Finding.MODULE_DOWN,
                        "network OK, main connection up (auxiliary down), module cannot be pinged"),
                Arguments.of(
                        "beyond the source: network OK, auxiliary only, module answers -> up",
                        NetworkStatus.NETTEST_REACHED,
                        Reachability.REACHABLE,
                        ConnectionStatus.AUXILIARY_ONLY,
                        true,
                        Finding.MODULE_UP,
                        "network OK, auxiliary connection up (main down), module answers"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fiveWayRows")
    void onModuleNotification_fiveWayRow_findsWhatTheRowSays(
            String row,
            NetworkStatus network,
            Reachability primary,
            ConnectionStatus connections,
            boolean moduleAnswered,
            Finding expected,
            String expectedRow) {
        Verdict verdict =
                Verdicts.onModuleNotification(
                        diagnosis(network, primary, connections), moduleAnswered);

        assertThat(verdict.finding()).isEqualTo(expected);
        assertThat(verdict.row()).isEqualTo(expectedRow);
    }

    static Stream<Arguments> notifierFailureRows() {
        return Stream.of(
                Arguments.of(
                        NetworkStatus.GATEWAY_REACHED,
                        Reachability.REACHABLE,
                        Finding.REMOTE_NOTIFIER_DOWN),
                Arguments.of(
                        NetworkStatus.GATEWAY_REACHED,
                        Reachability.UNREACHABLE,
                        Finding.PRIMARY_UNREACHABLE),
                Arguments.of(
                        NetworkStatus.NETTEST_UNREACHABLE,
                        Reachability.REACHABLE,
                        Finding.REMOTE_NOTIFIER_DOWN),
                Arguments.of(
                        NetworkStatus.PRIMARY_UNREACHABLE,
                        Reachability.UNREACHABLE,
                        Finding.PRIMARY_UNREACHABLE));
    }

    @ParameterizedTest(name = "network {0}, primary host {1} -> {2}")
    @MethodSource("notifierFailureRows")
    void onNotifierFailure_primaryHostPingedThroughout_decidesHostOrDaemon(
            NetworkStatus network, Reachability primary, Finding expected) {
        assertThat(
                        Verdicts.onNotifierFailure(
                                        diagnosis(network, primary, ConnectionStatus.BOTH_DOWN))
                                .finding())
                .isEqualTo(expected);
    }

    static Stream<Arguments> isolation() {
        return Stream.of(
                Arguments.of(NetworkStatus.GATEWAY_REACHED, true, false),
                Arguments.of(NetworkStatus.GATEWAY_UNREACHABLE, false, true),
                Arguments.of(NetworkStatus.NETTEST_REACHED, true, false),
                Arguments.of(NetworkStatus.NETTEST_UNREACHABLE, false, true),
                Arguments.of(NetworkStatus.PRIMARY_REACHED, true, false),
                Arguments.of(NetworkStatus.PRIMARY_UNREACHABLE, false, false));
    }

    @ParameterizedTest(name = "{0}: good {1}, isolates backup {2}")
    @MethodSource("isolation")
    void networkStatus_eachStatus_goodAndIsolationAsSpecified(
            NetworkStatus status, boolean good, boolean isolates) {
        assertThat(status.isGood()).isEqualTo(good);
        assertThat(status.isolatesBackup()).isEqualTo(isolates);
    }
}
