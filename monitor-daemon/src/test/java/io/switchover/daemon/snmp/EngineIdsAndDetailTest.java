package io.switchover.daemon.snmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Engine IDs (derived and configured) and the cut of a long reason detail. */
class EngineIdsAndDetailTest {

    @Test
    void derive_shortNames_textFormatUnderTheDocumentationPen() {
        assertThat(EngineIds.derive("mypair", "node-a").hex())
                .isEqualTo("0x80007ed9046d79706169722f6e6f64652d61");
    }

    @Test
    void derive_longNames_hashFormatOf32Octets_differentPerNode() {
        String cluster = "a-rather-long-cluster-name-for-billing";
        byte[] a = EngineIds.derive(cluster, "node-a").octets();
        byte[] b = EngineIds.derive(cluster, "node-b").octets();

        assertThat(a).hasSize(32).startsWith(0x80, 0x00, 0x7e, 0xd9, 0x05);
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void parse_hexWithOrWithout0x_accepted() {
        assertThat(EngineIds.parse("0x8000000001").hex()).isEqualTo("0x8000000001");
        assertThat(EngineIds.parse("80000000010203").octets()).hasSize(7);
    }

    @Test
    void parse_tooShortOddOrNotHex_rejectedWithTheRule() {
        for (String bad :
                new String[] {"0x80000001", "0x800000000", "0x80000000zz", "x".repeat(66)}) {
            assertThatThrownBy(() -> EngineIds.parse(bad))
                    .as(bad)
                    .hasMessageStartingWith("must be 5 to 32 octets in hexadecimal");
        }
    }

    @Test
    void detail_upTo255Octets_keptWhole() {
        String s = "x".repeat(255);

        assertThat(Traps.detail(s).getValue()).isEqualTo(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void detail_longer_cutOnACharacterBoundaryWithEllipsis() {
        // 'é' is two octets in UTF-8: 200 of them cannot be cut in the middle of one.
        String s = "é".repeat(200);

        byte[] cut = Traps.detail(s).getValue();

        assertThat(cut.length).isLessThanOrEqualTo(255);
        String decoded = new String(cut, StandardCharsets.UTF_8);
        assertThat(decoded).endsWith("...").doesNotContain("\uFFFD");
        assertThat(decoded).isEqualTo("é".repeat(126) + "...");
    }
}
