package io.switchover.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.switchover.core.config.CoreConfig;
import io.switchover.core.mirror.DirectorySpec;
import io.switchover.core.mirror.DirectorySpec.Mode;
import io.switchover.daemon.hooks.HookEvent;
import io.switchover.daemon.hooks.HookRole;
import io.switchover.daemon.probe.ProbeMode;
import io.switchover.daemon.snmp.SnmpReceiver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The configurations shipped in {@code config/}: the production pair's examples and the demo.
 *
 * <p>The production examples name files under {@code /etc/switchover}, which a test machine does
 * not have. Rather than give the loader a test-only root for its file checks, the test installs the
 * example the way an operator would, into a temporary directory: it rewrites the {@code
 * /etc/switchover} prefix and creates every file the example names there (hooks executable). So the
 * loader runs unchanged, and the test also proves that the files listed at the top of the example
 * are all an installation needs.
 */
class ExampleConfigsTest {

    private static final Path EXAMPLES = RepositoryFiles.root().resolve("config/examples");
    private static final Path DEMO = RepositoryFiles.root().resolve("config/demo");
    private static final String ETC = "/etc/switchover/";

    @TempDir Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"node-a.yaml", "node-b.yaml"})
    void load_productionExampleInstalled_noProblems(String name) throws IOException {
        ConfigResult result = ConfigLoader.load(install(EXAMPLES.resolve(name)));

        assertThat(result.problems()).isEmpty();
        DaemonConfig config = result.orElseThrow();
        assertThat(config.cluster()).isEqualTo("billing");
        assertThat(config.notifier().tls()).isPresent();
        assertThat(config.module().check()).isInstanceOf(ModuleCheck.Http.class);
        assertThat(config.core().netTestAddresses())
                .containsExactly("10.20.0.1", "tcp:10.20.0.53:53");
        assertThat(config.core().waitsForUnreachablePrimary()).isTrue();
        assertThat(config.hooks().scripts(HookEvent.ENTER, HookRole.PRIMARY))
                .extracting(p -> p.getFileName().toString())
                .containsExactly("vip.sh", "service.sh");
        assertThat(config.hooks().scripts(HookEvent.LEAVE, HookRole.PRIMARY))
                .extracting(p -> p.getFileName().toString())
                .containsExactly("service.sh", "vip.sh");
        assertThat(config.node().dataDir()).isEqualTo(Path.of("/var/lib/switchover"));
        assertThat(config.mirror().directories())
                .extracting(DirectorySpec::mode, DirectorySpec::source)
                .containsExactly(
                        tuple(Mode.INITIAL, "/etc/billing-api/tls"),
                        tuple(Mode.INITIAL, "/srv/billing-api/tables"),
                        tuple(Mode.CONTINUOUS, "/srv/billing-api/handlers"),
                        tuple(Mode.CONTINUOUS, "/srv/billing-api/resources"));
    }

    /** The commented-out snmp section of the examples, turned on as its comment says, loads. */
    @ParameterizedTest
    @ValueSource(strings = {"node-a.yaml", "node-b.yaml"})
    void load_productionExampleWithSnmpUncommented_twoReceivers(String name) throws IOException {
        List<String> lines = new ArrayList<>();
        boolean inSnmp = false;
        for (String line : Files.readAllLines(EXAMPLES.resolve(name))) {
            inSnmp = line.equals("#snmp:") || (inSnmp && line.startsWith("#  "));
            lines.add(inSnmp ? line.substring(1) : line);
        }
        Path uncommented = Files.createDirectories(dir.resolve("uncommented")).resolve(name);
        Files.write(uncommented, lines);
        Path config = install(uncommented);
        try (var files = Files.list(dir.resolve("etc/switchover/snmp"))) {
            for (Path f : files.toList()) {
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
            }
        }

        ConfigResult result = ConfigLoader.load(config);

        assertThat(result.problems()).isEmpty();
        assertThat(result.orElseThrow().snmp().receivers())
                .extracting(SnmpReceiver::name, SnmpReceiver::version)
                .containsExactly(tuple("10.20.0.40:162", "v3"), tuple("10.20.0.41:162", "v2c"));
    }

    @Test
    void load_productionExampleAsShipped_onlyTheInstalledFilesAreMissing() {
        assumeFalse(Files.exists(Path.of(ETC)), "this machine has a real /etc/switchover");

        List<ConfigProblem> problems =
                ConfigLoader.load(EXAMPLES.resolve("node-a.yaml")).problems();

        assertThat(problems)
                .isNotEmpty()
                .allSatisfy(p -> assertThat(p.message()).startsWith("does not exist: " + ETC));
    }

    @Test
    void load_productionPair_mirrorsEachOther() throws IOException {
        DaemonConfig a = ConfigLoader.load(install(EXAMPLES.resolve("node-a.yaml"))).orElseThrow();
        DaemonConfig b = ConfigLoader.load(install(EXAMPLES.resolve("node-b.yaml"))).orElseThrow();

        assertMirrored(a, b);
        assertThat(a.notifier().listen().host()).isEqualTo(b.core().peerHost());
        assertThat(b.notifier().listen().host()).isEqualTo(a.core().peerHost());
    }

    @ParameterizedTest
    @ValueSource(strings = {"node-a.yaml", "node-b.yaml"})
    void load_demoNode_noProblems(String name) {
        ConfigResult result = ConfigLoader.load(DEMO.resolve(name));

        assertThat(result.problems()).isEmpty();
        DaemonConfig config = result.orElseThrow();
        assertThat(config.cluster()).isEqualTo("demo");
        assertThat(config.core().peerHost()).isEqualTo("127.0.0.1");
        assertThat(config.probe().mode()).isEqualTo(ProbeMode.TCP);
        assertThat(config.core().pingDelay()).isLessThan(CoreConfig.DEFAULT_PING_DELAY);
        assertThat(config.notifier().secret().orElseThrow().file())
                .isEqualTo(DEMO.resolve("secret").toAbsolutePath().normalize());
        assertThat(config.node().dataDir())
                .isEqualTo(
                        DEMO.resolve("data").resolve(config.nodeId()).toAbsolutePath().normalize());
        assertThat(config.module().check()).isInstanceOf(ModuleCheck.Tcp.class);
    }

    @Test
    void load_demoPair_mirrorsEachOtherOnDistinctPorts() {
        DaemonConfig a = ConfigLoader.load(DEMO.resolve("node-a.yaml")).orElseThrow();
        DaemonConfig b = ConfigLoader.load(DEMO.resolve("node-b.yaml")).orElseThrow();

        assertMirrored(a, b);
        List<Integer> ports =
                List.of(
                        a.notifier().listen().port(),
                        a.admin().listen().port(),
                        b.notifier().listen().port(),
                        b.admin().listen().port());
        assertThat(ports).doesNotHaveDuplicates();
        assertThat(a.node().dataDir()).isNotEqualTo(b.node().dataDir());
        assertThat(a.logging().dir()).isNotEqualTo(b.logging().dir());
    }

    /** Same pair, same timings; ids, priorities and notifier addresses crossed over. */
    private static void assertMirrored(DaemonConfig a, DaemonConfig b) {
        assertThat(a.cluster()).isEqualTo(b.cluster());
        assertThat(a.nodeId()).isEqualTo(b.peer().id());
        assertThat(b.nodeId()).isEqualTo(a.peer().id());
        assertThat(a.core().tieBreakRank()).isNotEqualTo(b.core().tieBreakRank());
        assertThat(a.peer().notifierPort()).isEqualTo(b.notifier().listen().port());
        assertThat(b.peer().notifierPort()).isEqualTo(a.notifier().listen().port());
        CoreConfig sameNode =
                b.core().toBuilder()
                        .nodeId(a.nodeId())
                        .peerHost(a.core().peerHost())
                        .tieBreakRank(a.core().tieBreakRank())
                        .build();
        assertThat(a.core()).isEqualTo(sameNode);
        assertThat(a.module().name()).isEqualTo(b.module().name());
        assertThat(a.probe().mode()).isEqualTo(b.probe().mode());
        assertThat(a.mirror()).isEqualTo(b.mirror());
    }

    /**
     * Copies an example into the temporary directory with {@code /etc/switchover/} moved there, and
     * creates every file it names under that prefix.
     */
    private Path install(Path example) throws IOException {
        Path etc = dir.resolve("etc/switchover");
        String text = Files.readString(example).replace(ETC, etc + "/");
        Matcher named =
                Pattern.compile(Pattern.quote(etc.toString()) + "/[^\\s,\\]]+").matcher(text);
        while (named.find()) {
            Path file = Path.of(named.group());
            if (Files.exists(file)) {
                continue;
            }
            if (file.toString().contains("/hooks/")) {
                TestYaml.executable(file);
            } else {
                Files.createDirectories(file.getParent());
                Files.writeString(file, TestYaml.SECRET);
            }
        }
        return Files.writeString(dir.resolve(example.getFileName()), text);
    }
}
