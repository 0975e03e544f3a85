package io.switchover.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchover.daemon.snmp.AuthProtocol;
import io.switchover.daemon.snmp.PrivProtocol;
import io.switchover.daemon.snmp.SnmpReceiver;
import io.switchover.daemon.snmp.SnmpSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code snmp} section: receivers, their secrets' files and the rules between keys. */
class SnmpConfigTest {

    @TempDir Path dir;

    @BeforeEach
    void secrets() {
        secret("community", "community-of-the-pair\n");
        secret("auth", "auth-passphrase\n");
        secret("priv", "priv-passphrase\n");
    }

    private Path secret(String name, String text) {
        try {
            Path file = dir.resolve(name);
            Files.writeString(file, text, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static TestYaml snmp(String value) {
        return TestYaml.minimal().with("snmp", value);
    }

    @Test
    void load_withoutSnmp_noReceivers() {
        SnmpSettings snmp = TestYaml.minimal().valid(dir).snmp();

        assertThat(snmp.enabled()).isFalse();
        assertThat(snmp.queueSize()).isEqualTo(1000);
    }

    @Test
    void load_v2cAndV3Receivers_builtWithDefaults() {
        SnmpSettings snmp =
                snmp("{engine-id: '0x80007ed90401020304', queue-size: 50, receivers: ["
                                + "{address: '10.0.0.9:162', version: v2c, community-file: community},"
                                + " {address: 'nms.example:10162', version: v3, user: switchover,"
                                + " auth-passphrase-file: auth, priv-passphrase-file: priv}]}")
                        .valid(dir)
                        .snmp();

        assertThat(snmp.engineId().orElseThrow().hex()).isEqualTo("0x80007ed90401020304");
        assertThat(snmp.queueSize()).isEqualTo(50);
        assertThat(snmp.receivers()).hasSize(2);
        SnmpReceiver.V2c v2c = (SnmpReceiver.V2c) snmp.receivers().get(0);
        assertThat(v2c.name()).isEqualTo("10.0.0.9:162");
        assertThat(new String(v2c.community().bytes(), StandardCharsets.UTF_8))
                .isEqualTo("community-of-the-pair");
        SnmpReceiver.V3 v3 = (SnmpReceiver.V3) snmp.receivers().get(1);
        assertThat(v3.name()).isEqualTo("nms.example:10162");
        assertThat(v3.user()).isEqualTo("switchover");
        assertThat(v3.auth()).isEqualTo(AuthProtocol.SHA_256);
        assertThat(v3.priv()).isEqualTo(PrivProtocol.AES_128);
        assertThat(v3.privPassphrase()).isPresent();
    }

    @Test
    void load_v3AuthNoPriv_noPrivacyPassphraseNeeded() {
        SnmpSettings snmp =
                snmp("{receivers: [{address: '10.0.0.9:162', version: v3, user: u1,"
                                + " auth-protocol: sha-512, auth-passphrase-file: auth,"
                                + " priv-protocol: none}]}")
                        .valid(dir)
                        .snmp();

        SnmpReceiver.V3 v3 = (SnmpReceiver.V3) snmp.receivers().get(0);
        assertThat(v3.auth()).isEqualTo(AuthProtocol.SHA_512);
        assertThat(v3.priv()).isEqualTo(PrivProtocol.NONE);
        assertThat(v3.privPassphrase()).isEmpty();
    }

    @Test
    void load_receiverWithoutVersion_reportedWithTheChoices() {
        ConfigProblem problem =
                snmp("{receivers: [{address: '10.0.0.9:162', community-file: community}]}")
                        .problemAt(dir, "snmp.receivers[0].version");

        assertThat(problem.render()).isEqualTo("snmp.receivers[0].version: is required: v2c or v3");
    }

    @Test
    void load_groupReadableSecret_reportedAsNotOwnerOnly() throws Exception {
        Path community = dir.resolve("community");
        Files.setPosixFilePermissions(community, PosixFilePermissions.fromString("rw-r-----"));

        ConfigProblem problem =
                snmp("{receivers: [{address: '10.0.0.9:162', version: v2c,"
                                + " community-file: community}]}")
                        .problemAt(dir, "snmp.receivers[0].community-file");

        assertThat(problem.render())
                .isEqualTo(
                        "snmp.receivers[0].community-file: \"community\" may be read by others"
                                + " than its owner (mode rw-r-----); a secret file must be"
                                + " owner-only (chmod 600): "
                                + community);
    }

    @Test
    void load_shortPassphrase_reportedWithTheMinimum() {
        Path auth = secret("auth", "1234567\n");

        ConfigProblem problem =
                snmp("{receivers: [{address: '10.0.0.9:162', version: v3, user: u1,"
                                + " auth-passphrase-file: auth, priv-passphrase-file: priv}]}")
                        .problemAt(dir, "snmp.receivers[0].auth-passphrase-file");

        assertThat(problem.render())
                .isEqualTo(
                        "snmp.receivers[0].auth-passphrase-file: \"auth\" holds 7 bytes (without a"
                                + " trailing newline); an SNMP secret needs at least 8: "
                                + auth);
    }

    @Test
    void load_missingSecretFile_reportedWithTheResolvedPath() {
        ConfigProblem problem =
                snmp("{receivers: [{address: '10.0.0.9:162', version: v2c,"
                                + " community-file: snmp/none}]}")
                        .problemAt(dir, "snmp.receivers[0].community-file");

        assertThat(problem.message()).isEqualTo("does not exist: " + dir.resolve("snmp/none"));
    }

    @Test
    void load_v3KeysOnAV2cReceiver_reported() {
        ConfigProblem problem =
                snmp("{receivers: [{address: '10.0.0.9:162', version: v2c,"
                                + " community-file: community, user: u1}]}")
                        .problemAt(dir, "snmp.receivers[0].user");

        assertThat(problem.message()).isEqualTo("applies only to version v3; this receiver is v2c");
    }

    @Test
    void load_v3WithoutUserOrPrivacyPassphrase_bothReported() {
        TestYaml yaml =
                snmp(
                        "{receivers: [{address: '10.0.0.9:162', version: v3,"
                                + " auth-passphrase-file: auth}]}");

        assertThat(yaml.problemAt(dir, "snmp.receivers[0].user").message())
                .startsWith("is required for version v3");
        assertThat(yaml.problemAt(dir, "snmp.receivers[0].priv-passphrase-file").message())
                .isEqualTo("is required for priv-protocol aes-128 (or priv-protocol: none)");
    }

    @Test
    void load_unknownAuthProtocol_reportedWithTheChoices() {
        ConfigProblem problem =
                snmp("{receivers: [{address: '10.0.0.9:162', version: v3, user: u1,"
                                + " auth-protocol: md5, auth-passphrase-file: auth,"
                                + " priv-passphrase-file: priv}]}")
                        .problemAt(dir, "snmp.receivers[0].auth-protocol");

        assertThat(problem.message())
                .startsWith("must be one of sha, sha-224, sha-256, sha-384, sha-512");
    }

    @Test
    void load_sameAddressTwice_reportedOnTheLaterEntry() {
        ConfigProblem problem =
                snmp("{receivers: ["
                                + "{address: '10.0.0.9:162', version: v2c, community-file: community},"
                                + " {address: '10.0.0.9:162', version: v3, user: u1,"
                                + " auth-passphrase-file: auth, priv-passphrase-file: priv}]}")
                        .problemAt(dir, "snmp.receivers[1].address");

        assertThat(problem.message())
                .isEqualTo("is also listed at snmp.receivers[0]; list it once");
    }

    @Test
    void load_oneUserWithTwoPassphrases_reported() {
        secret("auth2", "another-passphrase\n");

        ConfigProblem problem =
                snmp("{receivers: ["
                                + "{address: '10.0.0.9:162', version: v3, user: u1,"
                                + " auth-passphrase-file: auth, priv-passphrase-file: priv},"
                                + " {address: '10.0.0.10:162', version: v3, user: u1,"
                                + " auth-passphrase-file: auth2, priv-passphrase-file: priv}]}")
                        .problemAt(dir, "snmp.receivers[1].user");

        assertThat(problem.message()).startsWith("is also the user of snmp.receivers[0]");
    }

    @Test
    void load_queueSizeAndEngineIdOutOfRange_reported() {
        TestYaml yaml = snmp("{engine-id: '0x8000', queue-size: 0}");

        assertThat(yaml.problemAt(dir, "snmp.queue-size").message())
                .isEqualTo("must be between 1 and 100000");
        assertThat(yaml.problemAt(dir, "snmp.engine-id").message())
                .startsWith("must be 5 to 32 octets in hexadecimal");
    }

    @Test
    void load_unknownReceiverKey_suggestsTheKnownOne() {
        ConfigProblem problem =
                snmp(
                                "{receivers: [{address: '10.0.0.9:162', version: v2c,"
                                        + " community_file: community}]}")
                        .problems(dir)
                        .stream()
                        .filter(p -> p.path().equals("snmp.receivers[0].community_file"))
                        .findFirst()
                        .orElseThrow();

        assertThat(problem.message()).contains("did you mean 'community-file'");
        assertThat(Optional.of(problem)).isPresent();
    }
}
