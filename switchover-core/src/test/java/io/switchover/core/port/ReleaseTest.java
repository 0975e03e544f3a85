package io.switchover.core.port;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ReleaseTest {

    @ParameterizedTest
    @CsvSource({
        "2.4.1, 2.4.1, 0",
        "2.4, 2.4.0, 0",
        "2.4.1-SNAPSHOT, 2.4.1, 0",
        "2.10, 2.9, 1",
        "1.9.9, 2.0, -1",
        "3, 2.99.99, 1",
    })
    void compareTo_dottedSegments_numericOrder(String left, String right, int expectedSign) {
        assertThat(Integer.signum(Release.parse(left).compareTo(Release.parse(right))))
                .isEqualTo(expectedSign);
        assertThat(Release.parse(left).sameAs(Release.parse(right))).isEqualTo(expectedSign == 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "2..1", "v2", "2.x", ".1", "99999999999"})
    void parse_notARelease_throwsNamingTheText(String text) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Release.parse(text))
                .withMessageContaining("'" + text + "'");
    }

    @org.junit.jupiter.api.Test
    void toString_parsed_printsSegments() {
        assertThat(Release.parse("2.4.1-rc1")).hasToString("2.4.1");
    }
}
