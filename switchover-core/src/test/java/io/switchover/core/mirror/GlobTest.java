package io.switchover.core.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GlobTest {

    private static MirrorPath path(String p) {
        try {
            return MirrorPath.parse(p);
        } catch (MirrorException e) {
            throw new AssertionError(e);
        }
    }

    private static boolean matches(String pattern, String path) {
        return Glob.compile(pattern).matches(path(path));
    }

    @ParameterizedTest(name = "''{0}'' matches ''{1}'': {2}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                // a name pattern matches the last segment at any depth
                "app.log      | app.log            | true",
                "app.log      | logs/app.log       | true",
                "app.log      | app.log/x          | false",
                "app.log      | app.logx           | false",
                // * within one segment
                "*.tmp        | a.tmp              | true",
                "*.tmp        | deep/er/a.tmp      | true",
                "*.tmp        | .tmp               | true",
                "*.tmp        | a.tmp.gz           | false",
                "a*b          | ab                 | true",
                "a*b          | axxb               | true",
                "a**b         | axxb               | true",
                // ? one character
                "?.c          | a.c                | true",
                "?.c          | .c                 | false",
                "?.c          | ab.c               | false",
                "?            | \u00e9             | true",
                // classes
                "[abc].txt    | b.txt              | true",
                "[abc].txt    | d.txt              | false",
                "[a-c]x       | bx                 | true",
                "[a-c]x       | dx                 | false",
                "[!a]x        | bx                 | true",
                "[!a]x        | ax                 | false",
                "[]]          | ]                  | true",
                "[!]]         | a                  | true",
                "[!]]         | ]                  | false",
                "[a-]         | -                  | true",
                "[.^&]        | ^                  | true",
                "[\\]]        | ]                  | true",
                // alternatives
                "*.{jpg,png}  | a.png              | true",
                "*.{jpg,png}  | a.jpg              | true",
                "*.{jpg,png}  | a.gif              | false",
                "{a,b{c,d}}   | bd                 | true",
                "{a,b{c,d}}   | b                  | false",
                "{,x}y        | y                  | true",
                "a,b          | a,b                | true",
                "a}           | a}                 | true",
                // escapes
                "\\*          | *                  | true",
                "\\*          | a                  | false",
                "a\\?         | a?                 | true",
                "\\[x]        | [x]                | true",
                "\\{a}        | {a}                | true",
                // regex characters are literal
                "a.b          | axb                | false",
                "a+(b)$       | a+(b)$             | true",
                "\\Qx\\E      | QxE                | true",
                // whole-path patterns
                "cache/*      | cache/a            | true",
                "cache/*      | cache/a/b          | false",
                "cache/*      | x/cache/a          | false",
                "cache/**     | cache/a            | true",
                "cache/**     | cache/a/b/c        | true",
                "cache/**     | cache              | false",
                "cache/**     | cachex/a           | false",
                "**/x         | x                  | true",
                "**/x         | a/x                | true",
                "**/x         | a/b/x              | true",
                "**/x         | a/xy               | false",
                "a/**/b       | a/b                | true",
                "a/**/b       | a/x/y/b            | true",
                "a/**/b       | x/a/b              | false",
                "**           | anything           | true",
                "**           | a/b/c              | true",
                "a/b          | a/b                | true",
                "a/b          | x/a/b              | false",
                "a/?          | a/b                | true",
                "*/x          | a/x                | true",
                "*/x          | a/b/x              | false",
                "{a,b}/x      | b/x                | true",
                "a\\/b        | a/b                | true",
                // case-sensitive
                "*.TMP        | a.tmp              | false",
            })
    void matches_pattern_asDocumented(String pattern, String path, boolean expected) {
        assertThat(matches(pattern, path)).isEqualTo(expected);
    }

    @Test
    void matches_root_never() {
        assertThat(Glob.compile("*").matches(MirrorPath.ROOT)).isFalse();
        assertThat(Glob.compile("**").matches(MirrorPath.ROOT)).isFalse();
    }

    @Test
    void matches_supplementaryCharacter_isOneCharacter() {
        assertThat(matches("?", "\ud83d\ude00")).isTrue();
        assertThat(matches("[\ud83d\ude00x]", "\ud83d\ude00")).isTrue();
    }

    @Test
    void matches_trailingSlash_directoriesOnly() {
        Glob glob = Glob.compile("build/");
        assertThat(glob.directoriesOnly()).isTrue();
        assertThat(glob.matches(path("a/build"), EntryType.DIRECTORY)).isTrue();
        assertThat(glob.matches(path("a/build"), EntryType.FILE)).isFalse();
        assertThat(glob.matches(path("a/build"), EntryType.SYMLINK)).isFalse();
        // without a type, the permissive answer
        assertThat(glob.matches(path("build"))).isTrue();
        assertThat(Glob.compile("a/b/").matches(path("a/b"), EntryType.DIRECTORY)).isTrue();
        assertThat(Glob.compile("*.d").matches(path("x.d"), EntryType.FILE)).isTrue();
    }

    @Test
    void equalsAndToString_byPattern() {
        assertThat(Glob.compile("*.tmp")).isEqualTo(Glob.compile("*.tmp"));
        assertThat(Glob.compile("*.tmp")).hasSameHashCodeAs(Glob.compile("*.tmp"));
        assertThat(Glob.compile("*.tmp")).hasToString("*.tmp");
    }

    @ParameterizedTest(name = "''{0}'': {1}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "[abc        | unclosed '['",
                "[!          | unclosed '['",
                "[]          | unclosed '['",
                "x[a-        | unclosed '['",
                "{a,b        | unclosed '{'",
                "{a,{b}      | unclosed '{'",
                "abc\\       | escapes nothing",
                "[a\\        | escapes nothing",
                "[a-\\       | escapes nothing",
                "/etc        | starts with '/'",
                "a//b        | empty segment",
                "a//         | more than one '/'",
                "/           | only '/'",
                "[a/b]       | '/' in a class",
                "[a-/]       | '/' in a class",
                "[z-a]       | reversed range",
            })
    void compile_malformed_throwsNamingPatternAndProblem(String pattern, String problem) {
        assertThatThrownBy(() -> Glob.compile(pattern))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + pattern + "'")
                .hasMessageContaining(problem);
    }

    @Test
    void compile_empty_throws() {
        assertThatThrownBy(() -> Glob.compile(""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> Glob.compile(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty");
    }
}
