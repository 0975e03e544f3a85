package io.switchover.daemon.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProbePlanTest {
    private static final IcmpPrivilege PRIVILEGED = new IcmpPrivilege(true, "test: privileged");
    private static final IcmpPrivilege UNPRIVILEGED =
            new IcmpPrivilege(false, "no CAP_NET_RAW in the effective capabilities");

    @Test
    void resolve_autoWithPrivilege_icmpEcho() {
        ProbePlan plan = ProbePlan.resolve(ProbeMode.AUTO, PRIVILEGED, 22);
        assertThat(plan.method()).isEqualTo(ProbePlan.Method.ICMP_ECHO);
        assertThat(plan.icmpUnavailable()).isFalse();
        assertThat(plan.startupMessage()).startsWith("probing plain addresses with ICMP echo");
    }

    @Test
    void resolve_autoWithoutPrivilege_tcpConnectAndTheStartupMessageSaysSo() {
        ProbePlan plan = ProbePlan.resolve(ProbeMode.AUTO, UNPRIVILEGED, 22);
        assertThat(plan.method()).isEqualTo(ProbePlan.Method.TCP_CONNECT);
        assertThat(plan.icmpUnavailable()).isTrue();
        assertThat(plan.startupMessage())
                .startsWith(
                        "not privileged for ICMP echo: probing plain addresses with TCP connect"
                                + " to port 22")
                .contains("no CAP_NET_RAW");
        assertThat(plan.describePlain()).isEqualTo("TCP connect to port 22");
    }

    @Test
    void resolve_icmpWithoutPrivilege_startupErrorWithTheWayOut() {
        assertThatThrownBy(() -> ProbePlan.resolve(ProbeMode.ICMP, UNPRIVILEGED, 22))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not privileged for ICMP echo")
                .hasMessageContaining("CAP_NET_RAW")
                .hasMessageContaining("auto or tcp");
    }

    @Test
    void resolve_icmpWithPrivilege_icmpEcho() {
        assertThat(ProbePlan.resolve(ProbeMode.ICMP, PRIVILEGED, 22).method())
                .isEqualTo(ProbePlan.Method.ICMP_ECHO);
    }

    @Test
    void resolve_tcpEvenWithPrivilege_tcpConnectToTheConfiguredPort() {
        ProbePlan plan = ProbePlan.resolve(ProbeMode.TCP, PRIVILEGED, 443);
        assertThat(plan.method()).isEqualTo(ProbePlan.Method.TCP_CONNECT);
        assertThat(plan.icmpUnavailable()).isFalse();
        assertThat(plan.startupMessage()).contains("TCP connect to port 443");
    }

    @Test
    void resolve_portOutOfRange_rejected() {
        assertThatThrownBy(() -> ProbePlan.resolve(ProbeMode.TCP, PRIVILEGED, 0))
                .hasMessageContaining("port 0 is outside");
    }

    @Test
    void parse_modeNames_caseInsensitiveAndUnknownRejected() {
        assertThat(ProbeMode.parse("Auto")).isEqualTo(ProbeMode.AUTO);
        assertThat(ProbeMode.parse("tcp")).isEqualTo(ProbeMode.TCP);
        assertThatThrownBy(() -> ProbeMode.parse("ping"))
                .hasMessage("probe mode 'ping' is not one of auto, icmp, tcp");
    }
}
