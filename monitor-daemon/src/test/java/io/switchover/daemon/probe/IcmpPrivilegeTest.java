package io.switchover.daemon.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class IcmpPrivilegeTest {

    @Test
    void detect_rootWithNetRaw_granted() throws Exception {
        assertThat(IcmpPrivilege.detect(fixture("root-with-net-raw")).granted()).isTrue();
    }

    @Test
    void detect_userWithoutCapabilities_notGrantedAndSaysWhy() throws Exception {
        IcmpPrivilege privilege = IcmpPrivilege.detect(fixture("user-without-caps"));
        assertThat(privilege.granted()).isFalse();
        assertThat(privilege.basis()).contains("no CAP_NET_RAW");
    }

    @Test
    void detect_serviceUserWithAmbientNetRaw_granted() throws Exception {
        assertThat(IcmpPrivilege.detect(fixture("user-with-ambient-net-raw")).granted()).isTrue();
    }

    @Test
    void detect_containerRootWithoutNetRaw_notGrantedDespiteUidZero() throws Exception {
        assertThat(IcmpPrivilege.detect(fixture("root-in-container-without-net-raw")).granted())
                .isFalse();
    }

    @Test
    void detect_noCapabilityLines_effectiveUidDecides() throws Exception {
        IcmpPrivilege privilege = IcmpPrivilege.detect(fixture("root-without-capability-lines"));
        assertThat(privilege.granted()).isTrue();
        assertThat(privilege.basis()).contains("effective uid 0");
    }

    @Test
    void detect_unreadableFile_notGranted() {
        IcmpPrivilege privilege = IcmpPrivilege.detect(Path.of("/nonexistent/status"));
        assertThat(privilege.granted()).isFalse();
        assertThat(privilege.basis()).contains("cannot read /nonexistent/status");
    }

    @Test
    void detect_thisProcess_answersWithoutFailing() {
        assertThat(IcmpPrivilege.detect().basis()).isNotBlank();
    }

    static Path fixture(String name) throws URISyntaxException {
        return Path.of(IcmpPrivilegeTest.class.getResource("/status/" + name).toURI());
    }
}
