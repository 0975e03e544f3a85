package io.switchover.core.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TieBreakTest {

    @ParameterizedTest(name = "{0}/{1} vs {2}/{3} -> local wins {4}")
    @CsvSource({
        "10, b, 5, a, true",
        "5, a, 10, b, false",
        "0, a, 0, b, true",
        "0, b, 0, a, false",
    })
    void localWins_priorityThenLowerId(
            int localPriority, String localId, int peerPriority, String peerId, boolean wins) {
        assertThat(TieBreak.localWins(localPriority, localId, peerPriority, peerId))
                .isEqualTo(wins);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
    void localWins_bothSidesEvaluate_exactlyOneWins(long seed) {
        Random random = new Random(seed);
        for (int i = 0; i < 1000; i++) {
            int pa = random.nextInt(3);
            int pb = random.nextInt(3);
            String a = "n" + random.nextInt(5);
            String b = "n" + (5 + random.nextInt(5));
            boolean aWins = TieBreak.localWins(pa, a, pb, b);
            boolean bWins = TieBreak.localWins(pb, b, pa, a);
            assertThat(aWins).isNotEqualTo(bWins);
        }
    }

    @ParameterizedTest(name = "generation {0} vs {1} -> keeps {2}")
    @CsvSource({"7, 6, true", "6, 7, false", "7, 7, true"})
    void localKeepsPrimary_higherGenerationStaysAndTieFallsBackToTieBreak(
            long local, long peer, boolean keeps) {
        // Equal priority; "a" < "b", so on a generation tie the local node "a" wins.
        assertThat(TieBreak.localKeepsPrimary(local, 0, "a", peer, 0, "b")).isEqualTo(keeps);
    }

    @org.junit.jupiter.api.Test
    void localWins_sameNodeId_refusedBecauseNoOrderSeparatesThem() {
        assertThatIllegalArgumentException().isThrownBy(() -> TieBreak.localWins(0, "x", 1, "x"));
    }
}
