package io.switchover.daemon.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.URISyntaxException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class GatewaysTest {

    @Test
    void parseIpv4_kernelFixture_gatewaysOfUpRoutesDefaultsFirstWithoutDuplicates()
            throws Exception {
        List<String> gateways =
                Gateways.parseIpv4(
                        Files.readAllLines(fixture("route-ipv4")), ByteOrder.LITTLE_ENDIAN);
        // Excluded: routes without a gateway, a route that is not up, lo, a 0.0.0.0 gateway.
        assertThat(gateways)
                .containsExactly("192.168.0.1", "10.0.0.254", "10.0.0.254", "192.168.5.1");
    }

    @Test
    void parseIpv6_kernelFixture_linkLocalKeptWithZoneLoopbackAndDownRoutesExcluded()
            throws Exception {
        List<String> gateways = Gateways.parseIpv6(Files.readAllLines(fixture("route-ipv6")));
        assertThat(gateways)
                .containsExactly("fe80::211:22ff:fe33:4455%eth0", "fd00::1", "fd00::1", "fd00::1");
    }

    @Test
    void enumerate_bothFixtures_ipv4ThenIpv6Deduplicated() throws Exception {
        List<String> gateways =
                Gateways.enumerate(
                        fixture("route-ipv4"), fixture("route-ipv6"), ByteOrder.LITTLE_ENDIAN);
        assertThat(gateways)
                .containsExactly(
                        "192.168.0.1",
                        "10.0.0.254",
                        "192.168.5.1",
                        "fe80::211:22ff:fe33:4455%eth0",
                        "fd00::1");
    }

    @Test
    void enumerate_everyGateway_isAProbeTarget() throws Exception {
        for (String gateway :
                Gateways.enumerate(
                        fixture("route-ipv4"), fixture("route-ipv6"), ByteOrder.LITTLE_ENDIAN)) {
            assertThat(ProbeTarget.parse(gateway)).isInstanceOf(ProbeTarget.Plain.class);
        }
    }

    @Test
    void enumerate_missingFiles_noGateways() {
        assertThat(
                        Gateways.enumerate(
                                Path.of("/nonexistent/route"), Path.of("/nonexistent/ipv6_route")))
                .isEmpty();
    }

    @Test
    void enumerate_thisHost_noLoopbackOrEmptyEntries() throws Exception {
        for (String gateway : Gateways.enumerate()) {
            ProbeTarget target = ProbeTarget.parse(gateway);
            InetAddress address = InetAddress.getByName(target.host().replaceAll("%.*", ""));
            assertThat(address.isLoopbackAddress() || address.isAnyLocalAddress())
                    .as(gateway)
                    .isFalse();
        }
    }

    @Test
    void ipv6Text_compressesTheLongestZeroRun() {
        assertThat(Gateways.ipv6Text(bytes("fd000000000000000000000000000001")))
                .isEqualTo("fd00::1");
        assertThat(Gateways.ipv6Text(bytes("20010db8000000010000000000000001")))
                .isEqualTo("2001:db8:0:1::1");
        assertThat(Gateways.ipv6Text(bytes("20010db8000100010001000100010001")))
                .isEqualTo("2001:db8:1:1:1:1:1:1");
        assertThat(Gateways.ipv6Text(bytes("fd000000000000000000000000000000")))
                .isEqualTo("fd00::");
        assertThat(Gateways.ipv6Text(bytes("20010000000000010000000000000000")))
                .isEqualTo("2001:0:0:1::");
    }

    private static byte[] bytes(String hex) {
        byte[] b = new byte[16];
        for (int i = 0; i < 16; i++) {
            b[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }

    static Path fixture(String name) throws URISyntaxException {
        return Path.of(GatewaysTest.class.getResource("/routes/" + name).toURI());
    }
}
