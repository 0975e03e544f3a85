package io.switchover.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProbeTargetTest {

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.1", "gw.example", "fe80::1", "::1", "abc::1"})
    void parse_plainAddress_address(String text) {
        ProbeTarget target = ProbeTarget.parse(text);

        assertThat(target).isEqualTo(new ProbeTarget.Address(text));
        assertThat(target.host()).isEqualTo(text);
        assertThat(target).hasToString(text);
    }

    @Test
    void parse_tcpForm_tcpConnect() {
        ProbeTarget target = ProbeTarget.parse("tcp:10.0.0.2:22");

        assertThat(target).isEqualTo(new ProbeTarget.TcpConnect(new HostPort("10.0.0.2", 22)));
        assertThat(target.host()).isEqualTo("10.0.0.2");
        assertThat(target).hasToString("tcp:10.0.0.2:22");
    }

    @Test
    void parse_tcpFormWithIpv6_tcpConnect() {
        assertThat(ProbeTarget.parse("tcp:[::1]:22"))
                .isEqualTo(new ProbeTarget.TcpConnect(new HostPort("::1", 22)));
    }

    @Test
    void parse_tcpWithoutPort_rejectedWithTheForm() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ProbeTarget.parse("tcp:10.0.0.2"))
                .withMessage(
                        "has no port: must be host:port, e.g. 127.0.0.1:7400 or [::1]:7400 (a TCP"
                                + " probe is written tcp:host:port)");
    }

    @Test
    void parse_unknownType_rejected() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ProbeTarget.parse("icmp:10.0.0.2"))
                .withMessage(
                        "has an unknown probe type 'icmp:': must be a host name, an IP address or"
                                + " tcp:host:port");
    }

    @Test
    void parse_badAddress_rejectedWithTheForms() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ProbeTarget.parse("10.0.0.256"))
                .withMessage(
                        "is not a valid IPv4 address: must be a host name, an IP address or"
                                + " tcp:host:port");
    }
}
