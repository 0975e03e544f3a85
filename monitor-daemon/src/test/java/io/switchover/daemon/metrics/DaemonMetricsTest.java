package io.switchover.daemon.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchover.core.port.Connection;
import io.switchover.daemon.testing.PrometheusText;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class DaemonMetricsTest {

    @Test
    void connection_afterGarbageCollection_stillReadsItsSupplier() {
        DaemonMetrics metrics = new DaemonMetrics("node-a");
        AtomicBoolean up = new AtomicBoolean(true);
        // The supplier is a lambda nothing else holds, as in the daemon's wiring.
        metrics.connection(Connection.MAIN, up::get);

        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        PrometheusText scraped = PrometheusText.parse(metrics.scrape());

        assertThat(scraped.value("switchover_connection_up", Map.of("connection", "main")))
                .isEqualTo(1.0);
        up.set(false);
        assertThat(
                        PrometheusText.parse(metrics.scrape())
                                .value("switchover_connection_up", Map.of("connection", "main")))
                .isEqualTo(0.0);
    }
}
