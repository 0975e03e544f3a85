package io.switchover.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchover.core.mirror.DirectorySpec;
import io.switchover.core.mirror.DirectorySpec.Mode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code mirror} section's directories: the two lists, the short and the long form of an entry,
 * and the rules between entries and against the daemon's own directories. Ranges, the timing rule
 * and misspelt keys are with the other sections' in {@link RangesTest}, {@link CrossFieldRulesTest}
 * and {@link UnknownKeysTest}.
 */
class MirrorDirectoriesTest {

    @TempDir Path dir;

    @Test
    void load_noMirrorSection_nothingMirroredWithTheDefaultTimings() {
        DaemonConfig.Mirror mirror = TestYaml.minimal().valid(dir).mirror();

        assertThat(mirror).isEqualTo(DaemonConfig.Mirror.NONE);
        assertThat(mirror.directories()).isEmpty();
        assertThat(mirror.quietPeriod()).isEqualTo(Duration.ofMillis(20));
        assertThat(mirror.maxDelay()).isEqualTo(Duration.ofSeconds(1));
        assertThat(mirror.transfers()).isEqualTo(4);
    }

    @Test
    void load_fullSection_initialThenContinuousInFileOrder() {
        DaemonConfig.Mirror mirror =
                TestYaml.minimal()
                        .with(
                                "mirror",
                                String.join(
                                        "\n",
                                        "",
                                        "  continuous:",
                                        "    - +/srv/app/handlers",
                                        "    - path: /srv/app/resources",
                                        "      exclude: ['*.tmp']",
                                        "  quiet-period: 50ms",
                                        "  max-delay: 2s",
                                        "  transfers: 8",
                                        "  initial:",
                                        "    - +/etc/app/tls",
                                        "    - path: +/srv/app/tables",
                                        "      target: /srv/standby/tables",
                                        "      exclude: ['*.tmp', 'cache/**']"))
                        .valid(dir)
                        .mirror();

        assertThat(mirror.quietPeriod()).isEqualTo(Duration.ofMillis(50));
        assertThat(mirror.maxDelay()).isEqualTo(Duration.ofSeconds(2));
        assertThat(mirror.transfers()).isEqualTo(8);
        assertThat(mirror.directories())
                .containsExactly(
                        spec("+/etc/app/tls", Mode.INITIAL),
                        DirectorySpec.parse(
                                "+/srv/app/tables",
                                Optional.of("/srv/standby/tables"),
                                Mode.INITIAL,
                                List.of("*.tmp", "cache/**")),
                        spec("+/srv/app/handlers", Mode.CONTINUOUS),
                        DirectorySpec.parse(
                                "/srv/app/resources",
                                Optional.empty(),
                                Mode.CONTINUOUS,
                                List.of("*.tmp")));
    }

    @Test
    void load_shortAndLongForm_sameDirectory() {
        List<DirectorySpec> written =
                TestYaml.minimal()
                        .with("mirror", "{initial: [+/srv/a], continuous: [{path: +/srv/b}]}")
                        .valid(dir)
                        .mirror()
                        .directories();

        assertThat(written.get(0)).isEqualTo(spec("+/srv/a", Mode.INITIAL));
        assertThat(written.get(1)).isEqualTo(spec("+/srv/b", Mode.CONTINUOUS));
        assertThat(written.get(0).recursive()).isTrue();
        assertThat(written.get(0).source()).isEqualTo("/srv/a");
    }

    @Test
    void load_noTarget_thePeersCopyHasTheSamePath() {
        DirectorySpec spec =
                TestYaml.minimal()
                        .with("mirror", "{continuous: [/srv/app/handlers]}")
                        .valid(dir)
                        .mirror()
                        .directories()
                        .get(0);

        assertThat(spec.target()).isEqualTo(spec.source()).isEqualTo("/srv/app/handlers");
        assertThat(spec.recursive()).isFalse();
    }

    @Test
    void load_directoriesThatDoNotExist_accepted() {
        Path absent = dir.resolve("not/mounted/yet");

        List<DirectorySpec> directories =
                TestYaml.minimal()
                        .with("mirror", "{continuous: ['+" + absent + "']}")
                        .valid(dir)
                        .mirror()
                        .directories();

        assertThat(directories)
                .extracting(DirectorySpec::source)
                .containsExactly(absent.toString());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"srv/app", "+srv/app", "/", "+/", "/srv/../etc", "/srv//app", "/srv/./a"})
    void load_badPathInShortForm_reportedAtTheItem(String path) {
        ConfigProblem problem =
                TestYaml.minimal()
                        .with("mirror", "{initial: ['" + path + "']}")
                        .problemAt(dir, "mirror.initial[0]");

        assertThat(problem.value()).isEqualTo(path);
        assertThat(problem.message()).isEqualTo(parseMessage(path, Optional.empty()));
    }

    @Test
    void load_badPathInLongForm_reportedAtPath() {
        ConfigProblem problem =
                TestYaml.minimal()
                        .with("mirror", "{continuous: [/srv/a, {path: relative/b}]}")
                        .problemAt(dir, "mirror.continuous[1].path");

        assertThat(problem.value()).isEqualTo("relative/b");
        assertThat(problem.message()).isEqualTo(parseMessage("relative/b", Optional.empty()));
    }

    @Test
    void load_badTarget_reportedAtTarget() {
        ConfigProblem problem =
                TestYaml.minimal()
                        .with("mirror", "{initial: [{path: /srv/a, target: standby/a}]}")
                        .problemAt(dir, "mirror.initial[0].target");

        assertThat(problem.value()).isEqualTo("standby/a");
        assertThat(problem.message()).isEqualTo(parseMessage("/srv/a", Optional.of("standby/a")));
    }

    @Test
    void load_badExcludeGlob_reportedAtTheGlob() {
        ConfigProblem problem =
                TestYaml.minimal()
                        .with("mirror", "{initial: [{path: /srv/a, exclude: ['*.tmp', '[abc']}]}")
                        .problemAt(dir, "mirror.initial[0].exclude[1]");

        assertThat(problem.value()).isEqualTo("[abc");
        assertThat(problem.message()).isNotBlank();
    }

    @Test
    void load_excludeNotAList_reportedWithAnExample() {
        ConfigProblem problem =
                TestYaml.minimal()
                        .with("mirror", "{initial: [{path: /srv/a, exclude: '*.tmp'}]}")
                        .problemAt(dir, "mirror.initial[0].exclude");

        assertThat(problem.render())
                .isEqualTo(
                        "mirror.initial[0].exclude: \"*.tmp\" must be a list, e.g. exclude:"
                                + " ['*.tmp', 'cache/**']");
    }

    @Test
    void load_entryWithoutPath_required() {
        ConfigProblem problem =
                TestYaml.minimal()
                        .with("mirror", "{continuous: [{target: /srv/b}]}")
                        .problemAt(dir, "mirror.continuous[0].path");

        assertThat(problem.render())
                .isEqualTo(
                        "mirror.continuous[0].path: is required (the directory on this node; a"
                                + " leading + includes subdirectories)");
    }

    @Test
    void load_unknownKeyOfAnEntry_listsTheEntrysKeys() {
        ConfigProblem problem =
                TestYaml.minimal()
                        .with("mirror", "{initial: [{path: /srv/a, recursive: true}]}")
                        .problemAt(dir, "mirror.initial[0].recursive");

        assertThat(problem.message())
                .isEqualTo(
                        "is not a known key of mirror.initial[0]; known keys: path, target,"
                                + " exclude");
    }

    @Test
    void load_entryThatIsAList_reported() {
        ConfigProblem problem =
                TestYaml.minimal()
                        .with("mirror", "{initial: [[/srv/a, /srv/b]]}")
                        .problemAt(dir, "mirror.initial[0]");

        assertThat(problem.render())
                .isEqualTo(
                        "mirror.initial[0]: must be a directory path or a section of keys, not a"
                                + " list");
    }

    @Test
    void load_listThatIsASingleValue_reportedWithAnExample() {
        ConfigProblem problem =
                TestYaml.minimal()
                        .with("mirror", "{continuous: /srv/a}")
                        .problemAt(dir, "mirror.continuous");

        assertThat(problem.value()).isEqualTo("/srv/a");
        assertThat(problem.message()).startsWith("must be a list, e.g. continuous: [+/srv/app");
    }

    @Test
    void load_samePathInBothLists_reportedAtTheLaterEntry() {
        ConfigProblem problem =
                TestYaml.minimal()
                        .with("mirror", "{initial: [/srv/x, +/srv/a], continuous: [/srv/a]}")
                        .problemAt(dir, "mirror.continuous[0]");

        assertThat(problem.render())
                .isEqualTo(
                        "mirror.continuous[0]: \"/srv/a\" is also listed at mirror.initial[1];"
                                + " list it once");
    }

    @Test
    void load_pathInsideAnEarlierOne_reported() {
        ConfigProblem problem =
                TestYaml.minimal()
                        .with("mirror", "{initial: [+/srv/app, {path: /srv/app/tables}]}")
                        .problemAt(dir, "mirror.initial[1].path");

        assertThat(problem.render())
                .isEqualTo(
                        "mirror.initial[1].path: \"/srv/app/tables\" is inside /srv/app, listed"
                                + " at mirror.initial[0]: mirrored directories must not nest, or"
                                + " the files in both would be mirrored twice");
    }

    @Test
    void load_pathContainingAnEarlierOne_reported() {
        ConfigProblem problem =
                TestYaml.minimal()
                        .with("mirror", "{initial: [/srv/app/tables], continuous: [+/srv]}")
                        .problemAt(dir, "mirror.continuous[0]");

        assertThat(problem.message()).startsWith("contains /srv/app/tables, listed at");
    }

    @Test
    void load_pathsThatOnlyShareAPrefix_accepted() {
        assertThat(
                        TestYaml.minimal()
                                .with("mirror", "{continuous: [+/srv/app, +/srv/application]}")
                                .valid(dir)
                                .mirror()
                                .directories())
                .hasSize(2);
    }

    @Test
    void load_sameTarget_reportedAtTheLaterTarget() {
        ConfigProblem problem =
                TestYaml.minimal()
                        .with(
                                "mirror",
                                "{initial: [{path: /srv/a, target: /standby/x}],"
                                        + " continuous: [{path: /srv/b, target: /standby/x}]}")
                        .problemAt(dir, "mirror.continuous[0].target");

        assertThat(problem.render())
                .isEqualTo(
                        "mirror.continuous[0].target: \"/standby/x\" names the peer's copy"
                                + " /standby/x, which is also the target of mirror.initial[0]:"
                                + " two entries would write one directory on the peer");
    }

    @Test
    void load_defaultTargetInsideAnExplicitOne_reportedAtThePath() {
        ConfigProblem problem =
                TestYaml.minimal()
                        .with("mirror", "{initial: [{path: /srv/a, target: /srv/b}, +/srv/b/c]}")
                        .problemAt(dir, "mirror.initial[1]");

        assertThat(problem.render())
                .isEqualTo(
                        "mirror.initial[1]: \"+/srv/b/c\" names the peer's copy /srv/b/c, which"
                                + " is inside /srv/b, the target of mirror.initial[0]: the peer's"
                                + " copies must not nest either");
    }

    @Test
    void load_targetsSwapped_accepted() {
        List<DirectorySpec> directories =
                TestYaml.minimal()
                        .with(
                                "mirror",
                                "{continuous: [{path: /srv/a, target: /srv/b},"
                                        + " {path: /srv/b, target: /srv/a}]}")
                        .valid(dir)
                        .mirror()
                        .directories();

        assertThat(directories).extracting(DirectorySpec::id).containsExactly("/srv/b", "/srv/a");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "/var/lib/switchover | is node.data-dir (/var/lib/switchover)",
                "+/var/lib | contains node.data-dir (/var/lib/switchover)",
                "/var/lib/switchover/mirror | is inside node.data-dir (/var/lib/switchover)",
                "+/var/log/switchover/old | is inside logging.dir (/var/log/switchover)"
            })
    void load_mirroringTheDaemonsOwnDirectories_refused(String path, String relation) {
        ConfigProblem problem =
                TestYaml.minimal()
                        .with("mirror", "{continuous: [/srv/a, '" + path + "']}")
                        .problemAt(dir, "mirror.continuous[1]");

        assertThat(problem.render())
                .isEqualTo(
                        "mirror.continuous[1]: \""
                                + path
                                + "\" "
                                + relation
                                + ": the daemon's own files must not be mirrored, as backup it"
                                + " would overwrite them with the peer's");
    }

    @Test
    void load_dataDirSetInTheFile_theResolvedDirectoryIsProtected() {
        Path state = dir.resolve("state");

        ConfigProblem problem =
                TestYaml.minimal()
                        .with("node", "{id: node-a, data-dir: state}")
                        .with("mirror", "{initial: ['+" + dir + "']}")
                        .problemAt(dir, "mirror.initial[0]");

        assertThat(problem.message()).startsWith("contains node.data-dir (" + state + ")");
    }

    @Test
    void load_targetInsideTheDataDir_accepted() {
        // The target is the peer's path; the peer checks its own directories against its own.
        TestYaml.minimal()
                .with("mirror", "{initial: [{path: /srv/a, target: /var/lib/switchover/a}]}")
                .valid(dir);
    }

    @Test
    void load_severalMistakes_allReportedInFileOrderOncePerEntry() {
        List<ConfigProblem> problems =
                TestYaml.minimal()
                        .with(
                                "mirror",
                                "{transfers: 0, initial: [relative, {path: /srv/a, exclud: []},"
                                        + " [/srv/x]], continuous: [/srv/b, /srv/b/c, /var/log,"
                                        + " +/srv/b]}")
                        .problems(dir);

        assertThat(problems)
                .extracting(ConfigProblem::path)
                .containsExactly(
                        "mirror.transfers",
                        "mirror.initial[0]",
                        "mirror.initial[1].exclud",
                        "mirror.initial[2]",
                        "mirror.continuous[1]",
                        "mirror.continuous[2]",
                        "mirror.continuous[3]");
        assertThat(problems.get(6).message()).startsWith("is also listed at mirror.continuous[0]");
    }

    @Test
    void load_severalMistakesInOneEntry_inTheOrderOfItsKeys() {
        List<ConfigProblem> problems =
                TestYaml.minimal()
                        .with(
                                "mirror",
                                "{initial: [{bogus: 1, exclude: ['[a'], target: t, path: p}]}")
                        .problems(dir);

        assertThat(problems)
                .extracting(ConfigProblem::path)
                .containsExactly(
                        "mirror.initial[0].path",
                        "mirror.initial[0].exclude[0]",
                        "mirror.initial[0].bogus");
    }

    private static DirectorySpec spec(String path, Mode mode) {
        return DirectorySpec.parse(path, Optional.empty(), mode, List.of());
    }

    /** The core's own message for a path it refuses: the binder passes it on unchanged. */
    private static String parseMessage(String path, Optional<String> target) {
        try {
            DirectorySpec.parse(path, target, Mode.INITIAL, List.of());
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        throw new AssertionError(path + " -> " + target + " was accepted");
    }
}
