package io.switchover.notifier.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchover.notifier.session.ConnectionKind;
import io.switchover.notifier.session.Outcome;
import io.switchover.notifier.session.PingReply;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PingTest {
    @Test
    void ping_overBothConnections_answersWithPrimaryStateAndGeneration() throws Exception {
        try (TestPair pair = new TestPair().connect()) {
            for (ConnectionKind kind : ConnectionKind.values()) {
                Outcome<PingReply> outcome = pair.client.ping(kind, Duration.ofSeconds(2)).get();
                assertThat(outcome).isInstanceOf(Outcome.Success.class);
                assertThat(((Outcome.Success<PingReply>) outcome).value())
                        .isEqualTo(new PingReply("PRIMARY", 7));
            }
            assertThat(pair.clientMain().peer().nodeId()).isEqualTo("node-a");
            assertThat(pair.serverMain().peer().nodeId()).isEqualTo("node-b");
            assertThat(pair.serverMain().peer().state()).isEqualTo("BACKUP");
        }
    }
}
