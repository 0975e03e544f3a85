package io.switchover.daemon.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProbeTargetTest {

    @Test
    void parse_ipv4_plainTarget() {
        assertThat(ProbeTarget.parse(" 10.0.0.1 ")).isEqualTo(new ProbeTarget.Plain("10.0.0.1"));
    }

    @Test
    void parse_hostName_keptAsNameForResolutionAtProbeTime() {
        ProbeTarget target = ProbeTarget.parse("db1.example.com");
        assertThat(target).isEqualTo(new ProbeTarget.Plain("db1.example.com"));
        assertThat(target.text()).isEqualTo("db1.example.com");
    }

    @Test
    void parse_ipv6WithAndWithoutBracketsOrZone_plainTarget() {
        assertThat(ProbeTarget.parse("fd00::1")).isEqualTo(new ProbeTarget.Plain("fd00::1"));
        assertThat(ProbeTarget.parse("[fd00::1]")).isEqualTo(new ProbeTarget.Plain("fd00::1"));
        assertThat(ProbeTarget.parse("fe80::211:22ff:fe33:4455%eth0").host())
                .isEqualTo("fe80::211:22ff:fe33:4455%eth0");
        assertThat(ProbeTarget.parse("::1")).isEqualTo(new ProbeTarget.Plain("::1"));
    }

    @Test
    void parse_tcpPrefix_tcpTargetWithPort() {
        assertThat(ProbeTarget.parse("tcp:10.0.0.1:22"))
                .isEqualTo(new ProbeTarget.Tcp("10.0.0.1", 22));
        assertThat(ProbeTarget.parse("TCP:gw.example.com:443"))
                .isEqualTo(new ProbeTarget.Tcp("gw.example.com", 443));
        assertThat(ProbeTarget.parse("tcp:[fd00::1]:22"))
                .isEqualTo(new ProbeTarget.Tcp("fd00::1", 22));
    }

    @Test
    void text_roundTripsThroughParse() {
        for (String text :
                new String[] {"10.0.0.1", "fd00::1", "tcp:10.0.0.1:22", "tcp:[fd00::1]:7", "a.b"}) {
            assertThat(ProbeTarget.parse(ProbeTarget.parse(text).text()))
                    .isEqualTo(ProbeTarget.parse(text));
        }
        assertThat(ProbeTarget.parse("tcp:[fd00::1]:22").text()).isEqualTo("tcp:[fd00::1]:22");
    }

    @Test
    void parse_hostColonPort_errorSuggestsTcpPrefix() {
        assertThatThrownBy(() -> ProbeTarget.parse("10.0.0.1:22"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'10.0.0.1:22' looks like HOST:PORT")
                .hasMessageContaining("tcp:10.0.0.1:22");
    }

    @Test
    void parse_unknownPrefix_errorNamesIt() {
        assertThatThrownBy(() -> ProbeTarget.parse("udp:10.0.0.1:53"))
                .hasMessageContaining("unknown probe type 'udp'")
                .hasMessageContaining("tcp:HOST:PORT");
        assertThatThrownBy(() -> ProbeTarget.parse("icmp:host"))
                .hasMessageContaining("unknown probe type 'icmp'");
    }

    @Test
    void parse_tcpWithoutPort_errorShowsTheForm() {
        assertThatThrownBy(() -> ProbeTarget.parse("tcp:db1"))
                .hasMessageContaining("'tcp:db1' has no port")
                .hasMessageContaining("tcp:db1:22");
    }

    @Test
    void parse_tcpIpv6WithoutBrackets_errorAsksForBrackets() {
        assertThatThrownBy(() -> ProbeTarget.parse("tcp:fd00::1:22"))
                .hasMessageContaining("in brackets")
                .hasMessageContaining("tcp:[fd00::1]:22");
    }

    @Test
    void parse_badPorts_errorsNameThePort() {
        assertThatThrownBy(() -> ProbeTarget.parse("tcp:h:0"))
                .hasMessageContaining("port 0 is outside");
        assertThatThrownBy(() -> ProbeTarget.parse("tcp:h:65536"))
                .hasMessageContaining("port 65536 is outside");
        assertThatThrownBy(() -> ProbeTarget.parse("tcp:h:ssh"))
                .hasMessageContaining("port 'ssh' is not a number");
        assertThatThrownBy(() -> ProbeTarget.parse("tcp::22")).hasMessageContaining("has no host");
    }

    @Test
    void parse_badAddresses_errorsSayWhatIsWrong() {
        assertThatThrownBy(() -> ProbeTarget.parse(""))
                .hasMessageContaining("probe target is empty");
        assertThatThrownBy(() -> ProbeTarget.parse("256.1.1.1"))
                .hasMessageContaining("'256.1.1.1' is not an IPv4 address");
        assertThatThrownBy(() -> ProbeTarget.parse("10.0.1"))
                .hasMessageContaining("is not an IPv4 address");
        assertThatThrownBy(() -> ProbeTarget.parse("fd00:::1:2:3:4:5:6:7"))
                .hasMessageContaining("is not an IPv6 address");
        assertThatThrownBy(() -> ProbeTarget.parse("fe80::1%"))
                .hasMessageContaining("is not an interface name");
        assertThatThrownBy(() -> ProbeTarget.parse("bad host!"))
                .hasMessageContaining("is not a valid host name");
        assertThatThrownBy(() -> ProbeTarget.parse("-bad.example.com"))
                .hasMessageContaining("is not a valid host name");
    }
}
