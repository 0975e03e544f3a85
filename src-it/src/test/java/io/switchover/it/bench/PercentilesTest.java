package io.switchover.it.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class PercentilesTest {

    @Test
    void of_twentyRuns_p99IsTheMaximumByNearestRank() {
        List<Long> runs = LongStream.rangeClosed(1, 20).map(i -> 21 - i).boxed().toList();
        assertThat(Percentiles.of(runs)).isEqualTo(new Percentiles(20, 1, 10, 20, 20));
    }

    @Test
    void of_thousandRuns_p99IsThe990th() {
        List<Long> runs = LongStream.rangeClosed(1, 1000).boxed().toList();
        Percentiles p = Percentiles.of(runs);
        assertThat(p.p50()).isEqualTo(500);
        assertThat(p.p99()).isEqualTo(990);
        assertThat(p.max()).isEqualTo(1000);
    }

    @Test
    void of_noRuns_printsDashes() {
        assertThat(Percentiles.of(List.of()).cells()).isEqualTo("- | - | - | -");
    }
}
