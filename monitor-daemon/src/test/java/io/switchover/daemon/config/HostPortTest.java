package io.switchover.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HostPortTest {

    @ParameterizedTest
    @CsvSource({
        "127.0.0.1:7400, 127.0.0.1, 7400",
        "0.0.0.0:1, 0.0.0.0, 1",
        "node-b.example.com:65535, node-b.example.com, 65535",
        "localhost:80, localhost, 80",
        "db_1:5432, db_1, 5432",
        "[::1]:7400, ::1, 7400",
        "[fe80::1%eth0]:7400, fe80::1%eth0, 7400",
        "[::ffff:10.0.0.1]:22, ::ffff:10.0.0.1, 22"
    })
    void parse_validForms_hostAndPort(String text, String host, int port) {
        HostPort parsed = HostPort.parse(text);

        assertThat(parsed).isEqualTo(new HostPort(host, port));
        assertThat(HostPort.parse(parsed.toString())).isEqualTo(parsed);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "127.0.0.1 | has no port: must be host:port, e.g. 127.0.0.1:7400 or [::1]:7400",
                "127.0.0.1: | has a port that is not a number from 1 to 65535",
                "127.0.0.1:0 | has port 0: must be between 1 and 65535",
                "127.0.0.1:65536 | has port 65536: must be between 1 and 65535",
                "127.0.0.1:http | has a port that is not a number from 1 to 65535",
                ":7400 | has no host",
                "::1:7400 | is ambiguous: write an IPv6 address in brackets, e.g. [::1]:7400",
                "[::1]7400 | must be host:port, e.g. 127.0.0.1:7400 or [::1]:7400",
                "[::1 | must be host:port, e.g. 127.0.0.1:7400 or [::1]:7400",
                "[::g]:1 | is not a valid IPv6 address",
                "10.0.0.300:22 | is not a valid IPv4 address",
                "bad host:22 | is not a valid host name or IP address",
                "-dash.example:22 | is not a valid host name or IP address",
                "a..b:22 | is not a valid host name or IP address"
            })
    void parse_invalidForms_rejectedWithTheReason(String text, String message) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> HostPort.parse(text))
                .withMessage(message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.1.2.3", "localhost", "LOCALHOST", "::1"})
    void isLoopback_loopbackHosts_true(String host) {
        assertThat(new HostPort(host, 1).isLoopback()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.1", "0.0.0.0", "::", "node-a", "localhost.example"})
    void isLoopback_otherHosts_false(String host) {
        assertThat(new HostPort(host, 1).isLoopback()).isFalse();
    }

    @Test
    void isWildcard_anyAddress_true() {
        assertThat(new HostPort("0.0.0.0", 1).isWildcard()).isTrue();
        assertThat(new HostPort("::", 1).isWildcard()).isTrue();
        assertThat(new HostPort("127.0.0.1", 1).isWildcard()).isFalse();
    }

    @Test
    void overlaps_samePortOnCoveringHosts_true() {
        HostPort wildcard = new HostPort("0.0.0.0", 7400);

        assertThat(wildcard.overlaps(new HostPort("10.0.0.1", 7400))).isTrue();
        assertThat(new HostPort("localhost", 7400).overlaps(new HostPort("127.0.0.1", 7400)))
                .isTrue();
        assertThat(new HostPort("node-a", 7400).overlaps(new HostPort("NODE-A", 7400))).isTrue();
    }

    @Test
    void overlaps_differentPortOrDistinctHosts_false() {
        assertThat(new HostPort("0.0.0.0", 7400).overlaps(new HostPort("0.0.0.0", 7401))).isFalse();
        assertThat(new HostPort("10.0.0.1", 7400).overlaps(new HostPort("127.0.0.1", 7400)))
                .isFalse();
    }

    @Test
    void toString_ipv6_bracketed() {
        assertThat(new HostPort("::1", 7400)).hasToString("[::1]:7400");
        assertThat(new HostPort("10.0.0.1", 7400)).hasToString("10.0.0.1:7400");
    }
}
