package io.switchover.core.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchover.core.mirror.DirectorySpec.Mode;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DirectorySpecTest {

    private static MirrorPath path(String p) {
        try {
            return MirrorPath.parse(p);
        } catch (MirrorException e) {
            throw new AssertionError(e);
        }
    }

    private static DirectorySpec spec(boolean recursive, String... excludes) {
        return new DirectorySpec(
                "/srv/data", "/srv/data", recursive, Mode.CONTINUOUS, List.of(excludes));
    }

    @Test
    void parse_plainPath_notRecursiveTargetIsSource() {
        DirectorySpec spec =
                DirectorySpec.parse("/etc/app", Optional.empty(), Mode.INITIAL, List.of());

        assertThat(spec)
                .isEqualTo(
                        new DirectorySpec("/etc/app", "/etc/app", false, Mode.INITIAL, List.of()));
        assertThat(spec.id()).isEqualTo("/etc/app");
    }

    @Test
    void parse_plusPrefix_recursive() {
        DirectorySpec spec =
                DirectorySpec.parse(
                        "+/var/lib/app/",
                        Optional.of("/backup/app/"),
                        Mode.CONTINUOUS,
                        List.of("*.tmp"));

        assertThat(spec.source()).isEqualTo("/var/lib/app");
        assertThat(spec.target()).isEqualTo("/backup/app");
        assertThat(spec.recursive()).isTrue();
        assertThat(spec.excludes()).containsExactly("*.tmp");
        assertThat(spec.id()).isEqualTo("/backup/app");
    }

    @ParameterizedTest(name = "''{0}'' target ''{1}'': {2}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "etc/app         |               | path 'etc/app' is not absolute",
                "+etc/app        |               | path 'etc/app' is not absolute",
                "+               |               | followed by no path",
                "/               |               | root directory",
                "+/              |               | root directory",
                "/etc/../app     |               | has a '..' segment",
                "/etc/./app      |               | has a '.' segment",
                "/etc//app       |               | empty segment",
                "''              |               | is not absolute",
                "/etc/app        | backup/app    | target 'backup/app' is not absolute",
                "/etc/app        | /             | root directory",
                "/etc/app        | /x/../y       | '..' segment",
            })
    void parse_badEntry_throwsNamingEntry(String configured, String target, String problem) {
        String entry = configured.equals("''") ? "" : configured;
        assertThatThrownBy(
                        () ->
                                DirectorySpec.parse(
                                        entry,
                                        Optional.ofNullable(target),
                                        Mode.INITIAL,
                                        List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + entry + "'")
                .hasMessageContaining(problem);
    }

    @Test
    void parse_badExclude_throwsNamingEntryAndPattern() {
        assertThatThrownBy(
                        () ->
                                DirectorySpec.parse(
                                        "/etc/app",
                                        Optional.empty(),
                                        Mode.INITIAL,
                                        List.of("ok", "[x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("/etc/app")
                .hasMessageContaining("'[x'");
    }

    @Test
    void includes_root_true() {
        assertThat(spec(false).includes(MirrorPath.ROOT, EntryType.DIRECTORY)).isTrue();
    }

    @Test
    void includes_notRecursive_onlyOwnFilesAndLinks() {
        DirectorySpec spec = spec(false);

        assertThat(spec.includes(path("a"), EntryType.FILE)).isTrue();
        assertThat(spec.includes(path("l"), EntryType.SYMLINK)).isTrue();
        assertThat(spec.includes(path("sub"), EntryType.DIRECTORY)).isFalse();
        assertThat(spec.includes(path("sub/a"), EntryType.FILE)).isFalse();
        assertThat(spec(true).includes(path("sub/deeper/a"), EntryType.FILE)).isTrue();
    }

    @Test
    void includes_partialNames_never() {
        DirectorySpec spec = spec(true);

        assertThat(spec.includes(path(DirectorySpec.PARTIAL_PREFIX + "x"), EntryType.FILE))
                .isFalse();
        assertThat(spec.includes(path("a/" + DirectorySpec.PARTIAL_PREFIX + "x"), EntryType.FILE))
                .isFalse();
        assertThat(spec.includes(path(DirectorySpec.PARTIAL_PREFIX + "d/x"), EntryType.FILE))
                .isFalse();
        assertThat(spec.includes(path("a/x" + DirectorySpec.PARTIAL_PREFIX), EntryType.FILE))
                .isTrue();
    }

    @Test
    void includes_excludedDirectory_excludesSubtree() {
        DirectorySpec spec = spec(true, "cache", "logs/**", "*.tmp", "build/");

        assertThat(spec.includes(path("cache"), EntryType.DIRECTORY)).isFalse();
        assertThat(spec.includes(path("cache/a/b"), EntryType.FILE)).isFalse();
        assertThat(spec.includes(path("x/cache/b"), EntryType.FILE)).isFalse();
        assertThat(spec.includes(path("logs"), EntryType.DIRECTORY)).isTrue();
        assertThat(spec.includes(path("logs/a"), EntryType.FILE)).isFalse();
        assertThat(spec.includes(path("a.tmp"), EntryType.FILE)).isFalse();
        assertThat(spec.includes(path("x.tmp/y"), EntryType.FILE)).isFalse();
        assertThat(spec.includes(path("a.txt"), EntryType.FILE)).isTrue();
        // directories-only: a file named build stays, a directory named build goes with its content
        assertThat(spec.includes(path("build"), EntryType.FILE)).isTrue();
        assertThat(spec.includes(path("build"), EntryType.DIRECTORY)).isFalse();
        assertThat(spec.includes(path("build/out"), EntryType.FILE)).isFalse();
    }

    @Test
    void includes_staticRule_sameAsInstance() {
        Excludes excludes = Excludes.compile(List.of("*.tmp"));

        assertThat(DirectorySpec.includes(path("a/b.tmp"), EntryType.FILE, true, excludes))
                .isFalse();
        assertThat(DirectorySpec.includes(path("a/b"), EntryType.FILE, true, excludes)).isTrue();
        assertThat(DirectorySpec.includes(path("a/b"), EntryType.FILE, false, Excludes.NONE))
                .isFalse();
    }

    @Test
    void constructor_badExclude_throws() {
        assertThatThrownBy(() -> spec(true, "{a"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("/srv/data")
                .hasMessageContaining("unclosed '{'");
    }

    @Test
    void excludeRules_compiledGlobs() {
        assertThat(spec(true, "a", "b/").excludeRules().globs())
                .containsExactly(Glob.compile("a"), Glob.compile("b/"));
    }
}
