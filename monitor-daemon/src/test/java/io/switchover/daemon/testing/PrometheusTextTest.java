package io.switchover.daemon.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The test parser must itself be right before it can judge /metrics. */
class PrometheusTextTest {
    private static final String VALID =
            """
            # HELP up 1 when up
            # TYPE up gauge
            up{node="a",path="C:\\\\x \\"q\\""} 1.0
            # TYPE rtt_seconds histogram
            rtt_seconds_bucket{le="0.1"} 1
            rtt_seconds_bucket{le="+Inf"} 2
            rtt_seconds_count 2
            rtt_seconds_sum 0.3
            # TYPE pings_total counter
            pings_total{outcome="SUCCESS"} 3.0 1700000000000
            """;

    @Test
    void parse_validExposition_samplesWithUnescapedLabels() {
        PrometheusText text = PrometheusText.parse(VALID);

        assertThat(text.value("up", Map.of("node", "a"))).isEqualTo(1.0);
        assertThat(text.samples("up").get(0).labels()).containsEntry("path", "C:\\x \"q\"");
        assertThat(text.type("rtt_seconds")).contains("histogram");
        assertThat(text.value("rtt_seconds_bucket", Map.of("le", "+Inf"))).isEqualTo(2.0);
        assertThat(text.value("pings_total", Map.of())).isEqualTo(3.0);
    }

    @Test
    void parse_sampleWithoutType_rejected() {
        assertThatThrownBy(() -> PrometheusText.parse("up 1\n"))
                .hasMessageContaining("no TYPE declares up");
    }

    @Test
    void parse_secondType_rejected() {
        assertThatThrownBy(() -> PrometheusText.parse("# TYPE up gauge\n# TYPE up gauge\n"))
                .hasMessageContaining("a second TYPE for up");
    }

    @Test
    void parse_typeAfterSamplesOfItsFamily_rejected() {
        assertThatThrownBy(
                        () ->
                                PrometheusText.parse(
                                        "# TYPE s_sum gauge\ns_sum 1\n# TYPE s summary\n"))
                .hasMessageContaining("TYPE after samples of s");
    }

    @Test
    void parse_interleavedFamilies_rejected() {
        assertThatThrownBy(
                        () ->
                                PrometheusText.parse(
                                        "# TYPE a gauge\n# TYPE b gauge\na 1\nb 1\na{x=\"1\"} 2\n"))
                .hasMessageContaining("interleaved");
    }

    @Test
    void parse_badLabels_rejected() {
        assertThatThrownBy(() -> PrometheusText.parse("# TYPE a gauge\na{x=1} 1\n"))
                .hasMessageContaining("name=\"value\"");
        assertThatThrownBy(() -> PrometheusText.parse("# TYPE a gauge\na{x=\"\\t\"} 1\n"))
                .hasMessageContaining("bad escape");
        assertThatThrownBy(() -> PrometheusText.parse("# TYPE a gauge\na{x=\"1\",x=\"2\"} 1\n"))
                .hasMessageContaining("label x twice");
    }

    @Test
    void parse_badValueOrLine_rejected() {
        assertThatThrownBy(() -> PrometheusText.parse("# TYPE a gauge\na one\n"))
                .hasMessageContaining("not a number");
        assertThatThrownBy(() -> PrometheusText.parse("# TYPE a gauge\na\n"))
                .hasMessageContaining("not of the form");
        assertThatThrownBy(() -> PrometheusText.parse("# TYPE a gauge\na 1"))
                .hasMessageContaining("newline");
    }

    @Test
    void parse_brokenHistogram_rejected() {
        String head = "# TYPE h histogram\n";
        assertThatThrownBy(
                        () ->
                                PrometheusText.parse(
                                        head
                                                + "h_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\n"
                                                + "h_count 1\n"))
                .hasMessageContaining("not cumulative");
        assertThatThrownBy(() -> PrometheusText.parse(head + "h_bucket{le=\"1\"} 1\nh_count 1\n"))
                .hasMessageContaining("no +Inf bucket");
        assertThatThrownBy(
                        () -> PrometheusText.parse(head + "h_bucket{le=\"+Inf\"} 1\nh_count 2\n"))
                .hasMessageContaining("differs from _count");
        assertThatThrownBy(() -> PrometheusText.parse(head + "h 1\n"))
                .hasMessageContaining("no TYPE declares h");
    }
}
