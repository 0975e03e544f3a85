package io.switchover.core.port;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PingOutcomeTest {

    static Stream<Arguments> outcomes() {
        return Stream.of(
                Arguments.of(PingOutcome.success(), PingOutcome.Kind.SUCCESS, "answered"),
                Arguments.of(
                        PingOutcome.timeout(Duration.ofMillis(250)),
                        PingOutcome.Kind.TIMEOUT,
                        "timed out after 250ms"),
                Arguments.of(
                        PingOutcome.rejected("module not registered"),
                        PingOutcome.Kind.REJECTED,
                        "rejected (module not registered)"),
                Arguments.of(
                        PingOutcome.connectionLoss(Connection.AUXILIARY),
                        PingOutcome.Kind.CONNECTION_LOSS,
                        "lost the AUXILIARY connection"),
                Arguments.of(PingOutcome.cancelled(), PingOutcome.Kind.CANCELLED, "cancelled"));
    }

    @ParameterizedTest
    @MethodSource("outcomes")
    void kindAndDescribe_eachOutcome_matchTheSpecTableRow(
            PingOutcome outcome, PingOutcome.Kind kind, String description) {
        assertThat(outcome.kind()).isEqualTo(kind);
        assertThat(outcome.describe()).isEqualTo(description);
        assertThat(outcome.succeeded()).isEqualTo(kind == PingOutcome.Kind.SUCCESS);
    }

    @org.junit.jupiter.api.Test
    void other_eachConnection_isTheAlternate() {
        assertThat(Connection.MAIN.other()).isEqualTo(Connection.AUXILIARY);
        assertThat(Connection.AUXILIARY.other()).isEqualTo(Connection.MAIN);
    }
}
