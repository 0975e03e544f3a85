package io.switchover.core.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.switchover.core.testing.CoreHarness;
import io.switchover.core.testing.VirtualTime;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GenerationsTest {

    @ParameterizedTest(name = "rank {0}, own {1}, peer {2} -> {3}")
    @CsvSource({
        "0, 0, 0, 2",
        "1, 0, 0, 1",
        "0, 1, 0, 2",
        "1, 1, 0, 3",
        "0, 4, 7, 8",
        "1, 4, 7, 9",
        "0, 9, 3, 10",
        "1, 9, 3, 11",
    })
    void next_ownClassAboveEverythingKnown(int rank, long own, long peer, long expected) {
        assertThat(Generations.next(rank, own, peer)).isEqualTo(expected);
    }

    @Test
    void next_everyHistory_smallestOfTheOwnClassAboveBoth() {
        for (int rank = 0; rank < 2; rank++) {
            for (long own = 0; own < 40; own++) {
                for (long peer = 0; peer < 40; peer++) {
                    long next = Generations.next(rank, own, peer);
                    long known = Math.max(own, peer);
                    assertThat(next).isGreaterThan(known).isLessThanOrEqualTo(known + 2);
                    assertThat(Generations.ownedBy(rank, next)).isTrue();
                    assertThat(Generations.ownedBy(1 - rank, next)).isFalse();
                }
            }
        }
    }

    @Test
    void next_rankOutsideThePair_refused() {
        assertThatIllegalArgumentException().isThrownBy(() -> Generations.next(2, 0, 0));
    }

    /**
     * The case the rule exists for: both nodes start while the link is down, so neither hears of
     * the other and both promote from the same stored generation.
     */
    @Test
    void
            promote_bothStartAloneDuringAPartition_differentGenerationsAndTheHigherStaysWhenTheyMeet() {
        VirtualTime time = VirtualTime.withSeed(3);
        CoreHarness a =
                new CoreHarness(
                        time, CoreHarness.peerConfig().build(), CoreHarness.RELEASE, 4, List.of());
        CoreHarness b =
                new CoreHarness(
                        time, CoreHarness.config().build(), CoreHarness.RELEASE, 4, List.of());
        a.link.deliverTo(b.machine::onPeerMessage).bothConnected(false);
        b.link.deliverTo(a.machine::onPeerMessage).bothConnected(false);
        a.machine.start();
        b.machine.start();
        time.advance(Duration.ofSeconds(31));
        assertThat(a.machine.state()).isEqualTo(State.PRIMARY);
        assertThat(b.machine.state()).isEqualTo(State.PRIMARY);
        assertThat(a.machine.generation()).isEqualTo(6);
        assertThat(b.machine.generation()).isEqualTo(5);

        a.link.bothConnected(true);
        b.link.bothConnected(true);
        b.machine.onConnectionChanged(io.switchover.core.port.Connection.MAIN, true);
        time.advance(Duration.ofSeconds(1));

        assertThat(a.machine.state()).isEqualTo(State.PRIMARY);
        assertThat(b.path()).endsWith("PRIMARY->FAILED:SPLIT_BRAIN_LOST");
        assertThat(b.replication.keptAside).containsExactly(5L);
    }
}
