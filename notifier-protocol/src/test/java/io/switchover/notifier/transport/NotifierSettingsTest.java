package io.switchover.notifier.transport;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class NotifierSettingsTest {
    @Test
    void build_manyProblems_reportsEveryOneAtOnce() {
        assertThatThrownBy(
                        () ->
                                NotifierSettings.builder("", "node-a")
                                        .sharedSecret(new byte[4])
                                        .maxFrameLength(100)
                                        .keepaliveInterval(Duration.ofSeconds(5))
                                        .idleTimeout(Duration.ofSeconds(6))
                                        .handshakeTimeout(Duration.ZERO)
                                        .capabilities(List.of("ok", "bad\u0001"))
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cluster is missing")
                .hasMessageContaining("shared secret is 4 bytes, needs at least 16")
                .hasMessageContaining("max frame length 100 is outside")
                .hasMessageContaining("idle timeout PT6S must be at least twice the keepalive")
                .hasMessageContaining("handshake timeout must be > 0")
                .hasMessageContaining("capability contains a control character");
    }

    @Test
    void build_noAuthentication_refused() {
        assertThatThrownBy(() -> NotifierSettings.builder("c", "n").build())
                .hasMessageContaining("no authentication");
    }
}
