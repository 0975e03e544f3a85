package io.switchover.core.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TieBreakTest {

    @ParameterizedTest(name = "generation {0} vs {1}, rank {2} vs {3} -> local first {4}")
    @CsvSource({
        "7, 6, 1, 0, true",
        "6, 7, 0, 1, false",
        "2, 2, 0, 1, true",
        "2, 2, 1, 0, false",
        "0, 0, 0, 1, true",
    })
    void localFirst_higherGenerationThenLowerRank(
            long local, long peer, int localRank, int peerRank, boolean first) {
        assertThat(TieBreak.localFirst(local, localRank, peer, peerRank)).isEqualTo(first);
    }

    @Test
    void localFirst_bothSidesEvaluate_exactlyOneComesFirst() {
        for (long ga = 0; ga < 5; ga++) {
            for (long gb = 0; gb < 5; gb++) {
                assertThat(TieBreak.localFirst(ga, 0, gb, 1))
                        .isNotEqualTo(TieBreak.localFirst(gb, 1, ga, 0));
            }
        }
    }

    @Test
    void localFirst_sameRankAndGeneration_refusedBecauseNothingOrdersThem() {
        assertThat(TieBreak.distinct(1, 1)).isFalse();
        assertThatIllegalArgumentException().isThrownBy(() -> TieBreak.localFirst(3, 1, 3, 1));
    }

    @Test
    void explain_generationsDiffer_namesThem() {
        assertThat(TieBreak.explain(3, 1, "node-a", 2, 0))
                .isEqualTo("generation 3 vs 2 for 'node-a'");
        assertThat(TieBreak.explain(2, 1, "node-a", 2, 0))
                .isEqualTo("equal generation 2, tie-break rank 1 vs 0 for 'node-a'");
    }
}
